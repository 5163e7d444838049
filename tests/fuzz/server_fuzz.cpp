// Fuzz target: the server side of the sync protocol (shared/sync/protocol_server.h) fed an
// arbitrary sequence of frames from one device. The input is a Script
// (fuzz_support.h); each input runs one session against the district replica made once
// per process and restored before every input, with the unit tests' fake registry (token "good"
// is device dev-1 of station S01) and that station's guard and filter.
//
// Invariants: on_frame() never throws; every frame it answers with decodes, an ERROR is the last
// frame and closes with its code, a close leaves the session finished, and every frame after
// the end is answered bad_message; no SQLite transaction is left open between frames; no
// CHANGES carries a change of a row of another station (the device's scope).
#include <cstddef>
#include <cstdint>
#include <string>
#include <set>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "shared/sync/protocol_server.h"
#include "shared/wire/changeset.h"
#include "shared/wire/messages.h"
#include "tests/common/protocol_testing.h"
#include "tests/fuzz/fuzz_support.h"

namespace liaison::fuzz {
namespace {

// Checks that the CHANGES among frames hold no change of a row in hidden.
void check_scope(const std::vector<std::string>& frames, const std::set<std::string>& hidden) {
  for (const std::string& f : frames) {
    Result<wire::Message> m = wire::decode_message(f);
    const auto* changes = m ? std::get_if<wire::Changes>(&m.value()) : nullptr;
    if (changes == nullptr) continue;
    Result<wire::Changeset> cs = wire::decode(changes->changeset);
    check(cs.is_ok(), "server sent a changeset it cannot decode");
    for (const wire::Change& c : cs->changes)
      check(!hidden.contains(c.row_id), "server sent a row of another station: " + c.row_id);
  }
}

void one(std::string_view input) {
  static ReplicaSnapshot snapshot(Side::kServer);
  sync::Replica& replica = snapshot.fresh();
  test::FakeAuth auth;
  sync::ServerProtocol server(replica, auth, test::s01_guard, test::s01_filter, snapshot.clock(),
                              "fuzz", batch_limits());
  for (const std::string& frame : read_script(input).frames) {
    bool was_finished = server.finished();
    sync::ProtocolOutput out = server.on_frame(frame);
    trace("server", frame, out, server.finished());
    check_output(out, server.finished(), "server");
    check_scope(out.frames, snapshot.other_station_rows());
    check(!was_finished || (out.close && out.close_reason == sync::errc::kBadMessage),
          "server answered a frame after the end");
    check(!replica.db().in_transaction(), "server left a transaction open");
  }
  if (!server.finished()) {
    sync::ProtocolOutput out = server.shutting_down();
    check_output(out, server.finished(), "server");
    check(out.close && out.close_reason == sync::errc::kShuttingDown,
          "shutting_down() did not close");
  }
}

}  // namespace
}  // namespace liaison::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    liaison::fuzz::one(std::string_view(reinterpret_cast<const char*>(data), size));
  } catch (const std::exception& e) {
    liaison::fuzz::fail(fmt::format("exception escaped the server protocol: {}", e.what()));
  }
  return 0;
}
