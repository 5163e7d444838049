// bench_badlink: a station's month synced over a bad link (docs/benchmarks.md, "How to read the
// bad-link table").
//
//   bench_badlink [--opinions N] [--receptions N] [--photos N] [--photo-kb K] [--kbit R]
//                 [--rtt-ms M] [--cut-every S] [--out docs/benchmarks.md]
//
// One process holds a district server (service::SyncServer on 127.0.0.1, port 0), the
// fault-injecting proxy (tools/faultproxy) in front of it and the station's device, which syncs
// through the proxy with service::sync_with_server (badlink_run.h). The month
// (badlink_month.h): N opinions and N reception days recorded, then N photos of about K KB of
// incompressible bytes attached to opinions; defaults: the reliability issue's 300 opinions,
// 12 reception days, 20 photos of 300 KB over 50 kbit/s each way, 500 ms round trip and a cut
// every 30 s. Two passes over copies of the same files: a reference with no faults and no
// limit (the bytes a sync of this month needs), then the bad link. Exit status 0 when the bad
// link delivered everything exactly once (badlink_month.h, check_month), 1 otherwise (the
// figures are printed, and written with --out, either way), 2 for bad usage.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "shared/sync/protocol.h"
#include "shared/wire/messages.h"
#include "tools/bench/args.h"
#include "tools/bench/badlink_run.h"
#include "tools/bench/outcome.h"
#include "tools/bench/report.h"

namespace fs = std::filesystem;
using namespace liaison;
using namespace liaison::bench;

