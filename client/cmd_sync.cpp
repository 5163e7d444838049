// sync: exchanges changes with the district server (or a station hub) over WebSocket;
// refused: the changes the server refused, with its reasons.
#include <unistd.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "client/commands.h"
#include "shared/service/sync_client.h"

namespace liaison::client {

namespace {

struct SyncInput {
  std::string server, token, ca_file;
  int retries = 3;
  bool insecure = false;
};

// Clock skew over this is worth a warning: people should fix the clock.
constexpr int64_t kSkewWarnMs = 5 * 60 * 1000;

Status run_sync(cli::Context& ctx, const SyncInput& in) {
  LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
  std::string url = in.server.empty() ? r->info().server : in.server;
  std::string token = in.token.empty() ? r->info().token : in.token;
  if (url.empty()) return Status::invalid("err.no_server");
  if (token.empty()) return Status::invalid("err.no_token");
  if (in.retries < 0) return Status::invalid("err.bad_number", "--retries");
  // A malformed address is bad input: refused before anything is recorded.
  if (!net::parse_ws_url(url).is_ok()) return Status::invalid("err.bad_url", url);
  service::SyncOptions options;
  options.net.url = url;
  options.net.ca_file = in.ca_file;
  options.net.insecure_tls = in.insecure;
  options.token = token;
  options.retry.retries = in.retries;
  // --retries 0 asks for one attempt and no reconnection, whatever it moved.
  if (in.retries == 0) options.retry.max_attempts = 1;
  app::Output& out = ctx.out();
  bool tty = !out.json() && isatty(STDERR_FILENO);
  auto progress = [&](const service::SyncProgress& p) {
    ctx.progress({{"attempt", p.attempt}, {"pushed", p.pushed}, {"pulled", p.pulled},
                  {"bytes_sent", p.bytes_sent}, {"bytes_received", p.bytes_received}});
    if (tty) std::fprintf(stderr, "\r%s", out.format("msg.sync_progress", p.pushed, p.pulled).c_str());
  };
  Result<service::SyncResult> res = service::sync_with_server(*r, options, progress);
  if (tty) std::fprintf(stderr, "\r\033[K");
  if (!res) {
    const Status& s = res.status();
    // A protocol error code from the server becomes its catalogue entry.
    if (s.code() == Code::kPermissionDenied) return Status(s.code(), "err.sync." + s.key(), s.detail());
    return s;
  }
  // A server and token that worked are kept for the next sync.
  if (url != r->info().server || token != r->info().token)
    LIAISON_RETURN_IF_ERROR(r->set_server(url, token));
  const sync::SyncSummary& sum = res->summary;
  if (std::llabs(sum.clock_skew_ms) > kSkewWarnMs)
    std::fprintf(stderr, "%s\n", out.format("msg.clock_warning", sum.clock_skew_ms / 60000).c_str());
  if (out.json()) {
    out.print_json({{"pushed", sum.pushed}, {"pulled", sum.pulled}, {"conflicts", sum.conflicts},
                    {"refused", sum.refused}, {"clock_skew_ms", sum.clock_skew_ms},
                    {"attempts", res->attempts}, {"bytes_sent", res->bytes_sent},
                    {"bytes_received", res->bytes_received}});
  } else {
    out.print_line(out.format("msg.synced", sum.pushed, sum.pulled, sum.conflicts, sum.refused));
  }
  return {};
}

Status list_refused(cli::Context& ctx) {
  LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt q,
                           r->db().prepare("SELECT origin, seq, tbl, row_id, reason, at FROM "
                                           "_server_refused ORDER BY id"));
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  std::vector<std::vector<std::string>> table;
  for (;;) {
    LIAISON_ASSIGN_OR_RETURN(bool more, q.step());
    if (!more) break;
    rows.push_back({{"origin", q.column_text(0)}, {"seq", q.column_int(1)},
                    {"table", q.column_text(2)}, {"row", q.column_text(3)},
                    {"reason", q.column_text(4)}, {"at", q.column_text(5)}});
    table.push_back({q.column_text(2), q.column_text(3),
                     ctx.out().format("refusal." + q.column_text(4)), q.column_text(5)});
  }
  app::Output& out = ctx.out();
  if (out.json()) {
    out.print_json(rows);
  } else if (table.empty()) {
    out.print_line(out.format("msg.no_refused"));
  } else {
    out.print_table({"label.table", "label.id", "label.reason", "label.at"}, table);
  }
  return {};
}

}  // namespace

void add_sync_commands(cli::Program& program) {
  auto in = std::make_shared<SyncInput>();
  CLI::App* cmd = program.command(program.app(), "sync", "label.cmd.sync");
  cmd->add_option("--server", in->server);
  cmd->add_option("--token", in->token);
  cmd->add_option("--retries", in->retries);
  cmd->add_option("--ca-file", in->ca_file);
  cmd->add_flag("--insecure", in->insecure);
  program.on_run(cmd, [in](cli::Context& ctx) { return run_sync(ctx, *in); });
  CLI::App* refused = program.command(program.app(), "refused", "label.cmd.refused");
  program.on_run(refused, list_refused);
}

}  // namespace liaison::client
