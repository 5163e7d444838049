// bench_sync: sync over WebSocket against raw SQLite, in one run on one machine.
//
//   bench_sync [--records N] [--runs R] [--repeats K] [--out docs/benchmarks.md]
//
// One process holds a district server (service::SyncServer on 127.0.0.1, port 0) on its own
// SQLite file and devices that sync with it through the real client (service::sync_with_server),
// each on its own file in a temp folder. Each run, on fresh files:
//  a. a station pushes N new opinions: records/s against the raw SQLite insert rate of the same
//     values, measured in the same run (tools/bench/opinion_rows.h);
//  b. a new device of the same station makes its first sync and receives the N: records/s
//     against the same raw rate;
//  c. the bytes that crossed TCP in a and b, per record, against the bare msgpack of the values;
//  d. K times: one record changed on the station, then one sync (connect, handshake, push, ACK,
//     pull, close): latency and bytes both ways.
// Rates are medians over the R runs; latencies and byte counts of d are pooled over all runs.
// Nothing here is asserted: a failed sync ends the program with status 1 and its reason.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "shared/app/opinions.h"
#include "shared/service/sync_server.h"
#include "shared/util/memory.h"
#include "tools/bench/args.h"
#include "tools/bench/district.h"
#include "tools/bench/opinion_rows.h"
#include "tools/bench/outcome.h"
#include "tools/bench/report.h"
#include "tools/bench/timed_sync.h"
#include "tools/bench/timing.h"

namespace fs = std::filesystem;
using namespace liaison;
using namespace liaison::bench;
using sync::Replica;

namespace {

struct Options {
  size_t records = 100'000;
  int runs = 3;
  int repeats = 50;
  std::string out;  // empty: print only
};

struct RunFigures {
  double raw = 0, push = 0, pull = 0;  // records/s
  size_t raw_msgpack = 0;              // bytes of the N rows as bare msgpack
  TimedSync push_sync, pull_sync;
  double push_cpu = 0, pull_cpu = 0;   // CPU seconds of this process (device and server) in a, b
  std::vector<double> one_ms;          // d: latency of each repetition
  std::vector<double> one_bytes;       // d: TCP bytes both ways of each repetition
  std::vector<double> one_up;          // d: of which device -> server
};

uint64_t wire_bytes(const TimedSync& t) {
  return t.result.tcp_bytes_sent + t.result.tcp_bytes_received;
}

Result<std::unique_ptr<Replica>> new_replica(const fs::path& file, sync::Role role,
                                             const std::string& station) {
  return Replica::create(file.string(), {Uuid{}, role, station});
}

double process_cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return secs(u.ru_utime) + secs(u.ru_stime);
}

Status fewer(const char* what, size_t got, size_t want) {
  return Status::internal(fmt::format("{}: {} instead of {}", what, got, want));
}

// d: one changed record at a time, each followed by a one-shot sync.
Status one_change_syncs(const Options& o, Replica& station, const std::vector<std::string>& ids,
                        const std::string& url, const std::string& token, RunFigures& f) {
  for (int k = 0; k < o.repeats; ++k) {
    app::OpinionEdit edit;
    edit.place = fmt::format("西营社区{}号楼", k + 1);
    LIAISON_RETURN_IF_ERROR(
        app::set_opinion(station, ids[static_cast<size_t>(k) % ids.size()], edit));
    LIAISON_ASSIGN_OR_RETURN(TimedSync t, timed_sync(station, url, token));
    uint64_t pushed = t.result.summary.pushed;
    if (pushed != 1) return fewer("one-change sync pushed", pushed, 1);
    f.one_ms.push_back(t.seconds * 1000);
    f.one_bytes.push_back(static_cast<double>(wire_bytes(t)));
    f.one_up.push_back(static_cast<double>(t.result.tcp_bytes_sent));
  }
  return {};
}

