// Internal to shared/net (not for client/ or server/ code): what the WebSocket server and the
// HTTP server both do to start listening. Includes Asio, so only the servers' translation units
// include it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "shared/util/status.h"

namespace liaison::net::detail {

// host as an address, or the first address a name resolves to (passive).
Result<boost::asio::ip::tcp::endpoint> listen_endpoint(boost::asio::io_context& ioc,
                                                       const std::string& host, uint16_t port);
// Opens, binds (with SO_REUSEADDR) and listens; host and port only name it in the error.
Status open_acceptor(boost::asio::ip::tcp::acceptor& acceptor,
                     const boost::asio::ip::tcp::endpoint& ep, const std::string& host,
                     uint16_t port);
// Writes "<port>\n" to a temporary file beside path and renames it over path, so a reader never
// sees a partial file.
Status write_port_file(const std::string& path, uint16_t port);
// The server's TLS context from a PEM certificate chain and key, or none when both names are
// empty. InvalidArgument when only one is given; Io err.file when a file cannot be loaded or
// the key does not match the certificate.
Result<std::optional<boost::asio::ssl::context>> load_tls(const std::string& cert_file,
                                                          const std::string& key_file);
// Runs ctx until it has no more work; a handler that throws despite the rules is dropped and
// the loop goes on, so one bad call does not take down every connection on the thread.
void run_loop(boost::asio::io_context& ctx);

}  // namespace liaison::net::detail
