// parse_ws_url: ws[s]://host[:port][/path][?query], kept apart from the Beast code so that it
// compiles in a moment. Grammar accepted (a practical subset of RFC 6455 section 3):
//   url       = ("ws" | "wss") "://" authority [ path-query ]
//   authority = host [ ":" port ]          no user info ("@")
//   host      = reg-name | "[" IPv6 "]"   reg-name: letters, digits, "-", ".", "_"
//   port      = 1..65535 in decimal
//   path-query starts with "/" or "?"; no fragment ("#"), no spaces or control characters.
#include <cctype>
#include <string>

#include "shared/net/ws_client.h"

namespace liaison::net {
namespace {

Status bad_url(std::string_view url, const std::string& why) {
  return Status::invalid("err.usage", "bad server URL '" + std::string(url) + "': " + why +
                                          " (expected ws://host[:port][/path] or wss://...)");
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

bool is_host_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
}

bool is_ipv6_char(char c) {
  return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.';
}

bool parse_port(std::string_view text, std::string& out) {
  if (text.empty() || text.size() > 5) return false;
  unsigned value = 0;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value == 0 || value > 65535) return false;
  out = std::to_string(value);
  return true;
}

}  // namespace

Result<WsUrl> parse_ws_url(std::string_view url) {
  WsUrl out;
  std::string_view rest;
  if (starts_with_ci(url, "wss://")) {
    out.tls = true;
    rest = url.substr(6);
  } else if (starts_with_ci(url, "ws://")) {
    rest = url.substr(5);
  } else {
    return bad_url(url, "the scheme must be ws:// or wss://");
  }
  for (char c : rest) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) {
      return bad_url(url, "spaces and control characters are not allowed");
    }
    if (c == '#') return bad_url(url, "a fragment (#) is not allowed");
  }
  size_t end = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, end);
  std::string_view target = end == std::string_view::npos ? "" : rest.substr(end);
  if (authority.find('@') != std::string_view::npos) {
    return bad_url(url, "user names and passwords are not allowed");
  }

  std::string_view port_text;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad_url(url, "unclosed [ in the host");
    std::string_view host = authority.substr(1, close - 1);
    if (host.empty()) return bad_url(url, "empty host");
    for (char c : host) {
      if (!is_ipv6_char(c)) return bad_url(url, "malformed IPv6 address");
    }
    out.host = std::string(host);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad_url(url, "unexpected text after ]");
      port_text = after.substr(1);
      has_port = true;
    }
  } else {
    size_t colon = authority.find(':');
    std::string_view host = authority.substr(0, colon);
    if (host.empty()) return bad_url(url, "no host");
    for (char c : host) {
      if (!is_host_char(c)) return bad_url(url, "the host contains a character not allowed");
    }
    out.host = std::string(host);
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      has_port = true;
    }
  }
  if (has_port) {
    if (!parse_port(port_text, out.port)) return bad_url(url, "the port must be 1 to 65535");
  } else {
    out.port = out.tls ? "443" : "80";
  }

  if (target.empty()) {
    out.target = "/";
  } else if (target.front() == '?') {
    out.target = "/" + std::string(target);
  } else {
    out.target = std::string(target);
  }
  return out;
}

}  // namespace liaison::net
