#include "shared/net/listen.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace liaison::net::detail {
namespace asio = boost::asio;
using boost::system::error_code;
using tcp = asio::ip::tcp;

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
