// HttpServer: a small HTTP/1.1 server for the pages and JSON APIs of shared/web. It knows nothing
// of routes: every complete request goes to one HttpHandler, whose response is sent back.
//
// Threads: one I/O thread, on which the handler is also called, one request at a time in the
// order they complete (so a handler may use a non-thread-safe object such as a Replica without
// locks, and a slow handler delays the other connections' answers, not their reading).
//
// With a certificate and key it speaks HTTPS only (the handshake under the idle timeout).
//
// Bounds: headers at most max_header bytes (431), a body at most max_body bytes (413); a
// connection that sends nothing for idle_timeout, or takes longer than that to send a request
// or read a response, is closed. Keep-alive is honoured; HTTP/1.0 without it closes.
//
// Thread safety: port() and shutdown() may be called from any thread but the server's own.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "shared/util/status.h"

namespace liaison::net {

struct HttpRequest {
  std::string method;   // "GET", "POST", ...
  std::string target;   // as sent: "/api/opinions?search=%E8%B7%AF"
  std::string path;     // the target's path, percent-decoded: "/api/opinions"
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order ('+' is a space)
  std::map<std::string, std::string> headers;              // names in lower case
  std::string body;
  std::string peer;         // "127.0.0.1:53122"
  uint16_t local_port = 0;  // the port the request came in on

  // The header's value, or "" when absent. name in lower case.
  const std::string& header(const std::string& name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (Set-Cookie, ...)
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

struct HttpOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;      // 0: any free port
  std::string port_file;  // when set, the bound port is written here once listening
  std::string tls_cert_file;  // PEM chain; with tls_key_file set, the server speaks https://
  std::string tls_key_file;   // PEM private key
  size_t max_body = 32 << 20;
  size_t max_header = 16 << 10;
  std::chrono::seconds idle_timeout{60};
};

class HttpServer {
 public:
  // Loads the TLS files (when given), binds, listens, writes the port file (through a temporary
  // file and a rename), then starts the I/O thread. On failure starts nothing and returns the
  // reason. REQUIRES: handler is set.
  static Result<std::unique_ptr<HttpServer>> start(HttpOptions options, HttpHandler handler);
  ~HttpServer();  // shutdown()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  uint16_t port() const;
  // Stops accepting, closes every connection (a handler call already running finishes first)
  // and joins the thread. Safe to call more than once.
  void shutdown();
  // Makes SIGINT and SIGTERM stop the server; wait() then returns. Fails when the signal
  // handlers cannot be installed.
  Status shutdown_on_signals();
  // Blocks until a signal (see shutdown_on_signals) or shutdown() has stopped the server.
  void wait();

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Percent-decodes text into out ('+' becomes a space when plus_is_space). False (out
// unspecified) for a '%' not followed by two hex digits.
bool percent_decode(std::string_view text, bool plus_is_space, std::string& out);

}  // namespace liaison::net
