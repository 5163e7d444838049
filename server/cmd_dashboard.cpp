// serve --dashboard HOST:PORT [--dashboard-port-file F]: the district dashboard on its own port
// beside the sync server, for as long as it serves (docs/web.md).
#include <iostream>

#include "server/commands.h"
#include "shared/cli/common_commands.h"
#include "shared/web/dashboard.h"

namespace liaison::server {

namespace {

struct DashboardInput {
  std::string listen, port_file;
  std::string tls_cert, tls_key;  // serve's own --tls-cert and --tls-key
};

// The dashboard and its HTTP server; destroying it stops the server first.
struct RunningDashboard {
  std::unique_ptr<web::Dashboard> dashboard;
  std::unique_ptr<net::HttpServer> http;
  ~RunningDashboard() {
    if (http) http->shutdown();
  }
};

Result<std::shared_ptr<void>> start_dashboard(cli::Context& ctx, const DashboardInput& in) {
  if (in.listen.empty()) {
    if (!in.port_file.empty()) return Status::invalid("err.usage", "--dashboard-port-file");
    return std::shared_ptr<void>();
  }
  LIAISON_ASSIGN_OR_RETURN(auto where, cli::parse_listen(in.listen));
  // The same message as serve's when there is no database.
  LIAISON_ASSIGN_OR_RETURN(sync::Replica * replica, ctx.replica());
  (void)replica;
  auto running = std::make_shared<RunningDashboard>();
  LIAISON_ASSIGN_OR_RETURN(running->dashboard,
                           web::Dashboard::open(program_spec(), ctx.globals().db,
                                                SystemClock::instance()));
  net::HttpOptions options;
  options.host = where.first;
  options.port = where.second;
  options.port_file = in.port_file;
  options.tls_cert_file = in.tls_cert;
  options.tls_key_file = in.tls_key;
  running->dashboard->set_secure(!in.tls_cert.empty());
  web::Dashboard* dashboard = running->dashboard.get();
  LIAISON_ASSIGN_OR_RETURN(running->http,
                           net::HttpServer::start(options, [dashboard](const net::HttpRequest& r) {
                             return dashboard->handle(r);
                           }));
  std::string scheme = in.tls_cert.empty() ? "http" : "https";
  std::string url = scheme + "://" + in.listen.substr(0, in.listen.rfind(':')) + ":" +
                    std::to_string(running->http->port()) + "/";
  app::Output& out = ctx.out();
  if (out.json()) out.print_json({{"dashboard", url}});
  else out.print_line(out.format("msg.dashboard_listening", url));
  std::cout.flush();
  return std::shared_ptr<void>(running);
}

}  // namespace

void add_serve_with_dashboard(cli::Program& program) {
  auto in = std::make_shared<DashboardInput>();
  // The dashboard speaks HTTPS with the sync server's certificate when serve has one.
  auto serve_cmd = std::make_shared<CLI::App*>(nullptr);
  CLI::App* serve = cli::add_serve_command(program, [in, serve_cmd](cli::Context& ctx) {
    auto value = [&](const char* name) {
      CLI::Option* opt = (*serve_cmd)->get_option(name);
      return opt->count() > 0 ? opt->as<std::string>() : std::string();
    };
    in->tls_cert = value("--tls-cert");
    in->tls_key = value("--tls-key");
    return start_dashboard(ctx, *in);
  });
  *serve_cmd = serve;
  serve->add_option("--dashboard", in->listen);
  serve->add_option("--dashboard-port-file", in->port_file);
}

}  // namespace liaison::server
