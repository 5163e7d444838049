#include "shared/web/dashboard.h"

#include <openssl/rand.h>

#include "shared/app/web_users.h"
#include "shared/util/hlc.h"
#include "shared/web/assets.h"

namespace liaison::web {

namespace {

constexpr const char* kCookie = "liaison_session";

net::HttpResponse json_response(const nlohmann::json& value) {
  net::HttpResponse r;
  r.body = value.dump();
  return r;
}

std::string iso(int64_t ms) { return Hlc::to_string(Hlc::pack(ms, 0)); }

Result<std::string> new_token() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return Status::internal("RAND_bytes failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string token;
  for (unsigned char b : bytes) {
    token += kHex[b >> 4];
    token += kHex[b & 15];
  }
  return token;
}

std::string query_value(const net::HttpRequest& request, const std::string& key) {
  for (const auto& [k, v] : request.query) {
    if (k == key) return v;
  }
  return "";
}

}  // namespace

std::string cookie_value(const std::string& header, const std::string& name) {
  size_t pos = 0;
  while (pos < header.size()) {
    size_t end = header.find(';', pos);
    if (end == std::string::npos) end = header.size();
    std::string_view pair(header.data() + pos, end - pos);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    if (pair.size() > name.size() && pair.substr(0, name.size()) == name &&
        pair[name.size()] == '=')
      return std::string(pair.substr(name.size() + 1));
    pos = end + 1;
  }
  return "";
}

std::vector<Route> dashboard_routes() {
  const std::vector<std::string> none;
  return {
      {"GET", "/api/overview", {"report", "overview"}, {"overdue_days"}, none},
      {"GET", "/api/stats", {"report", "stats"}, none, none},
      {"GET", "/api/devices", {"device", "list"}, none, none},
      {"GET", "/api/stations", {"station", "list"}, none, none},
      {"GET", "/api/categories", {"category", "list"}, none, none},
      {"GET", "/api/opinions", {"opinion", "list"},
       {"station", "status", "category", "search", "overdue_days"}, {"overdue"}},
      {"GET", "/api/opinions/{id}", {"opinion", "show", "{id}"}, none, none},
      {"GET", "/api/records/{id}/attachments", {"attachment", "list", "{id}"}, none, none},
      {"GET", "/api/conflicts", {"conflicts"}, none, none},
      {"POST", "/api/conflicts/{id}/resolve", {"conflicts", "resolve", "{id}"}, {"keep"}, none},
      {"GET", "/api/report/month", {"report", "month"}, {"month", "overdue_days"}, none},
  };
}

Result<std::unique_ptr<Dashboard>> Dashboard::open(cli::ProgramSpec spec,
                                                   const std::string& db_path, Clock& clock,
                                                   SessionLimits limits) {
  LIAISON_ASSIGN_OR_RETURN(std::unique_ptr<sync::Replica> replica, sync::Replica::open(db_path));
  return std::unique_ptr<Dashboard>(
      new Dashboard(std::move(replica), std::move(spec), clock, limits));
}

Dashboard::Dashboard(std::unique_ptr<sync::Replica> replica, cli::ProgramSpec spec, Clock& clock,
                     SessionLimits limits)
    : replica_(std::move(replica)),
      api_(std::move(spec), dashboard_routes(), *replica_),
      clock_(clock),
      limits_(limits) {}

const Dashboard::Session* Dashboard::session(const net::HttpRequest& request,
                                             std::string* token) {
  int64_t now = clock_.now_ms();
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    const Session& s = it->second;
    if (now - s.last_ms > limits_.idle_ms || now - s.started_ms > limits_.max_ms)
      it = sessions_.erase(it);
    else
      ++it;
  }
  std::string value = cookie_value(request.header("cookie"), kCookie);
  auto it = sessions_.find(value);
  if (value.empty() || it == sessions_.end()) return nullptr;
  it->second.last_ms = now;
  if (token) *token = value;
  return &it->second;
}

