// liaison-faultproxy: the fault-injecting proxy (fault_proxy.h) as a program, for trying the
// sync over a bad link by hand and for benchmark scripts. A developer tool, so its messages are
// in English only. Runs until SIGINT or SIGTERM, then prints the totals.
//
//   liaison-faultproxy --target 127.0.0.1:8750 --port-file p --kbps 50 --rtt-ms 500
//       --cut-every-ms 30000
//   liaison-faultproxy --target 127.0.0.1:8750 --seed 7 --cut-down 0-2M --cut-chance 0.3
//
// Exit status: 0 after a signal, 1 when the proxy cannot start, 2 for bad usage.
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "tools/faultproxy/fault_proxy.h"

namespace liaison::faultproxy {
namespace {

struct Args {
  std::string listen = "127.0.0.1:0", target, port_file;
  uint64_t seed = 1;
  std::string cut_up, cut_down, stall_up, stall_down;
  double cut_chance = 1.0, stall_chance = 1.0;
  int64_t stall_ms = 1000, delay_ms = 0, jitter_ms = 0, rtt_ms = -1, cut_every_ms = 0;
  int64_t stats_ms = 0;
  uint64_t kbps = 0, faulty_from = 1, faulty_to = UINT64_MAX;
  size_t fragment = 0;
  bool reset = false, json = false;
};

void add_options(CLI::App& app, Args& a) {
  app.add_option("--target", a.target, "HOST:PORT to relay to")->required();
  app.add_option("--listen", a.listen, "HOST:PORT to listen on (port 0: any free port)");
  app.add_option("--port-file", a.port_file, "write the bound port here once listening");
  app.add_option("--seed", a.seed, "seed of every random choice");
  app.add_option("--cut-up", a.cut_up, "cut after N or N-M bytes relayed to the target");
  app.add_option("--cut-down", a.cut_down, "cut after N or N-M bytes relayed to the client");
  app.add_option("--cut-chance", a.cut_chance, "probability that a connection is cut")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--stall-up", a.stall_up, "stall after N or N-M bytes relayed to the target");
  app.add_option("--stall-down", a.stall_down, "stall after N or N-M bytes relayed to the client");
  app.add_option("--stall-chance", a.stall_chance, "probability that a connection stalls")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--stall-ms", a.stall_ms, "how long a stall lasts")->check(CLI::NonNegativeNumber);
  app.add_option("--delay-ms", a.delay_ms, "one-way delay each way")->check(CLI::NonNegativeNumber);
  app.add_option("--rtt-ms", a.rtt_ms,
                 "round-trip time (half of it each way; overrides --delay-ms)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--jitter-ms", a.jitter_ms, "extra random delay each way")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--kbps", a.kbps, "bandwidth each way in kbit/s (0: no limit)");
  app.add_option("--fragment", a.fragment, "write in pieces of 1..N bytes");
  app.add_option("--faulty-from", a.faulty_from, "first connection (1-based) cut or stalled")
      ->check(CLI::PositiveNumber);
  app.add_option("--faulty-to", a.faulty_to, "last connection cut or stalled");
  app.add_option("--cut-every-ms", a.cut_every_ms, "cut every open connection this often")
      ->check(CLI::NonNegativeNumber);
  app.add_flag("--reset", a.reset, "cut with a TCP reset instead of an orderly close");
  app.add_option("--stats-ms", a.stats_ms, "print the totals this often")
      ->check(CLI::NonNegativeNumber);
  app.add_flag("--json", a.json, "print JSON lines");
}

Result<Trigger> trigger(const std::string& text, double chance) {
  if (text.empty()) return Trigger{};
  LIAISON_ASSIGN_OR_RETURN(ByteRange r, parse_byte_range(text));
  return Trigger{chance, r};
}

Result<ProxyOptions> to_options(const Args& a) {
  ProxyOptions o;
  LIAISON_ASSIGN_OR_RETURN(auto listen, parse_host_port(a.listen));
  LIAISON_ASSIGN_OR_RETURN(auto target, parse_host_port(a.target));
  o.listen_host = listen.first;
  o.listen_port = listen.second;
  o.target_host = target.first;
  o.target_port = target.second;
  FaultConfig& f = o.faults;
  f.seed = a.seed;
  LIAISON_ASSIGN_OR_RETURN(f.up.cut, trigger(a.cut_up, a.cut_chance));
  LIAISON_ASSIGN_OR_RETURN(f.down.cut, trigger(a.cut_down, a.cut_chance));
  LIAISON_ASSIGN_OR_RETURN(f.up.stall, trigger(a.stall_up, a.stall_chance));
  LIAISON_ASSIGN_OR_RETURN(f.down.stall, trigger(a.stall_down, a.stall_chance));
  std::chrono::milliseconds delay(a.rtt_ms >= 0 ? a.rtt_ms / 2 : a.delay_ms);
  for (DirectionFaults* d : {&f.up, &f.down}) {
    d->stall_for = std::chrono::milliseconds(a.stall_ms);
    d->delay = delay;
    d->jitter = std::chrono::milliseconds(a.jitter_ms);
    d->fragment = a.fragment;
    d->bytes_per_second = a.kbps * 1000 / 8;
  }
  f.faulty_from = a.faulty_from;
  f.faulty_to = a.faulty_to;
  f.cut_every = std::chrono::milliseconds(a.cut_every_ms);
  f.reset = a.reset;
  LIAISON_RETURN_IF_ERROR(validate(f));
  return o;
}

Status write_port_file(const std::string& path, uint16_t port) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << port << "\n";
    if (!out.flush()) return Status::io("cannot write " + tmp);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Status::io("cannot write " + path + ": " + ec.message());
  return {};
}

void print_stats(const ProxyStats& s, bool json, const char* what) {
  if (json) {
    std::cout << fmt::format(
        "{{\"{}\": {{\"accepted\": {}, \"open\": {}, \"cuts\": {}, \"connect_failures\": {}, "
        "\"bytes_up\": {}, \"bytes_down\": {}}}}}\n",
        what, s.accepted, s.open, s.cuts, s.connect_failures, s.bytes_up, s.bytes_down);
  } else {
    std::cout << fmt::format(
        "{}: {} connections ({} open, {} cut, {} could not reach the target), {} bytes up, "
        "{} bytes down\n",
        what, s.accepted, s.open, s.cuts, s.connect_failures, s.bytes_up, s.bytes_down);
  }
  std::cout.flush();
}

// Blocks until SIGINT or SIGTERM, printing the totals every stats_ms when that is set.
// REQUIRES: both signals are blocked in every thread.
void wait_for_signal(const FaultProxy& proxy, const sigset_t& signals, int64_t stats_ms,
                     bool json) {
  for (;;) {
    if (stats_ms <= 0) {
      int sig = 0;
      if (sigwait(&signals, &sig) == 0) return;
      continue;
    }
    timespec wait{static_cast<time_t>(stats_ms / 1000),
                  static_cast<long>(stats_ms % 1000) * 1000000};
    if (sigtimedwait(&signals, nullptr, &wait) > 0) return;
    print_stats(proxy.stats(), json, "stats");
  }
}

int run(const Args& args) {
  Result<ProxyOptions> options = to_options(args);
  if (!options) {
    std::cerr << "error: bad option value: " << options.status().detail() << "\n";
    return 2;
  }
  // Blocked before the proxy's thread starts, so that it inherits the mask and only
  // wait_for_signal takes them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  Result<std::unique_ptr<FaultProxy>> proxy = FaultProxy::start(options.value());
  if (!proxy) {
    std::cerr << "error: " << proxy.status().detail() << "\n";
    return 1;
  }
  FaultProxy& p = *proxy.value();
  if (!args.port_file.empty()) {
    if (Status s = write_port_file(args.port_file, p.port()); !s.is_ok()) {
      std::cerr << "error: " << s.detail() << "\n";
      return 1;
    }
  }
  if (args.json)
    std::cout << fmt::format("{{\"listening\": {}, \"target\": \"{}\"}}\n", p.port(), args.target);
  else
    std::cout << fmt::format("listening on port {}, relaying to {}\n", p.port(), args.target);
  std::cout.flush();
  wait_for_signal(p, signals, args.stats_ms, args.json);
  p.stop();
  print_stats(p.stats(), args.json, "total");
  return 0;
}

}  // namespace
}  // namespace liaison::faultproxy

int main(int argc, char** argv) {
  CLI::App app("liaison-faultproxy: a TCP proxy that cuts, delays, fragments and throttles");
  liaison::faultproxy::Args args;
  liaison::faultproxy::add_options(app, args);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int status = app.exit(e);  // prints the help, or the error and a hint
    return status == 0 ? 0 : 2;
  }
  try {
    return liaison::faultproxy::run(args);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}
