// WsServer: the WebSocket (ws:// or wss://) server that carries binary frames between clients and
// the sync protocol. It knows nothing of the frames' meaning: each connection gets its own
// ConnectionHandler (shared/net/handler.h), created and called on the server's single database
// thread, one call at a time per connection and in frame order; only its decode() runs on the
// connection's strand, one frame ahead of the call the database thread is making.
//
// Threads: start() runs options.io_threads I/O threads and one database thread. Each connection
// lives on its own strand; a handler's Reply is posted back to that strand and sent from there.
//
// Bounds: a received message may be at most max_frame bytes (a bigger one closes that connection
// with 1009). A connection stops reading while it holds a decoded frame waiting behind its
// handler's call, or while more than max_queued_bytes / 2 wait to be sent (back-pressure); a Reply that would take the queue over
// max_queued_bytes closes the connection with 1008 (slow peer), so a single Reply should stay
// under max_queued_bytes / 2. A peer that stops reading is closed by the idle timeout at the
// latest (the server pings it and gets no answer).
//
// Thread safety: every method may be called from any thread except the server's own threads
// (shutdown() and wait() join them, so never call them from a handler). The destructor shuts
// down with no grace period if that has not happened yet, so no server thread outlives it.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "shared/net/handler.h"
#include "shared/util/status.h"

namespace liaison::net {

struct ServerOptions {
  std::string host = "127.0.0.1";  // an address, or a host name (its first address)
  uint16_t port = 0;               // 0: any free port; port() tells which
  std::string port_file;           // when set, the bound port is written here once listening
  std::string tls_cert_file;       // PEM chain; with tls_key_file set, the server speaks wss://
  std::string tls_key_file;        // PEM private key
  size_t max_frame = 8 << 20;      // largest message read; a bigger one closes with 1009
  size_t max_queued_bytes = 32 << 20;  // per connection, waiting to be sent
  std::chrono::seconds handshake_timeout{10};  // TLS + HTTP upgrade, and the closing handshake
  std::chrono::seconds idle_timeout{60};       // no data for this long: ping, then close
  int io_threads = 2;
  std::string path = "/sync";  // the only request target accepted (a query string is ignored)
};

// A snapshot of the server's counters (each read atomically, not all at one instant).
struct ServerStats {
  uint64_t open_connections = 0;   // WebSocket connections whose handler got on_open, not closed
  uint64_t accepted = 0;           // TCP connections accepted since start
  uint64_t bytes_in = 0;           // message payload bytes received
  uint64_t bytes_out = 0;          // message payload bytes sent
  uint64_t frames_in = 0;
  uint64_t frames_out = 0;
  uint64_t queued_bytes = 0;       // bytes waiting to be sent now, all connections together
  uint64_t peak_queued_bytes = 0;  // the most one connection ever had waiting
  uint64_t closed_slow = 0;        // connections closed with 1008 for overflowing the queue
  uint64_t closed_too_big = 0;     // connections closed with 1009 for an oversized message
  uint64_t handler_errors = 0;     // handler calls that threw (closed with 1011)
};

class WsServer {
 public:
  // Binds to options.host:options.port, listens, writes the port file (through a temporary file
  // and a rename), then starts the threads. On failure (bad address, port in use, unreadable or
  // mismatched TLS files, unwritable port file, io_threads < 1) returns the reason and starts
  // nothing. REQUIRES: factory is set.
  static Result<std::unique_ptr<WsServer>> start(ServerOptions options, HandlerFactory factory);

  ~WsServer();
  WsServer(const WsServer&) = delete;
  WsServer& operator=(const WsServer&) = delete;

  // The port the server listens on (the bound one when options.port was 0).
  uint16_t port() const;
  bool tls() const;

  // Stops accepting new connections; open ones go on. Returns without waiting.
  void stop_accepting();

  // Stops accepting, lets open connections go on until they close by themselves or grace
  // passes, then closes the rest with 1001 "going away" (and cuts those that do not finish the
  // closing handshake within handshake_timeout). Every opened connection's handler gets
  // on_close. Returns when all threads are joined. Safe to call more than once.
  void shutdown(std::chrono::milliseconds grace);

  // Makes SIGINT and SIGTERM start shutdown(grace) inside the server; main() then calls wait().
  // Fails when the signal handlers cannot be installed.
  Status shutdown_on_signals(std::chrono::milliseconds grace);

  // Blocks until a shutdown (from shutdown() or a signal) has finished and all threads are
  // joined.
  void wait();

  ServerStats stats() const;

  // The id of the database thread, where every handler is created and called.
  std::thread::id database_thread_id() const;

 private:
  struct Impl;
  explicit WsServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace liaison::net
