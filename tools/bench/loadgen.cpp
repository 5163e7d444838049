// liaison-loadgen: many devices syncing with one liaison-server process, from one process.
//
//   liaison-loadgen [--devices N] [--records R] [--threads T] [--mode both|burst|steady]
//                   [--rate D] [--duration S] [--idle C] [--after K] [--sample-ms M]
//                   [--rss-log FILE] [--client-nice N] [--server-bin PATH] [--places FILE]
//                   [--out docs/benchmarks.md]
//
// Before anything is timed: a district database with a station per place of the places file,
// N devices provisioned on it (one station device per station, the others spokesperson devices
// spread over the stations), and a replica file per device holding R new opinions. Then each
// mode runs on a fresh copy of those files against its own `liaison-server serve` process, so
// that the server's memory (VmHWM), descriptors and CPU are its own:
//  - burst: every device arrives at the same instant;
//  - steady: devices arrive at D per second (Poisson); without --rate, at 70 % of the rate the
//    burst sustained. With --duration the arrivals go on for S seconds (a soak): a device that
//    comes again pushes R opinions written after its previous sync. A soak's report is its own
//    section (loadgen_soak) with the run in intervals over time and a verdict on memory growth.
// --idle C holds C more connections open to each server alongside the syncs (load_idle.h), so
// that a pool of T threads can be joined by a thousand open connections without a thousand
// client threads.
// A pool of T client threads runs the syncs (service::sync_with_server), one device each, at nice
// N (default 10): real devices have machines of their own, so a hundred client threads must not
// take the server's share of the two cores. After each mode, with the whole district on the
// server, K devices (default 50) change one opinion each and sync one at a time: the daily sync
// of a district in service. Then, the server stopped, the invariants: the district holds every
// opinion of every device exactly once and no device has anything unacknowledged; the exit
// status is 1 when they fail or any sync failed (never for a figure).
// Baseline: the same devices' changesets applied in-process (Replica::apply, decode included),
// each in its own transaction as the server applies a PUSH, measured in the same run.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "shared/util/memory.h"
#include "tools/bench/args.h"
#include "tools/bench/load_idle.h"
#include "tools/bench/load_report.h"
#include "tools/bench/load_run.h"
#include "tools/bench/outcome.h"
#include "tools/bench/report.h"
#include "tools/bench/server_process.h"

namespace fs = std::filesystem;
using namespace liaison;
using namespace liaison::bench;

namespace {

struct Options {
  size_t devices = 1000;
  size_t records = 200;
  unsigned threads = 100;
  std::string mode = "both";
  double rate = 0;  // 0: 70 % of the burst's
  double duration = 0;
  size_t idle = 0;    // connections held open alongside the syncs
  size_t after = 50;  // one-change syncs after each mode
  int nice = 10;      // of the client threads
  int sample_ms = 200;
  std::string rss_log;
  std::string server_bin = LIAISON_SERVER_BIN;
  std::string places = LIAISON_PLACES_FILE;
  std::string out;  // empty: print only
};

[[noreturn]] void usage() {
  std::cerr << "usage: liaison-loadgen [--devices N] [--records R] [--threads T] "
               "[--mode both|burst|steady] [--rate D] [--duration S] [--idle C] [--after K] "
               "[--sample-ms M] [--client-nice N] [--rss-log FILE] [--server-bin PATH] "
               "[--places FILE] [--out FILE]\n";
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  for_each_option(argc, argv, [&](const std::string& k, const std::string& v) {
    if (k == "--devices") o.devices = std::stoul(v);
    else if (k == "--records") o.records = std::stoul(v);
    else if (k == "--threads") o.threads = static_cast<unsigned>(std::stoul(v));
    else if (k == "--mode") o.mode = v;
    else if (k == "--rate") o.rate = std::stod(v);
    else if (k == "--duration") o.duration = std::stod(v);
    else if (k == "--idle") o.idle = std::stoul(v);
    else if (k == "--after") o.after = std::stoul(v);
    else if (k == "--client-nice") o.nice = std::stoi(v);
    else if (k == "--sample-ms") o.sample_ms = std::stoi(v);
    else if (k == "--rss-log") o.rss_log = v;
    else if (k == "--server-bin") o.server_bin = v;
    else if (k == "--places") o.places = v;
    else if (k == "--out") o.out = v;
    else return false;
    return true;
  }, usage);
  bool mode_ok = o.mode == "both" || o.mode == "burst" || o.mode == "steady";
  if (!mode_ok || o.devices == 0 || o.records == 0 || o.threads == 0 || o.rate < 0 ||
      o.duration < 0 || o.sample_ms < 1 || (o.mode == "steady" && o.rate == 0)) {
    usage();
  }
  return o;
}

double own_cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return secs(u.ru_utime) + secs(u.ru_stime);
}

