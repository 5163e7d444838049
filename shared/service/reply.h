// The protocol state machines' output as the transport's reply (internal to shared/service).
#pragma once

#include "shared/net/handler.h"
#include "shared/sync/protocol.h"

namespace liaison::service {

inline net::Reply to_reply(sync::ProtocolOutput out) {
  net::Reply reply;
  for (std::string& f : out.frames) reply.frames.push_back(net::make_frame(std::move(f)));
  reply.close = out.close;
  reply.close_code = out.close_code;
  reply.close_reason = std::move(out.close_reason);
  return reply;
}

}  // namespace liaison::service
