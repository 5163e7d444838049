// The pages' files, compiled into the program from shared/web/assets/ (cmake/embed_assets.cmake).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shared/net/http_server.h"

namespace liaison::web {

// By path ("/desk.html", "/app.css", ...).
const std::map<std::string, std::string_view>& embedded_assets();

// A GET of "/" answers with page ("/desk.html"); of another asset, with that asset; nullopt
// for anything else.
std::optional<net::HttpResponse> asset_response(const std::string& path, const std::string& page);

// Refuses what a page of another site could make a browser send (docs/web.md): a POST without
// Content-Type application/json (or, for an upload, X-Liaison-Upload: 1), and, when hosts is
// not empty, a Host header not in hosts. nullopt when the request may go on.
std::optional<net::HttpResponse> refuse_cross_site(const net::HttpRequest& request,
                                                    const std::vector<std::string>& hosts);

// The Host values a server listening on host:port is reached by from this machine.
std::vector<std::string> loopback_hosts(const std::string& host, uint16_t port);

// A response carrying a file's bytes: its content type guessed from its first bytes (JPEG,
// PNG, GIF, PDF; else application/octet-stream), as a download named download_name when that is
// not empty.
net::HttpResponse file_response(std::string bytes, const std::string& download_name);

}  // namespace liaison::web
