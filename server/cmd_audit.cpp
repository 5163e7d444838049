// audit: the district's audit log (schema/0007_audit.sql, docs/protocol.md "Audit log"), newest
// first: which device connected from where, what it pushed, what was refused and why, what it
// was sent and how its sessions ended.
#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "server/commands.h"
#include "shared/app/json.h"
#include "shared/app/parse.h"

namespace liaison::server {

namespace {

constexpr std::array<const char*, 6> kEvents = {"session", "push", "refused",
                                                "pull",    "end",  "error"};

struct AuditInput {
  std::string device, since, event;
  int64_t limit = 200;
};

// One row of _audit; absent values are nullopt.
struct AuditRow {
  int64_t id = 0;
  std::string at, event;
  std::optional<std::string> device, replica, address, origin, ranges, table, row_id, reason, code;
  std::optional<int64_t> count, duplicates, refused, skew_ms, seq_from, seq_to, seq;
};

std::optional<std::string> opt_text(const storage::Stmt& q, int i) {
  if (q.column_is_null(i)) return std::nullopt;
  return q.column_text(i);
}

std::optional<int64_t> opt_int(const storage::Stmt& q, int i) {
  if (q.column_is_null(i)) return std::nullopt;
  return q.column_int(i);
}

Result<std::vector<AuditRow>> read_audit(sync::Replica& r, const AuditInput& in,
                                         const std::string& since) {
  std::string sql =
      "SELECT id, at, event, device_id, replica, address, origin, ranges, tbl, row_id, reason, "
      "code, count, duplicates, refused, skew_ms, seq_from, seq_to, seq FROM _audit WHERE 1";
  if (!in.device.empty()) sql += " AND device_id = ?1";
  if (!since.empty()) sql += " AND at >= strftime('%Y-%m-%dT%H:%M:%fZ', ?2)";
  if (!in.event.empty()) sql += " AND event = ?3";
  sql += " ORDER BY at DESC, id DESC LIMIT ?4";
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt q, r.db().prepare(sql));
  if (!in.device.empty()) q.bind(1, in.device);
  if (!since.empty()) q.bind(2, since);
  if (!in.event.empty()) q.bind(3, in.event);
  q.bind(4, in.limit);
  std::vector<AuditRow> rows;
  for (;;) {
    LIAISON_ASSIGN_OR_RETURN(bool more, q.step());
    if (!more) break;
    AuditRow a;
    a.id = q.column_int(0);
    a.at = q.column_text(1);
    a.event = q.column_text(2);
    a.device = opt_text(q, 3);
    a.replica = opt_text(q, 4);
    a.address = opt_text(q, 5);
    a.origin = opt_text(q, 6);
    a.ranges = opt_text(q, 7);
    a.table = opt_text(q, 8);
    a.row_id = opt_text(q, 9);
    a.reason = opt_text(q, 10);
    a.code = opt_text(q, 11);
    a.count = opt_int(q, 12);
    a.duplicates = opt_int(q, 13);
    a.refused = opt_int(q, 14);
    a.skew_ms = opt_int(q, 15);
    a.seq_from = opt_int(q, 16);
    a.seq_to = opt_int(q, 17);
    a.seq = opt_int(q, 18);
    rows.push_back(std::move(a));
  }
  return rows;
}

app::Json opt(const std::optional<std::string>& v) { return v ? app::Json(*v) : app::Json(nullptr); }
app::Json opt(const std::optional<int64_t>& v) { return v ? app::Json(*v) : app::Json(nullptr); }

app::Json to_json(const AuditRow& a) {
  return {{"id", a.id},           {"at", a.at},
          {"device", opt(a.device)}, {"replica", opt(a.replica)},
          {"address", opt(a.address)}, {"event", a.event},
          {"count", opt(a.count)},   {"duplicates", opt(a.duplicates)},
          {"refused", opt(a.refused)}, {"skew_ms", opt(a.skew_ms)},
          {"origin", opt(a.origin)}, {"seq_from", opt(a.seq_from)},
          {"seq_to", opt(a.seq_to)}, {"ranges", opt(a.ranges)},
          {"seq", opt(a.seq)},       {"table", opt(a.table)},
          {"row_id", opt(a.row_id)}, {"reason", opt(a.reason)},
          {"code", opt(a.code)}};
}

// The event's particulars on one line, for people.
std::string detail(const app::Output& out, const AuditRow& a) {
  auto n = [](const std::optional<int64_t>& v) { return v.value_or(0); };
  auto s = [](const std::optional<std::string>& v) { return v.value_or(""); };
  if (a.event == "session") return out.format("msg.audit.session", n(a.skew_ms));
  if (a.event == "push") {
    std::string line = out.format("msg.audit.push", n(a.count), n(a.duplicates), n(a.refused));
    if (a.ranges) line += " " + *a.ranges;
    return line;
  }
  if (a.event == "refused")
    return out.format("msg.audit.refused", s(a.table), s(a.row_id), s(a.reason), s(a.origin),
                      n(a.seq));
  if (a.event == "pull") return out.format("msg.audit.pull", n(a.count));
  if (a.event == "end") return out.format("msg.audit.end", n(a.count), n(a.refused));
  if (a.event == "error") return out.format("msg.audit.error", s(a.code), s(a.reason));
  return "";
}

void print_audit(app::Output& out, const std::vector<AuditRow>& rows) {
  if (out.json()) {
    app::Json list = app::Json::array();
    for (const AuditRow& a : rows) list.push_back(to_json(a));
    return out.print_json(list);
  }
  if (rows.empty()) return out.print_line(out.text("label.none"));
  std::vector<std::vector<std::string>> table;
  for (const AuditRow& a : rows)
    table.push_back({a.at, a.device.value_or(out.text("label.audit.unknown_device")),
                     a.address.value_or(""), out.text("label.audit.event." + a.event),
                     detail(out, a)});
  out.print_table({"label.at", "label.device", "label.audit.address", "label.audit.event",
                   "label.audit.detail"},
                  table);
}

Status run_audit(cli::Context& ctx, AuditInput in) {
  std::string since;
  if (!in.since.empty()) {
    LIAISON_ASSIGN_OR_RETURN(since, app::parse_time(app::trim(in.since)));
  }
  if (!in.event.empty()) {
    bool known = false;
    for (const char* e : kEvents) known = known || in.event == e;
    if (!known) return Status::invalid("err.audit.bad_event", in.event);
  }
  if (in.limit <= 0) return Status::invalid("err.audit.bad_limit", std::to_string(in.limit));
  LIAISON_ASSIGN_OR_RETURN(sync::Replica * r, ctx.replica());
  LIAISON_ASSIGN_OR_RETURN(std::vector<AuditRow> rows, read_audit(*r, in, since));
  print_audit(ctx.out(), rows);
  return {};
}

}  // namespace

void add_audit_command(cli::Program& program) {
  auto in = std::make_shared<AuditInput>();
  CLI::App* audit = program.command(program.app(), "audit", "label.cmd.audit");
  audit->add_option("--device", in->device);
  audit->add_option("--since", in->since);
  audit->add_option("--event", in->event);
  audit->add_option("--limit", in->limit);
  program.on_run(audit, [in](cli::Context& ctx) { return run_audit(ctx, *in); });
}

}  // namespace liaison::server