// a, b and d against a running server.
Status syncs(const Options& o, const fs::path& dir, const std::string& url, Replica& station,
             const std::vector<std::string>& ids, const std::string& station_id,
             const std::string& station_token, const std::string& device_token, RunFigures& f) {
  double n = static_cast<double>(o.records);
  double cpu = process_cpu_seconds();
  LIAISON_ASSIGN_OR_RETURN(f.push_sync, timed_sync(station, url, station_token));
  f.push_cpu = process_cpu_seconds() - cpu;
  if (f.push_sync.result.summary.pushed != o.records)
    return fewer("the push applied", f.push_sync.result.summary.pushed, o.records);
  if (f.push_sync.result.tcp_bytes_sent == 0 || f.push_sync.result.tcp_bytes_received == 0)
    return Status::internal("the kernel reported no TCP bytes (net::ClientStats)");
  f.push = n / f.push_sync.seconds;

  LIAISON_ASSIGN_OR_RETURN(auto device,
                           new_replica(dir / "device.db", sync::Role::kStation, station_id));
  cpu = process_cpu_seconds();
  LIAISON_ASSIGN_OR_RETURN(f.pull_sync, timed_sync(*device, url, device_token));
  f.pull_cpu = process_cpu_seconds() - cpu;
  LIAISON_ASSIGN_OR_RETURN(OpinionRows received, read_opinions(*device));
  if (received.size() != o.records)
    return fewer("opinions on the new device", received.size(), o.records);
  f.pull = n / f.pull_sync.seconds;
  return one_change_syncs(o, station, ids, url, station_token, f);
}

Result<RunFigures> run_once(const Options& o, const fs::path& dir, uint64_t seed) {
  RunFigures f;
  LIAISON_ASSIGN_OR_RETURN(auto district,
                           new_replica(dir / "district.db", sync::Role::kDistrict, ""));
  LIAISON_ASSIGN_OR_RETURN(
      std::vector<StationRef> stations,
      add_district_stations(*district, {{"中仓街道", "西营社区", "community"}}));
  const std::string& station_id = stations.front().id;
  LIAISON_ASSIGN_OR_RETURN(std::string station_token, provision_device(*district, station_id));
  LIAISON_ASSIGN_OR_RETURN(std::string device_token, provision_device(*district, station_id));

  LIAISON_ASSIGN_OR_RETURN(auto station,
                           new_replica(dir / "station.db", sync::Role::kStation, station_id));
  SeededRandom random(seed);
  LIAISON_ASSIGN_OR_RETURN(std::vector<std::string> ids,
                           write_opinions(*station, o.records, random, stations.front().place));
  {
    LIAISON_ASSIGN_OR_RETURN(OpinionRows rows, read_opinions(*station));
    f.raw_msgpack = raw_msgpack(rows).size();
    LIAISON_ASSIGN_OR_RETURN(f.raw, raw_insert_rate(rows, (dir / "raw.db").string()));
  }

  net::ServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  LIAISON_ASSIGN_OR_RETURN(auto server, service::SyncServer::start(*district, options));
  std::string url = fmt::format("ws://127.0.0.1:{}/sync", server->port());
  Status s = syncs(o, dir, url, *station, ids, station_id, station_token, device_token, f);
  server->shutdown(std::chrono::milliseconds(2000));
  LIAISON_RETURN_IF_ERROR(s);
  return f;
}

[[noreturn]] void usage() {
  std::cerr << "usage: bench_sync [--records N] [--runs R] [--repeats K] [--out FILE]\n";
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  for_each_option(argc, argv, [&](const std::string& k, const std::string& v) {
    if (k == "--records") o.records = std::stoul(v);
    else if (k == "--runs") o.runs = std::stoi(v);
    else if (k == "--repeats") o.repeats = std::stoi(v);
    else if (k == "--out") o.out = v;
    else return false;
    return true;
  }, usage);
  if (o.records == 0 || o.runs < 1 || o.repeats < 1) usage();
  return o;
}

