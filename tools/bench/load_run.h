// Devices arriving to sync, driven from one process: arrival schedules (a burst, or a steady
// Poisson rate that can run for minutes as a soak), and the run that plays one against a server
// with a bounded pool of client threads, each running the real client
// (service::sync_with_server) for one device at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tools/bench/load_world.h"

namespace liaison::bench {

struct Arrival {
  double at = 0;  // seconds from the start of the run
  size_t device = 0;
};

// Every device at instant 0, in an order drawn from seed.
std::vector<Arrival> burst_arrivals(size_t devices, uint64_t seed);

// Arrivals at rate per second with exponential gaps (a Poisson process), devices in an order
// drawn from seed and then again in the same order, until every device has come once and
// duration seconds have passed. REQUIRES: rate > 0.
std::vector<Arrival> steady_arrivals(size_t devices, double rate, double duration, uint64_t seed);

// What happened to one arrival.
struct SyncRecord {
  size_t device = 0;
  bool spokesperson = false;  // a spokesperson's device, else a station's
  double arrival = 0;         // its instant, seconds from the start of the run
  double done = 0;            // when its sync ended, seconds from the start of the run
  double sync_seconds = 0;    // the sync_with_server call alone
  uint64_t pushed = 0, pulled = 0;
  uint64_t wire_sent = 0, wire_received = 0;  // TCP bytes (service::SyncResult)
  std::string error;  // empty when the sync succeeded
};

struct RunSpec {
  std::string url;
  unsigned threads = 100;         // client threads, hence connections at most at once
  size_t records_per_round = 200;  // opinions written before each later arrival of a device
  uint64_t seed = 11;
  // The client threads' nice value (Linux): the devices of a real district have their own
  // machines, so the load generator must not take the server's share of the cores. 0 keeps it.
  int nice = 10;
};

// Plays the arrivals (sorted by instant) against the server at spec.url. Each arrival waits for
// its instant, a free thread and the end of its device's previous sync; then the thread opens
// the device's replica and syncs it. When the device comes again later, the thread writes its
// next round of opinions after the sync, outside the timed part. Returns one record per
// arrival, in arrival order.
std::vector<SyncRecord> run_arrivals(const LoadWorld& world, const std::vector<Arrival>& arrivals,
                                     const RunSpec& spec);

// The daily sync of a district in service: count devices spread over the world, one at a time,
// each changes one of its own opinions and syncs once (the arrival is the start of its sync).
std::vector<SyncRecord> change_one_each(const LoadWorld& world, const std::string& url,
                                        size_t count);

}  // namespace liaison::bench
