// The seam between the WebSocket transport (shared/net) and the sync protocol (shared/sync): the
// transport carries binary frames and knows nothing of their meaning; a ConnectionHandler turns
// each received frame into frames to send. Handlers do SQLite work, so the server calls them on
// its single database thread, never on an I/O thread, one call at a time per connection and in
// the order the frames arrived; results go back to the connection's strand.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace liaison::net {

using Frame = std::shared_ptr<const std::string>;

inline Frame make_frame(std::string bytes) {
  return std::make_shared<const std::string>(std::move(bytes));
}

// What to do after a call: send these frames in order, then close when close is set (with a
// WebSocket close code: 1000 normal, 1008 policy violation, 1009 too big, 1011 server error).
struct Reply {
  std::vector<Frame> frames;
  bool close = false;
  uint16_t close_code = 1000;
  std::string close_reason;
};

struct PeerInfo {
  std::string address;  // "127.0.0.1:53122"
  bool tls = false;
};

class ConnectionHandler {
 public:
  virtual ~ConnectionHandler() = default;
  // The WebSocket handshake completed.
  virtual Reply on_open(const PeerInfo& peer) = 0;
  // One complete binary message arrived.
  virtual Reply on_frame(const std::string& frame) = 0;
  // The connection is gone (closed by either side, cut, or timed out). Called exactly once,
  // after on_open, and no call follows it.
  virtual void on_close() = 0;
};

using HandlerFactory = std::function<std::unique_ptr<ConnectionHandler>()>;

// The client side: the program drives one connection from its own thread.
class ClientHandler {
 public:
  virtual ~ClientHandler() = default;
  // The handshake completed: the first frames to send.
  virtual Reply on_open() = 0;
  // One complete binary message arrived.
  virtual Reply on_frame(const std::string& frame) = 0;
};

}  // namespace liaison::net
