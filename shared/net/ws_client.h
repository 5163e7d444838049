// run_client: one WebSocket (ws:// or wss://) connection driven by a ClientHandler
// (shared/net/handler.h): the handler's calls run on the calling thread, the connection's I/O
// (and the handler's decode) on a thread run_client starts and joins before it returns, when
// the connection ends.
//
// Errors come back as one Status each, in English (callers translate them):
//   Code::kInvalidArgument  the URL is not ws://host[:port][/path] or wss://... (key err.usage)
//   Code::kIo               cannot resolve, cannot connect (refused, timed out), TLS failure
//                           (certificate verification names the reason), handshake refused
//                           (the HTTP status), closed by the server, timed out, connection lost
//   Code::kLimitExceeded    the server sent a message over max_frame bytes
//   Code::kCorruption       the server sent a text frame
//   Code::kInternal         the handler threw
// ClientStats::failure tells these apart without parsing text; when the server closed the
// connection, ClientStats::close_code and close_reason hold its close frame (the protocol puts
// a machine-readable reason there).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "shared/net/handler.h"
#include "shared/util/status.h"

namespace liaison::net {

struct ClientOptions {
  std::string url;  // ws://host:port/path or wss://host:port/path
  std::chrono::seconds connect_timeout{10};  // resolve + TCP connect + TLS + WebSocket handshake
  std::chrono::seconds io_timeout{60};  // no data from the server for this long ends the run
  size_t max_frame = 8 << 20;  // largest message accepted from the server
  std::string ca_file;         // PEM CA bundle for wss://; empty: the system's trust store
  bool insecure_tls = false;   // skip certificate and host name checks (tests and demos only)
};

// What ended a run, for callers that react to the kind of failure.
enum class ClientFailure {
  kNone,            // the handler asked to close and the close completed
  kBadUrl,
  kResolve,
  kConnect,         // refused, unreachable or timed out
  kTls,
  kHandshake,       // the HTTP upgrade was refused (http_status) or malformed
  kClosedByServer,  // close_code / close_reason say why
  kTimeout,         // nothing from the server for io_timeout
  kFrameTooBig,
  kProtocol,        // a text frame or another protocol violation
  kConnectionLost,  // the connection broke without a close frame
  kHandler,         // the handler threw
};

struct ClientStats {
  uint64_t bytes_sent = 0;  // message payload bytes
  uint64_t bytes_received = 0;
  // What crossed the TCP connection (Linux TCP_INFO): after permessage-deflate, with WebSocket
  // framing, the HTTP upgrade and TLS, without TCP/IP headers. 0 when the kernel does not say.
  uint64_t tcp_bytes_sent = 0;
  uint64_t tcp_bytes_received = 0;
  uint64_t frames_sent = 0;
  uint64_t frames_received = 0;
  ClientFailure failure = ClientFailure::kNone;
  int http_status = 0;      // the server's answer to the upgrade request, when one came
  uint16_t close_code = 0;  // the server's close frame, when the server closed
  std::string close_reason;
};

// Connects to options.url, sends on_open()'s frames, then for each binary message received
// calls handler.on_frame and sends its frames. When a Reply has close set, sends its frames,
// closes with its code and reason, and returns OK. Returns an error Status otherwise (see the top
// of this file). stats, when given, is overwritten with the counters and the outcome.
Status run_client(const ClientOptions& options, ClientHandler& handler,
                  ClientStats* stats = nullptr);

// A parsed ws:// or wss:// URL.
struct WsUrl {
  bool tls = false;
  std::string host;    // without brackets for IPv6 literals
  std::string port;    // "80" / "443" when the URL names none
  std::string target;  // path and query, "/" when the URL has none
};

// Parses url; returns Code::kInvalidArgument naming the problem for anything else than
// ws[s]://host[:port][/path][?query] (no user info, no fragment, port 1..65535).
Result<WsUrl> parse_ws_url(std::string_view url);

}  // namespace liaison::net
