#include "tests/integration/net/test_cert.h"

#include <cstdio>
#include <memory>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace liaison::net::testing {
namespace {

struct Free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
  void operator()(std::FILE* f) const { std::fclose(f); }
};
template <class T>
using Owned = std::unique_ptr<T, Free>;

bool add_extension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  Owned<X509_EXTENSION> ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}

}  // namespace

std::string make_self_signed_cert(const std::string& cert_path, const std::string& key_path) {
  Owned<EVP_PKEY> key(EVP_EC_gen("P-256"));
  if (!key) return "cannot generate a key";
  Owned<X509> cert(X509_new());
  if (!cert) return "cannot allocate a certificate";
  X509_set_version(cert.get(), 2);  // v3
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  if (!add_extension(cert.get(), NID_basic_constraints, "critical,CA:TRUE") ||
      !add_extension(cert.get(), NID_key_usage, "critical,digitalSignature,keyCertSign") ||
      !add_extension(cert.get(), NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1")) {
    return "cannot add the certificate extensions";
  }
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) return "cannot sign the certificate";

  Owned<std::FILE> key_file(std::fopen(key_path.c_str(), "wb"));
  if (!key_file ||
      PEM_write_PrivateKey(key_file.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return "cannot write " + key_path;
  }
  Owned<std::FILE> cert_file(std::fopen(cert_path.c_str(), "wb"));
  if (!cert_file || PEM_write_X509(cert_file.get(), cert.get()) != 1) {
    return "cannot write " + cert_path;
  }
  return {};
}

}  // namespace liaison::net::testing