// One mode on a fresh copy of the world, against its own server process.
ModeFigures run_mode(const Options& o, const LoadWorld& world, const std::string& name,
                     const std::vector<Arrival>& arrivals, const fs::path& work) {
  LoadWorld copy = check(copy_world(world, (work / name).string()), "copy the world");
  auto server = check(ServerProcess::start(o.server_bin, copy.district(),
                                           (work / (name + "-server.log")).string(),
                                           std::chrono::seconds(30)),
                      "start liaison-server");
  ModeFigures f;
  f.name = name;
  f.arrivals = arrivals;
  RunSpec spec;
  spec.url = fmt::format("ws://127.0.0.1:{}/sync", server->port());
  spec.threads = o.threads;
  spec.records_per_round = o.records;
  spec.nice = o.nice;
  // No check() exits from here until the server is stopped: it would outlive this program.
  Result<ProcessSample> idle_before = server->sample();
  std::unique_ptr<IdleConnections> idle;
  if (o.idle > 0) {
    Result<std::unique_ptr<IdleConnections>> opened =
        IdleConnections::open(server->port(), "/sync", o.idle);
    if (opened) idle = std::move(opened).value();
    else f.check_error = "idle connections: " + opened.status().message();
  }
  Result<ProcessSample> before = server->sample();
  if (idle && idle_before && before) {
    f.idle = idle->count();
    f.idle_rss_kb = before->rss_kb - std::min(before->rss_kb, idle_before->rss_kb);
  }
  double cpu_before = own_cpu_seconds();
  {
    ProcessSampler sampler(*server, std::chrono::milliseconds(o.sample_ms));
    f.records = run_arrivals(copy, arrivals, spec);
    f.samples = sampler.finish();
  }
  f.client_cpu = own_cpu_seconds() - cpu_before;
  f.server_cpu_before = before ? before->cpu_seconds : 0;
  f.after = change_one_each(copy, spec.url, o.after);
  if (idle) f.idle_lost = idle->close();
  int code = check(server->stop(std::chrono::seconds(60)), "stop liaison-server");
  if (code != 0) std::cerr << "liaison-server exited with status " << code << "\n";
  std::vector<size_t> opinions(copy.devices.size(), 0);
  for (const Arrival& a : arrivals) opinions[a.device] += o.records;
  Result<uint64_t> checked = check_world(copy, opinions);
  if (checked) f.checked = *checked;
  else if (f.check_error.empty()) f.check_error = checked.status().message();
  std::error_code ec;
  fs::remove_all(work / name, ec);
  return f;
}

