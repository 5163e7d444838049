// The station desk (`liaison ui`): the page and JSON API of docs/web.md for a station's or a
// spokesperson's device, on loopback with no sign-in. Requests are answered on the HTTP
// server's thread with the desk's own connection to the replica; a sync runs beside it
// (SyncJob).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "shared/cli/program.h"
#include "shared/net/http_server.h"
#include "shared/web/command_api.h"
#include "shared/web/sync_job.h"

namespace liaison::web {

class Desk {
 public:
  // Opens the replica at db_path (NotFound when there is none). spec is the `liaison` program;
  // listen_host the address the desk listens on: only requests whose Host header names this
  // machine's loopback or that address (with the port they came in on) are answered.
  static Result<std::unique_ptr<Desk>> open(cli::ProgramSpec spec, const std::string& db_path,
                                            std::string listen_host);

  net::HttpResponse handle(const net::HttpRequest& request);

 private:
  Desk(std::unique_ptr<sync::Replica> replica, cli::ProgramSpec spec, const std::string& db_path,
       std::string listen_host);
  // Writes the request's body to a private file (named by ?name=) and runs words + its path.
  net::HttpResponse upload(const net::HttpRequest& request, std::vector<std::string> words);
  net::HttpResponse download(const net::HttpRequest& request, const std::string& attachment);

  std::unique_ptr<sync::Replica> replica_;
  CommandApi api_;
  SyncJob sync_;
  std::string listen_host_;
};

// The routes of the desk's API (docs/web.md), each a `liaison` command.
std::vector<Route> desk_routes();

}  // namespace liaison::web
