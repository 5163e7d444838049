// The world the load generator syncs: a district replica with the stations of a places file and
// many devices provisioned on it, each device with its own replica file holding new opinions
// that the server has not seen. Prepared once before anything is timed, then copied for each
// measured run, so that every run starts from the same files.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "shared/util/status.h"
#include "tools/bench/district.h"

namespace liaison::bench {

struct LoadDevice {
  std::string file;          // the replica file, relative to the world's directory
  std::string token;
  std::string station, place;
  bool spokesperson = false;
};

struct LoadWorld {
  std::string dir;  // holds district.db and the device files
  std::vector<LoadDevice> devices;
  size_t stations = 0;
  size_t records = 0;  // new opinions on each device
  std::string district() const { return dir + "/district.db"; }
  std::string device_path(size_t i) const { return dir + "/" + devices[i].file; }
};

struct WorldSpec {
  std::vector<Place> places;
  size_t devices = 1000;
  size_t records = 200;  // per device
  unsigned threads = 2;  // to write the device replicas
  uint64_t seed = 7;
};

// Creates the world in dir (which must be empty or absent): one station device per station
// while there are devices left, the others spokesperson devices spread over the stations in
// turn. encoded, when set, receives each device's changeset as its first sync will push it
// (Replica::changes_since of an empty vector, encoded), for the apply baseline.
Result<LoadWorld> prepare_world(const std::string& dir, const WorldSpec& spec,
                                std::vector<std::string>* encoded);

// Copies the world's files to dir (replaced) and returns the copy.
Result<LoadWorld> copy_world(const LoadWorld& world, const std::string& dir);

// The baseline: the changesets applied in-process to the district replica of world (a copy of
// it in scratch_dir), each decoded and applied in its own transaction as the server does with
// a PUSH, without the device's scope guard. Returns records per second.
Result<double> apply_rate(const LoadWorld& world, const std::vector<std::string>& encoded,
                          const std::string& scratch_dir);

// The invariants after a run, once no server uses the files: the opinions each device
// recorded are opinions[i] in number, the district holds each of them exactly once and no other,
// and no device has a change the district has not acknowledged. Returns the opinions checked;
// Internal naming the first difference otherwise.
Result<uint64_t> check_world(const LoadWorld& world, const std::vector<size_t>& opinions);

}  // namespace liaison::bench
