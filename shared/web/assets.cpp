#include "shared/web/assets.h"

#include <algorithm>

#include "shared/util/i18n.h"
#include "shared/web/command_api.h"

namespace liaison::web {

namespace {

bool ends_with(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

std::string content_type(std::string_view path) {
  if (ends_with(path, ".html")) return "text/html; charset=utf-8";
  if (ends_with(path, ".css")) return "text/css; charset=utf-8";
  if (ends_with(path, ".js")) return "text/javascript; charset=utf-8";
  return "application/octet-stream";
}

bool starts_with(std::string_view s, std::string_view head) {
  return s.substr(0, head.size()) == head;
}

}  // namespace

std::optional<net::HttpResponse> asset_response(const std::string& path, const std::string& page) {
  const std::string& name = path == "/" ? page : path;
  auto it = embedded_assets().find(name);
  if (it == embedded_assets().end()) return std::nullopt;
  net::HttpResponse r;
  r.content_type = content_type(name);
  r.body = std::string(it->second);
  // Nothing but this program's own files, and no framing by other sites.
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'self'; img-src 'self' data: blob:; "
                         "style-src 'self' 'unsafe-inline'; "
                         "frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  return r;
}

std::optional<net::HttpResponse> refuse_cross_site(const net::HttpRequest& request,
                                                    const std::vector<std::string>& hosts) {
  std::string lang = request_lang(request);
  auto refuse = [&] {
    return error_response(403, i18n::format(lang, "err.line", i18n::text(lang, "err.cross_site")));
  };
  if (!hosts.empty() &&
      std::find(hosts.begin(), hosts.end(), request.header("host")) == hosts.end())
    return refuse();
  if (request.method == "GET" || request.method == "HEAD") return std::nullopt;
  const std::string& type = request.header("content-type");
  if (starts_with(type, "application/json")) return std::nullopt;
  if (request.header("x-liaison-upload") == "1") return std::nullopt;
  return refuse();
}

std::vector<std::string> loopback_hosts(const std::string& host, uint16_t port) {
  std::string p = ":" + std::to_string(port);
  std::vector<std::string> hosts{"127.0.0.1" + p, "localhost" + p, "[::1]" + p};
  std::string named = host.find(':') != std::string::npos ? "[" + host + "]" + p : host + p;
  if (std::find(hosts.begin(), hosts.end(), named) == hosts.end()) hosts.push_back(named);
  return hosts;
}

net::HttpResponse file_response(std::string bytes, const std::string& download_name) {
  net::HttpResponse r;
  if (starts_with(bytes, "\xFF\xD8\xFF")) r.content_type = "image/jpeg";
  else if (starts_with(bytes, "\x89PNG")) r.content_type = "image/png";
  else if (starts_with(bytes, "GIF8")) r.content_type = "image/gif";
  else if (starts_with(bytes, "%PDF")) r.content_type = "application/pdf";
  else r.content_type = "application/octet-stream";
  if (ends_with(download_name, ".csv")) r.content_type = "text/csv; charset=utf-8";
  if (ends_with(download_name, ".xlsx"))
    r.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  if (!download_name.empty())
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + download_name + "\"");
  r.body = std::move(bytes);
  return r;
}

}  // namespace liaison::web
