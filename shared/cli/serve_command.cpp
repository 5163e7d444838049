// serve: runs the sync server on this replica (the district's, or a station's as the hub of
// its spokesperson devices) until SIGTERM or SIGINT, then lets running syncs finish (up to
// --grace seconds) and exits 0.
#include <iostream>

#include "shared/app/parse.h"
#include "shared/cli/common_commands.h"
#include "shared/service/sync_server.h"

namespace liaison::cli {

namespace {

struct ServeInput {
  std::string listen = "127.0.0.1:8750";
  std::string port_file, tls_cert, tls_key;
  int grace_seconds = 30;
};

}  // namespace

Result<std::pair<std::string, uint16_t>> parse_listen(const std::string& text) {
  size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size())
    return Status::invalid("err.bad_listen", text);
  std::string host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  std::string port = text.substr(colon + 1);
  if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos)
    return Status::invalid("err.bad_listen", text);
  unsigned long n = std::stoul(port);
  if (n > 65535) return Status::invalid("err.bad_listen", text);
  return std::make_pair(host, static_cast<uint16_t>(n));
}

CLI::App* add_serve_command(cli::Program& program, ServeCompanion companion) {
  auto in = std::make_shared<ServeInput>();
  CLI::App* cmd = program.command(program.app(), "serve", "label.cmd.serve");
  cmd->add_option("--listen", in->listen);
  cmd->add_option("--port-file", in->port_file);
  cmd->add_option("--tls-cert", in->tls_cert);
  cmd->add_option("--tls-key", in->tls_key);
  cmd->add_option("--grace", in->grace_seconds);
  program.on_run(cmd, [in, companion](cli::Context& ctx) -> Status {
    LIAISON_ASSIGN_OR_RETURN(auto where, parse_listen(in->listen));
    if (in->tls_cert.empty() != in->tls_key.empty())
      return Status::invalid("err.tls_pair", "--tls-cert --tls-key");
    if (in->grace_seconds < 0) return Status::invalid("err.bad_number", "--grace");
    LIAISON_ASSIGN_OR_RETURN(sync::Replica* r, ctx.replica());
    // A spokesperson's device serves nobody: only the district and station hubs do.
    if (r->info().role == sync::Role::kSpokesperson)
      return Status(Code::kPermissionDenied, "err.serve_not_spokesperson");
    net::ServerOptions options;
    options.host = where.first;
    options.port = where.second;
    options.port_file = in->port_file;
    options.tls_cert_file = in->tls_cert;
    options.tls_key_file = in->tls_key;
    std::shared_ptr<void> beside;
    if (companion) {
      LIAISON_ASSIGN_OR_RETURN(beside, companion(ctx));
    }
    app::Output& out = ctx.out();
    return service::serve_until_signalled(
        *r, options, std::chrono::seconds(in->grace_seconds), [&](uint16_t port) {
          std::string scheme = in->tls_cert.empty() ? "ws" : "wss";
          std::string url = scheme + "://" + in->listen.substr(0, in->listen.rfind(':')) + ":" +
                            std::to_string(port) + "/sync";
          if (out.json()) out.print_json({{"listening", url}});
          else out.print_line(out.format("msg.listening", url));
          std::cout.flush();
        });
  });
  return cmd;
}

}  // namespace liaison::cli
