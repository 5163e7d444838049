// What the protocol fuzz targets (server_fuzz.cpp, client_fuzz.cpp) and the seed generator
// (make_corpus.cpp) share: the framing that turns one fuzz input into a sequence of WebSocket
// frames, the replicas the state machines run against, and the invariants every ProtocolOutput
// keeps.
//
// Not thread-safe: libFuzzer runs one input at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "shared/sync/protocol.h"
#include "shared/sync/replica.h"
#include "shared/util/env.h"
#include "tests/fuzz/fuzz_check.h"

namespace liaison::fuzz {

// A fuzz input of the protocol targets: a flags byte, then frames, each a 2-byte big-endian
// length and that many bytes; a length past the end of the input takes what is left (so every
// input splits, and truncation keeps frames). Flag bit 0 makes the checksum of every PUSH or
// CHANGES changeset valid before the frame is fed, so that mutated changesets get past the
// CRC to the merge code; without it the frames go in as they are.
struct Script {
  bool fix_checksums = false;
  std::vector<std::string> frames;
};
Script read_script(std::string_view input);
// The inverse of read_script. REQUIRES: every frame is under 64 KiB.
std::string write_script(const Script& script);
// The frame with its changeset's checksum recomputed when it is a PUSH or CHANGES; any other
// frame (or one that does not decode) unchanged.
std::string fix_checksum(const std::string& frame);

// Small batches, so that a few records make several PUSH and CHANGES batches; the targets and
// the generator must use the same limits for the seeds to stay in step with the state machines.
sync::BatchLimits batch_limits();

// The token the device presents; FakeAuth (tests/common/protocol_testing.h) accepts it.
inline constexpr const char* kToken = "good";

// Output the state machines promise whatever they were fed: every frame decodes (the peer can
// read it), a close names its reason unless it is the normal end, and a closing side is
// finished. Aborts otherwise.
void check_output(const sync::ProtocolOutput& out, bool finished, std::string_view who);

// With LIAISON_FUZZ_TRACE set, prints each frame a target feeds and what came back (for triage:
// `LIAISON_FUZZ_TRACE=1 build-fuzz/tests/fuzz/fuzz_server crash-...`); otherwise nothing.
void trace(std::string_view who, const std::string& frame, const sync::ProtocolOutput& out,
           bool finished);

enum class Side {
  kServer,  // the district office: opinions of S01 and S02, attachments with and without content
  // The same server before its last two writes (the category of opinion #1 set, opinion #7
  // added): a device synced with it and then editing opinion #1 conflicts with kServer.
  kServerEarly,
  kDevice,  // a station device of S01: opinions (one of S02, which the server refuses) and a scan
};

// Sets the category of the opinion the fill numbered n (its matter ends in "#n"), as a local
// write of r. Aborts when that fails.
void set_category(sync::Replica& r, int n, const std::string& category);

// A replica made and filled once per process, kept as a file copy, and restored from that copy
// by fresh(), so that every input starts from the same state and a crash reproduces from the
// input alone. Its temp dir ($TMPDIR, else /dev/shm when there is one) goes with the object.
class ReplicaSnapshot {
 public:
  // Aborts when the replica cannot be made.
  explicit ReplicaSnapshot(Side side);
  ~ReplicaSnapshot();
  ReplicaSnapshot(const ReplicaSnapshot&) = delete;
  ReplicaSnapshot& operator=(const ReplicaSnapshot&) = delete;

  // The replica as it was after filling, with a clock and random source reset to their start.
  // Invalidates what an earlier call returned. Aborts when the copy cannot be opened.
  sync::Replica& fresh();
  // The clock of the replica fresh() returned. REQUIRES: fresh() was called.
  Clock& clock() { return *clock_; }
  // The ids of the rows of station S02 it was filled with: on the server, rows the device may
  // never be sent (and may not change, so no later change of them is in its scope either).
  const std::set<std::string>& other_station_rows() const { return other_station_rows_; }

 private:
  std::string dir_, pristine_, work_;
  std::string pristine_bytes_;  // the filled replica's file
  uint64_t seed_ = 0;
  std::set<std::string> other_station_rows_;
  std::unique_ptr<FakeClock> clock_;
  std::unique_ptr<SeededRandom> random_;
  std::unique_ptr<sync::Replica> replica_;
};

}  // namespace liaison::fuzz
