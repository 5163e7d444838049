// The district dashboard (`liaison-server serve --dashboard`): the page and JSON API of
// docs/web.md for district staff, behind a sign-in. Sessions live in memory: a random token in
// an HttpOnly, SameSite=Strict cookie, ended by sign-out, by 30 minutes without a request, or
// 12 hours after sign-in. Requests are answered on the HTTP server's thread with the
// dashboard's own connection to the district database.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "shared/cli/program.h"
#include "shared/net/http_server.h"
#include "shared/util/env.h"
#include "shared/web/command_api.h"

namespace liaison::web {

struct SessionLimits {
  int64_t idle_ms = 30 * 60 * 1000;
  int64_t max_ms = 12 * 60 * 60 * 1000;
};

class Dashboard {
 public:
  // Opens the district database at db_path. spec is the `liaison-server` program; clock tells
  // the sessions' time.
  static Result<std::unique_ptr<Dashboard>> open(cli::ProgramSpec spec, const std::string& db_path,
                                                 Clock& clock, SessionLimits limits = {});

  net::HttpResponse handle(const net::HttpRequest& request);
  // Served over HTTPS: the session cookie is marked Secure.
  void set_secure(bool secure) { secure_ = secure; }

 private:
  struct Session {
    std::string user;
    int64_t started_ms = 0, last_ms = 0;
  };
  Dashboard(std::unique_ptr<sync::Replica> replica, cli::ProgramSpec spec, Clock& clock,
            SessionLimits limits);
  net::HttpResponse login(const net::HttpRequest& request);
  net::HttpResponse export_month(const net::HttpRequest& request);
  // The signed-in session of request (touched), or null; drops expired sessions.
  const Session* session(const net::HttpRequest& request, std::string* token);

  std::unique_ptr<sync::Replica> replica_;
  CommandApi api_;
  Clock& clock_;
  SessionLimits limits_;
  std::map<std::string, Session> sessions_;  // by token
  bool secure_ = false;
};

// The routes of the dashboard's API (docs/web.md), each a `liaison-server` command.
std::vector<Route> dashboard_routes();

// The value of the cookie name in a Cookie header, or "".
std::string cookie_value(const std::string& header, const std::string& name);

}  // namespace liaison::web