namespace {

struct Options {
  MonthSize size;
  uint64_t kbit = 50;     // each way
  int64_t rtt_ms = 500;
  double cut_every = 30;  // seconds; 0: never
  std::string out;        // empty: print only
};

[[noreturn]] void usage() {
  std::cerr << "usage: bench_badlink [--opinions N] [--receptions N] [--photos N] "
               "[--photo-kb K] [--kbit R] [--rtt-ms M] [--cut-every S] [--out FILE]\n";
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  for_each_option(argc, argv, [&](const std::string& k, const std::string& v) {
    if (k == "--opinions") o.size.opinions = std::stoul(v);
    else if (k == "--receptions") o.size.receptions = std::stoul(v);
    else if (k == "--photos") o.size.photos = std::stoul(v);
    else if (k == "--photo-kb") o.size.photo_bytes = std::stoul(v) * 1000;
    else if (k == "--kbit") o.kbit = std::stoul(v);
    else if (k == "--rtt-ms") o.rtt_ms = std::stol(v);
    else if (k == "--cut-every") o.cut_every = std::stod(v);
    else if (k == "--out") o.out = v;
    else return false;
    return true;
  }, usage);
  if (o.size.opinions == 0 || o.kbit == 0 || o.rtt_ms < 0 || o.cut_every < 0) usage();
  return o;
}

std::string bytes(double n) {
  if (n >= 1e6) return fmt::format("{:.2f} MB", n / 1e6);
  if (n >= 1e5) return fmt::format("{:.0f} KB", n / 1e3);
  if (n >= 1e3) return fmt::format("{:.1f} KB", n / 1e3);
  return fmt::format("{:.0f} B", n);
}

// The time the link needs for the bytes of a sync with no cuts, in its busier direction.
double floor_seconds(const PhaseFigures& clean, const Options& o) {
  return static_cast<double>(std::max(clean.bytes_up, clean.bytes_down)) * 8 /
         (static_cast<double>(o.kbit) * 1000);
}

// The phase's time, or what had arrived when it was given up (whole of `of` contents).
std::string took(const PhaseFigures& f, size_t of) {
  std::string links = fmt::format("{} connection{}, {} cut{}", f.connections,
                                  f.connections == 1 ? "" : "s", f.cuts, f.cuts == 1 ? "" : "s");
  if (f.finished) return fmt::format("{:.1f} s ({})", f.seconds, links);
  if (of == 0) return fmt::format("did not finish: given up after {:.0f} s ({})", f.seconds, links);
  return fmt::format("did not finish: {} of {} photos after {:.0f} s ({})", f.contents_whole, of,
                     f.seconds, links);
}

std::string against_floor(double seconds, double floor, bool finished) {
  if (!finished) return fmt::format("- (the floor is {:.0f} s)", floor);
  return fmt::format("{:.2f} × the link's floor of {:.1f} s", seconds / floor, floor);
}

std::vector<Line> lines_of(const Options& o, const Month& month, const PassFigures& clean,
                           const PassFigures& bad) {
  const PhaseFigures &a = bad.records, &b = bad.photos;
  double fa = floor_seconds(clean.records, o), fb = floor_seconds(clean.photos, o);
  bool both = a.finished && b.finished;
  double up = static_cast<double>(a.bytes_up + b.bytes_up);
  double down = static_cast<double>(a.bytes_down + b.bytes_down);
  double clean_up = static_cast<double>(clean.records.bytes_up + clean.photos.bytes_up);
  double clean_down = static_cast<double>(clean.records.bytes_down + clean.photos.bytes_down);
  double lost_up = static_cast<double>(a.lost_up + b.lost_up);
  double lost_down = static_cast<double>(a.lost_down + b.lost_down);
  return {
      {fmt::format("a. the month's records: {} opinions and {} reception day{} ({} changes)",
                   o.size.opinions, o.size.receptions, o.size.receptions == 1 ? "" : "s",
                   a.changes_applied),
       took(a, 0), against_floor(a.seconds, fa, a.finished), "< 2 min"},
      {fmt::format("b. then the month's photos: {} of about {} ({} in all)", o.size.photos,
                   bytes(static_cast<double>(o.size.photo_bytes)),
                   bytes(static_cast<double>(month.photo_bytes))),
       took(b, o.size.photos), against_floor(b.seconds, fb, b.finished), "-"},
      {"the whole month (a + b)",
       both ? fmt::format("{:.1f} s", a.seconds + b.seconds) : "did not finish",
       against_floor(a.seconds + b.seconds, fa + fb, both), "< 2 min"},
      {"bytes on the link, up / down", fmt::format("{} / {}", bytes(up), bytes(down)),
       fmt::format("{:.2f} × / {:.2f} × a sync with no cuts", up / clean_up, down / clean_down),
       "-"},
      {"sent again: messages caught in transit by a cut, up / down",
       fmt::format("{} / {}", bytes(lost_up), bytes(lost_down)),
       fmt::format("{:.1f} % of the bytes up", 100 * lost_up / std::max(up, 1.0)), "-"},
      {"sent again although the district held it: changes / sessions it ended with an error",
       fmt::format("{} / {}", a.held_changes_sent + b.held_changes_sent, a.errors + b.errors), "-",
       "0 / 0"},
  };
}

std::string notes_of(const Options& o, const Month& month, const PassFigures& clean,
                     const PassFigures& bad) {
  const PhaseFigures &a = bad.records, &b = bad.photos;
  std::string s = fmt::format(
      "The link: {} kbit/s each way, {} ms round trip, every open connection cut every {} s "
      "from the start of each phase (1 KB = 1,000 bytes). The floor is the bytes a sync of the "
      "same month needs with no cuts and no limit (measured just before through the same proxy: "
      "records {} up and {} down, photos {} up and {} down), in the busier direction, at the "
      "link's rate; it leaves out round trips. Runs of the sync (each with the retries of "
      "`liaison sync`): {} for a, {} for b.",
      o.kbit, o.rtt_ms, o.cut_every, bytes(static_cast<double>(clean.records.bytes_up)),
      bytes(static_cast<double>(clean.records.bytes_down)),
      bytes(static_cast<double>(clean.photos.bytes_up)),
      bytes(static_cast<double>(clean.photos.bytes_down)), a.runs, b.runs);
  double chunk_s =
      static_cast<double>(wire::kBlobChunkSize) * 8 / (static_cast<double>(o.kbit) * 1000);
  s += fmt::format(
      " A chunk of content is {} bytes and goes in one message: {:.1f} s at this rate; the device "
      "keeps {} in flight each way. An attempt that moved something costs no retry.",
      wire::kBlobChunkSize, chunk_s, sync::BatchLimits{}.chunks);
  if (!b.finished)
    s += fmt::format(
        " The photos stopped: {} runs in a row left the district holding no more content than "
        "before ({} of {}){}.",
        kStuckRuns, bytes(static_cast<double>(b.content_held)),
        bytes(static_cast<double>(month.photo_bytes)),
        o.cut_every > 0 && chunk_s >= o.cut_every
            ? fmt::format(": no connection lives longer than {} s", o.cut_every)
            : "");
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt = parse(argc, argv);
  static fs::path dir = fs::temp_directory_path() / fmt::format("bench_badlink_{}", ::getpid());
  std::atexit([] {  // also when a failed step exits early
    std::error_code ec;
    fs::remove_all(dir, ec);
  });
  fs::create_directories(dir);
  Month month = check(make_month(dir.string(), opt.size, 42), "bench_badlink: the month");
  for (const char* pass : {"clean", "bad"}) {  // two copies of the same month
    std::error_code ec;
    fs::create_directories(dir / pass, ec);
    for (const char* f : {"district.db", "station.db"})
      if (!ec) fs::copy_file(dir / f, dir / pass / f, ec);
    if (ec) check(Status::io(ec.message()), "bench_badlink: copying the month");
  }
  PassFigures clean = check(run_pass((dir / "clean").string(), dir.string(), month, opt.size, {}),
                            "bench_badlink: the pass with no faults");
  check(clean.check, "bench_badlink: the pass with no faults");

  faultproxy::FaultConfig faults =
      faultproxy::bad_link(opt.kbit * 1000, std::chrono::milliseconds(opt.rtt_ms));
  faults.cut_every = std::chrono::milliseconds(static_cast<int64_t>(opt.cut_every * 1000));
  PassFigures bad = check(run_pass((dir / "bad").string(), dir.string(), month, opt.size, faults),
                          "bench_badlink: the bad link");

  std::string command = fmt::format(
      "bench_badlink --opinions {} --receptions {} --photos {} --photo-kb {} --kbit {} "
      "--rtt-ms {} --cut-every {}",
      opt.size.opinions, opt.size.receptions, opt.size.photos, opt.size.photo_bytes / 1000,
      opt.kbit, opt.rtt_ms, opt.cut_every);
  std::string body = render("A station's month over a bad link", command,
                            lines_of(opt, month, clean, bad), notes_of(opt, month, clean, bad));
  std::cout << body;
  if (!opt.out.empty() && !write_section(opt.out, "bench_badlink", body)) {
    std::cerr << "cannot write " << opt.out << "\n";
    return 1;
  }
  if (!bad.check.is_ok()) {
    std::cerr << "bench_badlink: the bad link did not deliver the month: " << bad.check.message()
              << "\n";
    return 1;
  }
  return 0;
}
