// Internal to shared/net (not for client/ or server/ code): what the listener (ws_server.cpp)
// and the per-connection sessions (ws_session.cpp) share. Includes Asio, so only those two
// translation units include it.
//
// Ownership: the server and every session hold a shared_ptr<ServerCore>, so the options, the
// factory, the TLS context and the counters outlive the last session. The database io_context
// is owned by the server, which runs it until every session is gone (see WsServer::wait()).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "shared/net/handler.h"
#include "shared/net/ws_server.h"

namespace liaison::net::detail {

// The live counters behind ServerStats. Thread-safe (relaxed atomics).
struct Counters {
  std::atomic<uint64_t> open_connections{0}, accepted{0}, bytes_in{0}, bytes_out{0},
      frames_in{0}, frames_out{0}, queued_bytes{0}, peak_queued_bytes{0}, closed_slow{0},
      closed_too_big{0}, handler_errors{0};

  void note_queue(uint64_t connection_queue) {
    uint64_t seen = peak_queued_bytes.load(std::memory_order_relaxed);
    while (connection_queue > seen &&
           !peak_queued_bytes.compare_exchange_weak(seen, connection_queue)) {
    }
  }
  ServerStats snapshot() const;
};

// What the listener needs from a session. Both calls may come from any thread: they post onto
// the session's strand.
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  // Starts the handshakes and then the frame loop. Call once.
  virtual void run() = 0;
  // Closes with 1001 "going away" (before the WebSocket handshake: cuts the connection).
  virtual void close_going_away() = 0;
  // Cuts the TCP connection now; every pending operation fails and the session ends.
  virtual void force_close() = 0;
};

class ServerCore {
 public:
  ServerCore(ServerOptions opts, HandlerFactory make_handler, boost::asio::io_context& db_ctx,
             std::optional<boost::asio::ssl::context> tls_ctx)
      : options(std::move(opts)),
        factory(std::move(make_handler)),
        db(db_ctx),
        tls(std::move(tls_ctx)) {}

  const ServerOptions options;
  const HandlerFactory factory;      // called on the database thread only
  boost::asio::io_context& db;       // the database thread's queue
  std::optional<boost::asio::ssl::context> tls;  // set for wss://; not modified after start
  Counters counters;

  // The registry of live sessions, used by shutdown. Thread-safe; the lock is held only to
  // copy pointers.
  uint64_t add_session(std::weak_ptr<SessionBase> session);
  void remove_session(uint64_t id);
  std::vector<std::shared_ptr<SessionBase>> sessions();
  // Calls on_empty once, from whichever thread removes the last session (or right now when
  // there is none). on_empty must only post work elsewhere.
  void notify_when_empty(std::function<void()> on_empty);

 private:
  std::mutex mu_;
  uint64_t next_id_ = 1;                                            // GUARDED_BY(mu_)
  std::unordered_map<uint64_t, std::weak_ptr<SessionBase>> live_;  // GUARDED_BY(mu_)
  std::function<void()> on_empty_;                                  // GUARDED_BY(mu_)
};

// Creates a session for an accepted socket (TLS when core->tls is set) and registers it with
// core. The caller then calls run(). REQUIRES: socket's executor is a strand of its own.
std::shared_ptr<SessionBase> make_session(const std::shared_ptr<ServerCore>& core,
                                          boost::asio::ip::tcp::socket socket);

}  // namespace liaison::net::detail
