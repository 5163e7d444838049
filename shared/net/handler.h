// The seam between the WebSocket transport (shared/net) and the sync protocol (shared/sync): the
// transport carries binary frames and knows nothing of their meaning; a ConnectionHandler turns
// each received frame into frames to send. Handlers do SQLite work, so the server calls them on
// its single database thread, never on an I/O thread, one call at a time per connection and in
// the order the frames arrived; results go back to the connection's strand.
//
// Each received frame goes through two stages. decode() is the work that needs none of the
// handler's state (parsing, checksums): the transport runs it on the I/O thread that read the
// frame, and reads the next frame while the handler works on the one before, so that decoding
// and decompressing one frame overlaps the database work of the previous one. on_frame() then
// gets the frame with what decode() made of it, on the handler's own thread, in order.
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

// What a handler's decode() made of a frame; the handler's on_frame() downcasts it.
class Decoded {
 public:
  virtual ~Decoded() = default;
};

// A received binary message.
struct Incoming {
  std::string frame;                 // as received; decode() may have moved it out
  std::unique_ptr<Decoded> decoded;  // what decode() returned
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
  // The first stage for each received message, on an I/O thread, possibly while on_frame runs
  // for the message before it: it must not touch what other calls change. Runs only between
  // on_open and on_close. The default does nothing.
  virtual void decode(Incoming&) const {}
  // One complete binary message arrived, after decode().
  virtual Reply on_frame(Incoming message) = 0;
  // The connection is gone (closed by either side, cut, or timed out). Called exactly once,
  // after on_open, and no call follows it.
  virtual void on_close() = 0;
};

using HandlerFactory = std::function<std::unique_ptr<ConnectionHandler>()>;

// The client side: the program's thread (the one calling run_client) makes every call but
// decode(); the connection's I/O runs on a thread of its own.
class ClientHandler {
 public:
  virtual ~ClientHandler() = default;
  // The handshake completed: the first frames to send.
  virtual Reply on_open() = 0;
  // As ConnectionHandler::decode: on the client's I/O thread, while on_frame may be running on
  // the caller's thread for the message before.
  virtual void decode(Incoming&) const {}
  // One complete binary message arrived, after decode().
  virtual Reply on_frame(Incoming message) = 0;
};

}  // namespace liaison::net
