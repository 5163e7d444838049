// The replicas the generator fills: the district office's and one per station, all in one
// output directory, on one simulated clock and one seeded random source, so that the same seed
// gives the same files. The district registers the reference data (homes, stations, deputies,
// categories) through the same app functions `liaison-server` uses, and changes travel between
// replicas through the sync engine (changes_since / apply), as a sync does.
// Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "shared/sync/replica.h"
#include "shared/util/env.h"
#include "tools/gen/material.h"

namespace liaison::gen {

// The status of a result whose value the caller does not need.
template <typename T>
Status status_of(const Result<T>& result) {
  return result ? Status{} : result.status();
}

struct Options {
  std::string out_dir;   // must not hold district.db or a station's file yet
  std::string data_dir;  // matters.txt and places.txt
  uint64_t seed = 1;
  int year = 2025;
  int stations = 1;
  int opinions = 2000;      // per station, over the year
  int spokespersons = 8;    // per station
};

struct StationInfo {
  std::string id, home, path;
  Place place;
  int64_t voters = 0;
  std::vector<std::string> deputies;  // district and township deputies fixed to it
};

struct HomeInfo {
  std::string id;
  std::vector<std::string> deputies;  // city deputies fixed to it
  std::vector<size_t> stations;       // indexes into World::stations()
};

class World {
 public:
  // Creates the replicas in options.out_dir and registers the reference data at the district
  // on 20 December of the year before, then hands it to every station.
  static Result<std::unique_ptr<World>> create(const Options& options, const Material& material,
                                               Engine& engine);

  FakeClock& clock() { return clock_; }
  sync::Replica& district() { return *district_; }
  sync::Replica& station(size_t i) { return *station_replicas_[i]; }
  const std::vector<StationInfo>& stations() const { return stations_; }
  const std::vector<HomeInfo>& homes() const { return homes_; }
  const std::string& district_path() const { return district_path_; }

  // Exchanges changes both ways between station i and the district.
  Status sync_station(size_t i);

 private:
  World(int64_t start_ms, uint64_t seed) : clock_(start_ms), random_(seed) {}
  Status register_reference(const Options& options, const Material& material, Engine& engine);
  Status register_station(const Options& options, const Place& place, Engine& engine);

  FakeClock clock_;
  SeededRandom random_;
  std::unique_ptr<sync::Replica> district_;
  std::vector<std::unique_ptr<sync::Replica>> station_replicas_;
  std::vector<StationInfo> stations_;
  std::vector<HomeInfo> homes_;
  std::string district_path_;
};

}  // namespace liaison::gen
