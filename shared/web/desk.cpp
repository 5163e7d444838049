#include "shared/web/desk.h"

#include "shared/web/assets.h"
#include "shared/web/temp_files.h"

namespace liaison::web {

std::vector<Route> desk_routes() {
  const std::vector<std::string> none;
  return {
      {"GET", "/api/status", {"status"}, none, none},
      {"GET", "/api/opinions", {"opinion", "list"},
       {"status", "category", "search", "overdue_days"}, {"overdue"}},
      {"POST", "/api/opinions", {"opinion", "add"},
       {"voter", "matter", "phone", "place", "category", "source", "spokesperson", "at"}, none},
      {"GET", "/api/opinions/{id}", {"opinion", "show", "{id}"}, none, none},
      {"POST", "/api/opinions/{id}/set", {"opinion", "set", "{id}"},
       {"category", "phone", "place", "voter"}, none},
      {"POST", "/api/opinions/{id}/amend", {"opinion", "amend", "{id}"}, {"text", "by"}, none},
      {"POST", "/api/opinions/{id}/step", {"opinion", "step", "{id}", "{step}"},
       {"to", "channel", "note", "by"}, none},
      {"POST", "/api/opinions/{id}/void", {"opinion", "void", "{id}"}, {"reason"}, none},
      {"GET", "/api/records/{id}/attachments", {"attachment", "list", "{id}"}, none, none},
      {"GET", "/api/receptions", {"reception", "list"}, {"state"}, none},
      {"GET", "/api/receptions/{id}", {"reception", "show", "{id}"}, none, none},
      {"POST", "/api/receptions", {"reception", "add"},
       {"date", "place", "topic", "note", "voters", "deputy", "spokesperson", "opinion"},
       {"planned"}},
      {"POST", "/api/receptions/{id}/held", {"reception", "held", "{id}"},
       {"date", "note", "voters", "deputy", "spokesperson", "opinion"}, none},
      {"POST", "/api/receptions/{id}/void", {"reception", "void", "{id}"}, {"reason"}, none},
      {"GET", "/api/spokespersons", {"spokesperson", "list"}, none, none},
      {"GET", "/api/spokespersons/{id}", {"spokesperson", "show", "{id}"}, none, none},
      {"POST", "/api/spokespersons", {"spokesperson", "add"},
       {"name", "phone", "gender", "area", "voters", "households"}, {"party_member"}},
      {"POST", "/api/spokespersons/{id}/set", {"spokesperson", "set", "{id}"},
       {"name", "phone", "gender", "area", "voters", "households"},
       {"party_member", "not_party_member"}},
      {"POST", "/api/spokespersons/{id}/void", {"spokesperson", "void", "{id}"}, {"reason"}, none},
      {"GET", "/api/visits", {"visit", "list"}, {"spokesperson"}, none},
      {"POST", "/api/visits", {"visit", "add"}, {"spokesperson", "date", "households", "note"},
       none},
      {"GET", "/api/categories", {"category", "list"}, none, none},
      {"GET", "/api/deputies", {"deputy", "list"}, none, none},
      {"GET", "/api/conflicts", {"conflicts"}, none, none},
      {"POST", "/api/conflicts/{id}/resolve", {"conflicts", "resolve", "{id}"}, {"keep"}, none},
      {"GET", "/api/refused", {"refused"}, none, none},
      {"GET", "/api/report/month", {"report", "month"}, {"month", "overdue_days"}, none},
  };
}

Result<std::unique_ptr<Desk>> Desk::open(cli::ProgramSpec spec, const std::string& db_path,
                                         std::string listen_host) {
  LIAISON_ASSIGN_OR_RETURN(std::unique_ptr<sync::Replica> replica, sync::Replica::open(db_path));
  return std::unique_ptr<Desk>(
      new Desk(std::move(replica), std::move(spec), db_path, std::move(listen_host)));
}

Desk::Desk(std::unique_ptr<sync::Replica> replica, cli::ProgramSpec spec,
           const std::string& db_path, std::string listen_host)
    : replica_(std::move(replica)),
      api_(spec, desk_routes(), *replica_),
      sync_(spec, db_path),
      listen_host_(std::move(listen_host)) {}

net::HttpResponse Desk::handle(const net::HttpRequest& request) {
  if (auto refused =
          refuse_cross_site(request, loopback_hosts(listen_host_, request.local_port)))
    return std::move(*refused);
  const std::string& path = request.path;
  if (request.method == "GET") {
    if (auto asset = asset_response(path, "/desk.html")) return std::move(*asset);
  }
  std::string lang = request_lang(request);
  if (path == "/api/sync") {
    if (request.method == "GET") {
      net::HttpResponse r;
      r.body = sync_.state().dump();
      return r;
    }
    if (request.method == "POST") {
      if (!sync_.start(lang))
        return error_response(409, message_line(lang, Status(Code::kAlreadyExists,
                                                             "err.sync_running")));
      net::HttpResponse r;
      r.status = 202;
      r.body = R"({"started":true})";
      return r;
    }
  }
  // /api/records/ID/attachments (POST: an upload) and /api/attachments/ID (the content).
  static const std::string kRecords = "/api/records/", kAttachments = "/api/attachments/";
  if (request.method == "POST" && path.rfind(kRecords, 0) == 0) {
    std::string rest = path.substr(kRecords.size());
    size_t slash = rest.find('/');
    std::string record = rest.substr(0, slash);
    if (slash != std::string::npos && rest.substr(slash) == "/attachments") {
      if (record.empty() || record.front() == '-')
        return error_response(400, message_line(lang, Status::invalid("err.web_field", "id")));
      return upload(request, {"attach", record});
    }
  }
  if (request.method == "POST" && path == "/api/opinions/import") {
    bool again = false;
    for (const auto& [key, value] : request.query) again = again || (key == "again" && value == "1");
    if (again) return upload(request, {"opinion", "import", "--again", "--csv"});
    return upload(request, {"opinion", "import", "--csv"});
  }
  if (request.method == "GET" && path.rfind(kAttachments, 0) == 0 &&
      path.find('/', kAttachments.size()) == std::string::npos)
    return download(request, path.substr(kAttachments.size()));
  if (auto answer = api_.handle(request)) return std::move(*answer);
  return error_response(404, message_line(lang, Status(Code::kNotFound, "err.not_found",
                                                       request.path)));
}

net::HttpResponse Desk::upload(const net::HttpRequest& request, std::vector<std::string> words) {
  std::string lang = request_lang(request);
  std::string name;
  for (const auto& [key, value] : request.query) {
    if (key == "name") name = value;
  }
  Result<TempFile> file = TempFile::create(name, request.body);
  if (!file) return error_response(http_status(file.status().code()),
                                    message_line(lang, file.status()));
  words.push_back(file->path());
  return api_.run(std::move(words), lang);
}

net::HttpResponse Desk::download(const net::HttpRequest& request, const std::string& attachment) {
  std::string lang = request_lang(request);
  if (attachment.empty() || attachment.front() == '-')
    return error_response(400, message_line(lang, Status::invalid("err.web_field", "id")));
  return api_.run_to_file({"attachment", "get", attachment}, lang, "");
}

}  // namespace liaison::web