std::vector<Line> lines_of(const Options& o, const std::vector<RunFigures>& runs) {
  std::vector<double> raw, push, pull, push_wire, pull_wire, one_ms, one_bytes, one_up;
  double n = static_cast<double>(o.records);
  for (const RunFigures& f : runs) {
    raw.push_back(f.raw);
    push.push_back(f.push);
    pull.push_back(f.pull);
    push_wire.push_back(static_cast<double>(wire_bytes(f.push_sync)) / n);
    pull_wire.push_back(static_cast<double>(wire_bytes(f.pull_sync)) / n);
    one_ms.insert(one_ms.end(), f.one_ms.begin(), f.one_ms.end());
    one_bytes.insert(one_bytes.end(), f.one_bytes.begin(), f.one_bytes.end());
    one_up.insert(one_up.end(), f.one_up.begin(), f.one_up.end());
  }
  double base = median(raw);
  double msgpack = static_cast<double>(runs.front().raw_msgpack) / n;
  const RunFigures& last = runs.back();
  auto rate = [](double v) { return fmt::format("{:.0f} rec/s", v); };
  auto pct = [&](double v) { return fmt::format("{:.0f} %", 100.0 * v / base); };
  auto per_rec = [&](double v, const TimedSync& t) {
    return fmt::format("{:.0f} B/rec ({:.1f} up, {:.1f} down)", v,
                       static_cast<double>(t.result.tcp_bytes_sent) / n,
                       static_cast<double>(t.result.tcp_bytes_received) / n);
  };
  auto times = [&](double v) { return fmt::format("{:.2f} ×", v / msgpack); };
  return {
      {"raw SQLite bulk insert of the same opinions (baseline)", rate(base), "100 %", "-"},
      {fmt::format("a. push of {} new opinions, station → server", o.records), rate(median(push)),
       pct(median(push)), "≥ 40 %"},
      {fmt::format("b. first sync of a new device of the station ({} opinions)", o.records),
       rate(median(pull)), pct(median(pull)), "≥ 40 %"},
      {"raw msgpack of the same values", fmt::format("{:.0f} B/rec", msgpack), "1.00 ×", "-"},
      {"c. push on the wire, both ways", per_rec(median(push_wire), last.push_sync),
       times(median(push_wire)), "≤ 0.6 ×"},
      {"c. first sync on the wire, both ways", per_rec(median(pull_wire), last.pull_sync),
       times(median(pull_wire)), "≤ 0.6 ×"},
      {fmt::format("d. one changed record, one-shot sync: latency median / p90 ({} syncs)",
                   one_ms.size()),
       fmt::format("{:.1f} ms / {:.1f} ms", median(one_ms), percentile(one_ms, 90)), "-",
       "≤ 5 ms"},
      {"d. one changed record: bytes on the wire both ways (median)",
       fmt::format("{:.0f} B ({:.0f} up)", median(one_bytes), median(one_up)), "-", "≤ 1 KB"},
  };
}

// Where the time of the last run went, as the device saw it: the gap before each server message
// includes the device's handling of the previous one (building, applying, committing a batch).
std::string phases_of(const RunFigures& f) {
  auto describe = [](const TimedSync& t) {
    std::vector<double> g = gaps(t.arrivals);
    if (g.size() < 2) return fmt::format("{} server message", g.size());
    double slowest = *std::max_element(g.begin() + 1, g.end());
    return fmt::format("{} server messages, the first after {:.0f} ms, then {:.0f} ms apart "
                       "(median; at most {:.0f} ms)",
                       g.size(), g[0] * 1000, median({g.begin() + 1, g.end()}) * 1000,
                       slowest * 1000);
  };
  return fmt::format("Last run — push: {}, {:.1f} s of CPU (device and server together) in "
                     "{:.1f} s; first sync: {}, {:.1f} s of CPU in {:.1f} s.",
                     describe(f.push_sync), f.push_cpu, f.push_sync.seconds, describe(f.pull_sync),
                     f.pull_cpu, f.pull_sync.seconds);
}

}  // namespace

int main(int argc, char** argv) {
  keep_freed_memory();  // the programs' allocator settings (shared/util/memory.h)
  Options opt = parse(argc, argv);
  static fs::path dir = fs::temp_directory_path() / fmt::format("bench_sync_{}", ::getpid());
  std::atexit([] {  // also when a failed step exits early
    std::error_code ec;
    fs::remove_all(dir, ec);
  });
  std::vector<RunFigures> runs;
  for (int run = 0; run < opt.runs; ++run) {
    fs::path d = dir / std::to_string(run);
    fs::create_directories(d);
    runs.push_back(check(run_once(opt, d, 42 + static_cast<uint64_t>(run)), "bench_sync"));
    fs::remove_all(d);
  }

  std::string command = fmt::format("bench_sync --records {} --runs {} --repeats {}", opt.records,
                                    opt.runs, opt.repeats);
  std::string notes =
      "Rates are medians over the runs, each ratio to the raw insert rate of the same run; "
      "the server and the devices run in one process on loopback, each replica on its own file. "
      "Wire bytes are what crossed TCP as the kernel counted it on the device's socket "
      "(TCP_INFO): after permessage-deflate, with WebSocket frames, the HTTP upgrade and the "
      "closing handshake, without TCP/IP headers; up is device → server. " +
      phases_of(runs.back());
  std::string body = render("Sync over WebSocket", command, lines_of(opt, runs), notes);
  std::cout << body;
  if (!opt.out.empty() && !write_section(opt.out, "bench_sync", body)) {
    std::cerr << "cannot write " << opt.out << "\n";
    return 1;
  }
  return 0;
}