net::HttpResponse Dashboard::handle(const net::HttpRequest& request) {
  // Same-site POSTs only; any Host (the dashboard may be reached by the office's name for it).
  if (auto refused = refuse_cross_site(request, {})) return std::move(*refused);
  const std::string& path = request.path;
  if (request.method == "GET") {
    if (auto asset = asset_response(path, "/dashboard.html")) return std::move(*asset);
  }
  std::string lang = request_lang(request);
  if (path == "/api/login" && request.method == "POST") return login(request);
  std::string token;
  const Session* s = session(request, &token);
  if (path.rfind("/api/", 0) == 0 && !s)
    return error_response(401, message_line(lang, Status(Code::kPermissionDenied,
                                                         "err.sign_in_required")));
  if (path == "/api/logout" && request.method == "POST") {
    sessions_.erase(token);
    net::HttpResponse r = json_response(nlohmann::json::object());
    r.headers.emplace_back("Set-Cookie", std::string(kCookie) +
                                             "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    return r;
  }
  if (path == "/api/me" && request.method == "GET") {
    int64_t expires = std::min(s->last_ms + limits_.idle_ms, s->started_ms + limits_.max_ms);
    return json_response({{"user", s->user}, {"expires_at", iso(expires)}});
  }
  if (path == "/api/export/month" && request.method == "GET") return export_month(request);
  static const std::string kAttachments = "/api/attachments/";
  if (request.method == "GET" && path.rfind(kAttachments, 0) == 0) {
    std::string id = path.substr(kAttachments.size());
    if (id.empty() || id.front() == '-' || id.find('/') != std::string::npos)
      return error_response(400, message_line(lang, Status::invalid("err.web_field", "id")));
    return api_.run_to_file({"attachment", "get", id}, lang, "");
  }
  if (auto answer = api_.handle(request)) return std::move(*answer);
  return error_response(404, message_line(lang, Status(Code::kNotFound, "err.not_found", path)));
}

net::HttpResponse Dashboard::login(const net::HttpRequest& request) {
  std::string lang = request_lang(request);
  Result<nlohmann::json> fields = request_fields(request);
  if (!fields) return error_response(400, message_line(lang, fields.status()));
  auto text = [&](const char* key) {
    auto it = fields->find(key);
    return it != fields->end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  std::string user = text("user"), password = text("password");
  Status st = app::sign_in(*replica_, user, password, clock_.now_ms());
  if (!st.is_ok()) {
    int status = st.code() == Code::kPermissionDenied ? 401 : http_status(st.code());
    return error_response(status, message_line(lang, st));
  }
  Result<std::string> token = new_token();
  if (!token) return error_response(500, message_line(lang, token.status()));
  int64_t now = clock_.now_ms();
  sessions_[*token] = Session{user, now, now};
  net::HttpResponse r = json_response({{"user", user}});
  r.headers.emplace_back("Set-Cookie", std::string(kCookie) + "=" + *token +
                                           "; Path=/; HttpOnly; SameSite=Strict" +
                                           (secure_ ? "; Secure" : ""));
  return r;
}

net::HttpResponse Dashboard::export_month(const net::HttpRequest& request) {
  std::string lang = request_lang(request);
  std::string month = query_value(request, "month"), format = query_value(request, "format");
  bool public_view = query_value(request, "public") == "1";
  if (format != "csv" && format != "xlsx")
    return error_response(400, message_line(lang, Status::invalid("err.bad_format", format)));
  if (month.empty() || month.front() == '-')
    return error_response(400, message_line(lang, Status::invalid("err.web_field", "month")));
  std::string name = "report-" + month + (public_view ? "-public" : "") + "." + format;
  std::vector<std::string> words{"report", "month", "--month=" + month, "--format=" + format};
  if (public_view) words.push_back("--public");
  return api_.run_to_file(std::move(words), lang, name);
}

}  // namespace liaison::web
