// The sync server for one replica: a WebSocket server whose connections each run the server
// protocol (shared/sync/protocol_server.h) with device authentication and scope checks. The
// district server runs it on its database; the station hub will run it on the station's.
//
// The replica is used only on the server's database thread once start() returns, until the
// server is shut down. REQUIRES: the replica outlives the server.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include "shared/net/ws_server.h"
#include "shared/sync/replica.h"

namespace liaison::service {

class SyncServer {
 public:
  static Result<std::unique_ptr<SyncServer>> start(sync::Replica& replica,
                                                   net::ServerOptions options);
  ~SyncServer();

  uint16_t port() const { return server_->port(); }
  net::WsServer& transport() { return *server_; }
  // Stops accepting, lets open syncs finish within grace, then closes the rest ("going away").
  void shutdown(std::chrono::milliseconds grace) { server_->shutdown(grace); }

  struct State;  // opaque: what the connections share

 private:
  SyncServer() = default;
  std::unique_ptr<State> state_;
  std::unique_ptr<net::WsServer> server_;
};

// Runs a sync server until SIGTERM or SIGINT, then drains for grace and returns OK. on_listening
// is called once the port is bound.
Status serve_until_signalled(sync::Replica& replica, net::ServerOptions options,
                             std::chrono::milliseconds grace,
                             const std::function<void(uint16_t port)>& on_listening);

}  // namespace liaison::service