void write_rss_log(const std::string& file, const std::vector<ModeFigures>& modes) {
  std::ofstream out(file, std::ios::trunc);
  out << "mode,seconds,rss_kb,hwm_kb,fds,cpu_seconds\n";
  for (const ModeFigures& m : modes) {
    for (const ProcessSample& s : m.samples) {
      out << fmt::format("{},{:.3f},{},{},{},{:.2f}\n", m.name, s.at, s.rss_kb, s.hwm_kb, s.fds,
                         s.cpu_seconds);
    }
  }
  if (!out) std::cerr << "cannot write " << file << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  keep_freed_memory();  // the programs' allocator settings (shared/util/memory.h)
  Options o = parse(argc, argv);
  // A thousand connections and replica files need more descriptors than a default soft limit.
  rlimit files{};
  if (::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &files);
  }
  static fs::path work = fs::temp_directory_path() / fmt::format("liaison_loadgen_{}", ::getpid());
  std::atexit([] {  // also when a failed step exits early
    std::error_code ec;
    fs::remove_all(work, ec);
  });
  WorldSpec spec;
  spec.places = check(load_places(o.places), "places");
  spec.devices = o.devices;
  spec.records = o.records;
  std::vector<std::string> encoded;
  std::cerr << "preparing " << o.devices << " devices with " << o.records << " opinions each\n";
  LoadWorld world = check(prepare_world((work / "template").string(), spec, &encoded), "prepare");
  LoadFigures figures;
  figures.devices = o.devices;
  figures.stations = world.stations;
  figures.records = o.records;
  figures.threads = o.threads;
  // The baseline is measured before each mode, a few times: the machine's load moves over the
  // minutes a mode takes.
  auto measure_baseline = [&] {
    for (int i = 0; i < 3; ++i) {
      figures.apply_rates.push_back(
          check(apply_rate(world, encoded, (work / "baseline").string()), "baseline"));
    }
    fs::remove_all(work / "baseline");
  };

  if (o.mode != "steady") {
    measure_baseline();
    std::cerr << "burst\n";
    figures.modes.push_back(run_mode(o, world, "burst", burst_arrivals(o.devices, 3), work));
  }
  if (o.mode != "burst") {
    double rate = o.rate;
    if (rate == 0) rate = 0.7 * figures.modes.front().device_rate();
    if (!(rate > 0)) {
      std::cerr << "no steady rate: the burst completed no sync\n";
      return 1;
    }
    measure_baseline();
    std::cerr << fmt::format("steady, {:.1f} devices/s\n", rate);
    figures.modes.push_back(run_mode(
        o, world, "steady", steady_arrivals(o.devices, rate, o.duration, 5), work));
    figures.modes.back().offered_rate = rate;
    figures.modes.back().soak = o.duration > 0;
  }
  if (!o.rss_log.empty()) write_rss_log(o.rss_log, figures.modes);

  std::string command =
      fmt::format("liaison-loadgen --devices {} --records {} --threads {} --mode {}", o.devices,
                  o.records, o.threads, o.mode);
  if (o.rate > 0) command += fmt::format(" --rate {}", o.rate);
  if (o.duration > 0) command += fmt::format(" --duration {}", o.duration);
  if (o.idle > 0) command += fmt::format(" --idle {}", o.idle);
  if (o.after != 50) command += fmt::format(" --after {}", o.after);
  if (o.nice != 10) command += fmt::format(" --client-nice {}", o.nice);
  if (o.sample_ms != 200) command += fmt::format(" --sample-ms {}", o.sample_ms);
  // A soak has a section of its own, so that it does not replace the burst and steady table.
  bool soak = o.duration > 0 && o.mode != "burst";
  std::string body = render(soak ? "Soak: devices syncing again and again"
                                 : "Many devices against one server",
                            command, load_lines(figures), load_notes(figures));
  std::cout << body;
  if (!o.out.empty() && !write_section(o.out, soak ? "loadgen_soak" : "loadgen", body)) {
    std::cerr << "cannot write " << o.out << "\n";
    return 1;
  }
  // Every arrival pushes one round of opinions: anything else is a sync that lost records.
  int status = figures.failures() == 0 ? 0 : 1;
  for (const ModeFigures& m : figures.modes) {
    uint64_t expected = m.arrivals.size() * o.records;
    if (m.pushed() != expected) {
      std::cerr << fmt::format("{}: the server applied {} opinions of {}\n", m.name, m.pushed(),
                               expected);
      status = 1;
    }
    if (!m.check_error.empty() || m.idle_lost > 0) {
      std::cerr << fmt::format("{}: {}; {} idle connections closed by the server\n", m.name,
                               m.check_error.empty() ? "invariants kept" : m.check_error,
                               m.idle_lost);
      status = 1;
    }
    for (const SyncRecord& r : m.after) {
      if (r.error.empty() && r.pushed == 1) continue;
      std::cerr << fmt::format("{}: a one-change sync of device {} pushed {}: {}\n", m.name,
                               r.device, r.pushed, r.error);
      status = 1;
    }
  }
  return status;
}
