// The protocol state machines' output as the transport's reply (internal to shared/service).
#pragma once

#include <memory>
#include <string>
#include <utility>

#include "shared/net/handler.h"
#include "shared/sync/protocol.h"

namespace liaison::service {

// A received frame after a state machine's first stage (ServerProtocol::decode or
// ClientProtocol::decode), as a handler's decode() hands it to its on_frame().
struct DecodedFrame final : net::Decoded {
  explicit DecodedFrame(sync::ReceivedFrame f) : frame(std::move(f)) {}
  sync::ReceivedFrame frame;
};

// Runs Protocol::decode on in (on the transport's I/O thread) and keeps the result in it.
template <class Protocol>
void decode_into(net::Incoming& in, const sync::BatchLimits& limits) {
  in.decoded = std::make_unique<DecodedFrame>(Protocol::decode(in.frame, limits));
  in.frame = std::string();
}

// What decode_into() kept in in, or in decoded now when the transport did not decode it.
template <class Protocol>
sync::ReceivedFrame take_decoded(net::Incoming& in, const sync::BatchLimits& limits) {
  if (auto* d = dynamic_cast<DecodedFrame*>(in.decoded.get())) return std::move(d->frame);
  return Protocol::decode(in.frame, limits);
}

inline net::Reply to_reply(sync::ProtocolOutput out) {
  net::Reply reply;
  for (std::string& f : out.frames) reply.frames.push_back(net::make_frame(std::move(f)));
  reply.close = out.close;
  reply.close_code = out.close_code;
  reply.close_reason = std::move(out.close_reason);
  return reply;
}

}  // namespace liaison::service
