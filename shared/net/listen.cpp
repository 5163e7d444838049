#include "shared/net/listen.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace liaison::net::detail {
namespace asio = boost::asio;
using boost::system::error_code;
using tcp = asio::ip::tcp;
namespace ssl = asio::ssl;

Result<tcp::endpoint> listen_endpoint(asio::io_context& ioc, const std::string& host,
                                      uint16_t port) {
  error_code ec;
  asio::ip::address addr = asio::ip::make_address(host, ec);
  if (!ec) return tcp::endpoint(addr, port);
  tcp::resolver resolver(ioc);
  auto results = resolver.resolve(host, std::to_string(port), tcp::resolver::passive, ec);
  if (ec || results.empty()) {
    return Status::io("cannot resolve the listen address '" + host + "': " + ec.message());
  }
  return results.begin()->endpoint();
}

Status open_acceptor(tcp::acceptor& acceptor, const tcp::endpoint& ep, const std::string& host,
                     uint16_t port) {
  error_code ec;
  acceptor.open(ep.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(ep, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::io("cannot listen on " + host + ":" + std::to_string(port) + ": " +
                      ec.message());
  }
  return Status::ok();
}

Status write_port_file(const std::string& path, uint16_t port) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << port << '\n';
    out.close();
    if (!out) return Status(Code::kIo, "err.file", "cannot write the port file " + tmp);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    return Status(Code::kIo, "err.file", "cannot write the port file " + path);
  }
  return Status::ok();
}

Result<std::optional<ssl::context>> load_tls(const std::string& cert_file,
                                            const std::string& key_file) {
  if (cert_file.empty() && key_file.empty()) return std::optional<ssl::context>();
  if (cert_file.empty() || key_file.empty()) {
    return Status::invalid("err.usage", "TLS needs both a certificate file and a key file");
  }
  std::optional<ssl::context> ctx;
  try {  // the context constructor throws when OpenSSL cannot allocate one
    ctx.emplace(ssl::context::tls_server);
  } catch (const std::exception& e) {
    return Status::io(std::string("cannot create a TLS context: ") + e.what());
  }
  error_code ec;
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                       ssl::context::no_tlsv1_1 | ssl::context::single_dh_use,
                   ec);
  ctx->use_certificate_chain_file(cert_file, ec);
  if (ec) {
    return Status(Code::kIo, "err.file",
                  "cannot load the TLS certificate " + cert_file + ": " + ec.message());
  }
  ctx->use_private_key_file(key_file, ssl::context::pem, ec);
  if (ec && ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == X509_R_KEY_VALUES_MISMATCH) {
    return Status(Code::kIo, "err.file",
                  "the TLS key " + key_file + " does not match the certificate " +
                      cert_file);
  }
  if (ec) {
    return Status(Code::kIo, "err.file",
                  "cannot load the TLS key " + key_file + ": " + ec.message());
  }
  if (SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
    return Status(Code::kIo, "err.file",
                  "the TLS key " + key_file + " does not match the certificate " +
                      cert_file);
  }
  return ctx;
}

void run_loop(asio::io_context& ctx) {
  for (;;) {
    try {
      ctx.run();
      return;
    } catch (...) {
    }
  }
}

}  // namespace liaison::net::detail
