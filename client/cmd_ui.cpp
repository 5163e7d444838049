// ui: the station desk (docs/web.md), served on loopback until SIGTERM or SIGINT.
#include <iostream>

#include "client/commands.h"
#include "shared/cli/common_commands.h"
#include "shared/web/desk.h"

namespace liaison::client {

namespace {

struct UiInput {
  std::string listen = "127.0.0.1:8760";
  std::string port_file;
};

Status run_ui(cli::Context& ctx, const UiInput& in) {
  LIAISON_ASSIGN_OR_RETURN(auto where, cli::parse_listen(in.listen));
  // The same message as every command's when there is no replica yet.
  LIAISON_ASSIGN_OR_RETURN(sync::Replica * replica, ctx.replica());
  (void)replica;
  LIAISON_ASSIGN_OR_RETURN(std::unique_ptr<web::Desk> desk,
                           web::Desk::open(program_spec(), ctx.globals().db, where.first));
  net::HttpOptions options;
  options.host = where.first;
  options.port = where.second;
  options.port_file = in.port_file;
  web::Desk* d = desk.get();
  LIAISON_ASSIGN_OR_RETURN(std::unique_ptr<net::HttpServer> http,
                           net::HttpServer::start(options, [d](const net::HttpRequest& r) {
                             return d->handle(r);
                           }));
  std::string host = where.first.find(':') != std::string::npos ? "[" + where.first + "]"
                                                                : where.first;
  std::string url = "http://" + host + ":" + std::to_string(http->port()) + "/";
  app::Output& out = ctx.out();
  if (out.json()) out.print_json({{"desk", url}});
  else out.print_line(out.format("msg.desk_listening", url));
  std::cout.flush();
  LIAISON_RETURN_IF_ERROR(http->shutdown_on_signals());
  http->wait();
  return {};
}

}  // namespace

void add_ui_command(cli::Program& program) {
  auto in = std::make_shared<UiInput>();
  CLI::App* cmd = program.command(program.app(), "ui", "label.cmd.ui");
  cmd->add_option("--listen", in->listen);
  cmd->add_option("--port-file", in->port_file);
  program.on_run(cmd, [in](cli::Context& ctx) { return run_ui(ctx, *in); });
}

}  // namespace liaison::client
