// Fuzz target: the device side of the sync protocol (shared/sync/protocol_client.h) fed an
// arbitrary sequence of server frames after its HELLO. The input is a Script
// (fuzz_support.h); each input runs one session of a station device's replica, made
// once per process and restored before every input.
//
// Invariants: start() and on_frame() never throw; every frame the device sends decodes, an
// ERROR is the last frame and closes with its code, a close leaves the session finished, a
// finished session ended with DONE or holds an error, and frames after the end are ignored;
// no SQLite transaction is left open between frames.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "shared/sync/protocol_client.h"
#include "tests/fuzz/fuzz_support.h"

namespace liaison::fuzz {
namespace {

void check_state(const sync::ClientProtocol& client, sync::Replica& replica) {
  check(!client.finished() || client.summary().done || !client.error().is_ok(),
        "client finished without DONE or an error");
  check(!replica.db().in_transaction(), "client left a transaction open");
}

void one(std::string_view input) {
  static ReplicaSnapshot snapshot(Side::kDevice);
  sync::Replica& replica = snapshot.fresh();
  sync::ClientProtocol client(replica, kToken, snapshot.clock(), batch_limits());
  sync::ProtocolOutput hello = client.start();
  trace("client", "", hello, client.finished());
  check_output(hello, client.finished(), "client");
  for (const std::string& frame : read_script(input).frames) {
    bool was_finished = client.finished();
    sync::ProtocolOutput out = client.on_frame(frame);
    trace("client", frame, out, client.finished());
    check_output(out, client.finished(), "client");
    check(!was_finished || (out.frames.empty() && !out.close), "client answered after the end");
    check_state(client, replica);
  }
}

}  // namespace
}  // namespace liaison::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    liaison::fuzz::one(std::string_view(reinterpret_cast<const char*>(data), size));
  } catch (const std::exception& e) {
    liaison::fuzz::fail(fmt::format("exception escaped the client protocol: {}", e.what()));
  }
  return 0;
}
