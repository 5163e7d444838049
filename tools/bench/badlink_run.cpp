#include "tools/bench/badlink_run.h"

#include <algorithm>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "shared/service/sync_client.h"
#include "shared/service/sync_server.h"
#include "shared/storage/db.h"
#include "tools/bench/timing.h"
#include "tools/faultproxy/fault_proxy.h"

namespace liaison::bench {

namespace {

using faultproxy::ConnectionStats;
using sync::Replica;

// What a sync adds to at the district: bytes of content and changes applied.
struct Held {
  int64_t content = 0, changes = 0;
  bool operator==(const Held&) const = default;
};

// Read through a connection of our own while the server writes (the file is in WAL mode).
Result<Held> held_by(storage::Db& db) {
  LIAISON_ASSIGN_OR_RETURN(
      storage::Stmt q,
      db.prepare("SELECT (SELECT COALESCE(SUM(received), 0) FROM _blob),"
                 " (SELECT COALESCE(SUM(count), 0) FROM _audit WHERE event = 'push')"));
  LIAISON_ASSIGN_OR_RETURN(bool row, q.step());
  if (!row) return Status::internal("the district's totals cannot be read");
  return Held{q.column_int(0), q.column_int(1)};
}

// Bytes relayed one way after the end of the last WebSocket data message that arrived whole, or
// after the HTTP upgrade (the connection's first turn that way) when none did.
uint64_t in_transit(const ConnectionStats& c, bool up) {
  uint64_t last = 0;
  auto first = std::find_if(c.turns.begin(), c.turns.end(),
                            [&](const faultproxy::Turn& t) { return t.up == up; });
  if (first != c.turns.end()) last = first->end;
  uint64_t relayed = up ? c.bytes_up : c.bytes_down;
  for (uint64_t end : up ? c.messages_up : c.messages_down)
    if (end <= relayed) last = std::max(last, end);
  return relayed > last ? relayed - last : 0;
}

void take_proxy_figures(const faultproxy::FaultProxy& proxy, PhaseFigures& f) {
  faultproxy::ProxyStats s = proxy.stats();
  f.connections = s.accepted;
  f.cuts = s.cuts;
  f.bytes_up = s.bytes_up;
  f.bytes_down = s.bytes_down;
  for (const ConnectionStats& c : proxy.connections()) {
    if (c.cut == faultproxy::CutCause::kNone) continue;
    f.lost_up += in_transit(c, true);
    f.lost_down += in_transit(c, false);
  }
}

Result<int64_t> last_audit_id(Replica& district) {
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt q,
                           district.db().prepare("SELECT COALESCE(MAX(id), 0) FROM _audit"));
  LIAISON_ASSIGN_OR_RETURN(bool row, q.step());
  return row ? q.column_int(0) : 0;
}

// The district's audit log after row `after`, and the content it holds.
Status take_district_figures(Replica& district, int64_t after, PhaseFigures& f) {
  LIAISON_ASSIGN_OR_RETURN(
      storage::Stmt q,
      district.db().prepare(
          "SELECT COALESCE(SUM(CASE WHEN event = 'push' THEN duplicates END), 0),"
          " COALESCE(SUM(event = 'error'), 0),"
          " COALESCE(SUM(CASE WHEN event = 'push' THEN count END), 0),"
          " (SELECT COALESCE(SUM(received), 0) FROM _blob),"
          " (SELECT COALESCE(SUM(complete), 0) FROM _blob)"
          " FROM _audit WHERE id > ?"));
  q.bind(1, after);
  LIAISON_ASSIGN_OR_RETURN(bool row, q.step());
  if (!row) return Status::internal("the district's audit log cannot be read");
  f.held_changes_sent = static_cast<uint64_t>(q.column_int(0));
  f.errors = static_cast<uint64_t>(q.column_int(1));
  f.changes_applied = static_cast<uint64_t>(q.column_int(2));
  f.content_held = static_cast<uint64_t>(q.column_int(3));
  f.contents_whole = static_cast<uint64_t>(q.column_int(4));
  return {};
}

// Runs `liaison sync` (sync_with_server with its default retries) until one run completes, or
// until kStuckRuns runs in a row leave the district holding nothing more.
Status sync_until_done(Replica& station, const std::string& url, const std::string& token,
                       storage::Db& district_reader, const std::string& label, PhaseFigures& f) {
  SteadyTime start = std::chrono::steady_clock::now();
  service::SyncOptions options;
  options.net.url = url;
  options.token = token;
  LIAISON_ASSIGN_OR_RETURN(Held before, held_by(district_reader));
  for (int idle = 0; idle < kStuckRuns;) {
    ++f.runs;
    Result<service::SyncResult> r = service::sync_with_server(station, options);
    if (r.is_ok()) {
      f.finished = true;
      return {};
    }
    if (r.status().code() != Code::kIo) return r.status();  // refused for good: not the link
    LIAISON_ASSIGN_OR_RETURN(Held now, held_by(district_reader));
    idle = now == before ? idle + 1 : 0;
    before = now;
    std::cerr << fmt::format("{}: {:.0f} s: run {} of the sync failed after its retries; the "
                             "district holds {} changes and {} bytes of content\n",
                             label, seconds_between(start, std::chrono::steady_clock::now()),
                             f.runs, now.changes, now.content);
  }
  return {};
}

Result<PhaseFigures> run_phase(Replica& district, Replica& station, const std::string& dir,
                               const std::string& token, const faultproxy::FaultConfig& faults,
                               const std::string& label) {
  PhaseFigures f;
  LIAISON_ASSIGN_OR_RETURN(int64_t audit_from, last_audit_id(district));
  net::ServerOptions server_options;
  server_options.host = "127.0.0.1";
  server_options.port = 0;
  LIAISON_ASSIGN_OR_RETURN(auto server, service::SyncServer::start(district, server_options));
  faultproxy::ProxyOptions proxy_options;
  proxy_options.target_port = server->port();
  proxy_options.faults = faults;
  LIAISON_ASSIGN_OR_RETURN(auto proxy, faultproxy::FaultProxy::start(proxy_options));
  LIAISON_ASSIGN_OR_RETURN(auto reader, storage::Db::open(dir + "/district.db", false));
  std::string url = fmt::format("ws://127.0.0.1:{}/sync", proxy->port());
  SteadyTime start = std::chrono::steady_clock::now();
  Status s = sync_until_done(station, url, token, *reader, label, f);
  f.seconds = seconds_between(start, std::chrono::steady_clock::now());
  proxy->stop();
  server->shutdown(std::chrono::milliseconds(2000));  // the district is ours again
  LIAISON_RETURN_IF_ERROR(s);
  take_proxy_figures(*proxy, f);
  LIAISON_RETURN_IF_ERROR(take_district_figures(district, audit_from, f));
  return f;
}

}  // namespace

Result<PassFigures> run_pass(const std::string& dir, const std::string& month_dir,
                             const Month& month, const MonthSize& size,
                             const faultproxy::FaultConfig& faults) {
  PassFigures p;
  LIAISON_ASSIGN_OR_RETURN(auto district, Replica::open(dir + "/district.db"));
  LIAISON_ASSIGN_OR_RETURN(auto station, Replica::open(dir + "/station.db"));
  std::string pass = std::filesystem::path(dir).filename().string();
  std::string label = pass + ": records";
  LIAISON_ASSIGN_OR_RETURN(p.records,
                           run_phase(*district, *station, dir, month.token, faults, label));
  if (p.records.finished) {
    LIAISON_RETURN_IF_ERROR(attach_photos(*station, month_dir, size));
    label = pass + ": photos";
    LIAISON_ASSIGN_OR_RETURN(p.photos,
                             run_phase(*district, *station, dir, month.token, faults, label));
  }
  p.check = check_month(*district, *station, size, true);
  return p;
}

}  // namespace liaison::bench
