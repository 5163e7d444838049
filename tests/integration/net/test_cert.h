// A self-signed certificate for the TLS tests, made with OpenSSL's EVP and X509 APIs (no
// openssl command needed). Not thread-safe with respect to the files it writes.
#pragma once

#include <string>

namespace liaison::net::testing {

// Writes a fresh P-256 key (PEM) to key_path and a self-signed certificate for "localhost" and
// 127.0.0.1 (PEM, valid for a day, usable as its own trust anchor) to cert_path. Returns an
// empty string on success, otherwise what failed.
std::string make_self_signed_cert(const std::string& cert_path, const std::string& key_path);

}  // namespace liaison::net::testing
