#include "shared/service/sync_server.h"

#include <csignal>

#include "shared/service/device_access.h"
#include "shared/service/reply.h"
#include "shared/sync/protocol_server.h"

namespace liaison::service {

// What every connection of one server shares; lives on the database thread.
struct SyncServer::State {
  explicit State(sync::Replica& r)
      : replica(r), auth(r), guards(scope_guards(r)), filters(scope_filters(r)) {}
  sync::Replica& replica;
  DeviceAuthenticator auth;
  sync::GuardFactory guards;
  sync::FilterFactory filters;
};

namespace {

// One connection: the protocol state machine, created when the handshake completes.
class Connection final : public net::ConnectionHandler {
 public:
  explicit Connection(SyncServer::State* state) : state_(state) {}

  net::Reply on_open(const net::PeerInfo& peer) override {
    protocol_ = std::make_unique<sync::ServerProtocol>(state_->replica, state_->auth,
                                                       state_->guards, state_->filters,
                                                       SystemClock::instance(), peer.address,
                                                       limits_);
    return {};
  }
  void decode(net::Incoming& in) const override {
    decode_into<sync::ServerProtocol>(in, limits_);
  }
  net::Reply on_frame(net::Incoming in) override {
    return to_reply(protocol_->on_received(take_decoded<sync::ServerProtocol>(in, limits_)));
  }
  void on_close() override { protocol_.reset(); }

 private:
  SyncServer::State* state_;
  const sync::BatchLimits limits_;
  std::unique_ptr<sync::ServerProtocol> protocol_;
};

}  // namespace

Result<std::unique_ptr<SyncServer>> SyncServer::start(sync::Replica& replica,
                                                      net::ServerOptions options) {
  std::unique_ptr<SyncServer> s(new SyncServer());
  s->state_ = std::make_unique<State>(replica);
  State* state = s->state_.get();
  LIAISON_ASSIGN_OR_RETURN(s->server_, net::WsServer::start(std::move(options), [state] {
                             return std::make_unique<Connection>(state);
                           }));
  return s;
}

SyncServer::~SyncServer() {
  if (server_) server_->shutdown(std::chrono::milliseconds(0));
}

Status serve_until_signalled(sync::Replica& replica, net::ServerOptions options,
                             std::chrono::milliseconds grace,
                             const std::function<void(uint16_t port)>& on_listening) {
  LIAISON_ASSIGN_OR_RETURN(std::unique_ptr<SyncServer> server,
                           SyncServer::start(replica, std::move(options)));
  if (on_listening) on_listening(server->port());
  LIAISON_RETURN_IF_ERROR(server->transport().shutdown_on_signals(grace));
  server->transport().wait();
  server.reset();
  // Drained. Destroying the server gave SIGINT and SIGTERM back their default action; another
  // one arriving on the rest of the way out (what runs beside the server, closing the database)
  // must not kill the process half-way with a signal status.
  std::signal(SIGINT, SIG_IGN);
  std::signal(SIGTERM, SIG_IGN);
  return {};
}

}  // namespace liaison::service
