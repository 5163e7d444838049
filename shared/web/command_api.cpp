#include "shared/web/command_api.h"

#include <algorithm>
#include <map>

#include "shared/web/assets.h"
#include "shared/web/temp_files.h"

namespace liaison::web {

namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t start = 1;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    parts.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return parts;
}

// The path parameters when path matches pattern.
std::optional<std::map<std::string, std::string>> match(const std::string& pattern,
                                                        const std::string& path) {
  std::vector<std::string_view> want = split_path(pattern), got = split_path(path);
  if (want.size() != got.size()) return std::nullopt;
  std::map<std::string, std::string> params;
  for (size_t i = 0; i < want.size(); ++i) {
    if (want[i].size() > 2 && want[i].front() == '{' && want[i].back() == '}') {
      if (got[i].empty()) return std::nullopt;
      params[std::string(want[i].substr(1, want[i].size() - 2))] = std::string(got[i]);
    } else if (want[i] != got[i]) {
      return std::nullopt;
    }
  }
  return params;
}

bool contains(const std::vector<std::string>& list, const std::string& name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

std::string option_name(const std::string& field) {
  std::string name = "--" + field;
  std::replace(name.begin(), name.end(), '_', '-');
  return name;
}

// A scalar field's text: strings as they are, integers in decimal. Fails for anything else.
std::optional<std::string> scalar_text(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_integer()) return value.dump();
  return std::nullopt;
}

// The command line for route with its path parameters and the request's fields, or the
// message saying which field is wrong.
Result<std::vector<std::string>> command_words(const Route& route,
                                               const std::map<std::string, std::string>& params,
                                               nlohmann::json fields, bool from_query) {
  std::vector<std::string> words;
  for (const std::string& word : route.words) {
    if (word.size() < 3 || word.front() != '{') {
      words.push_back(word);
      continue;
    }
    std::string name = word.substr(1, word.size() - 2);
    std::optional<std::string> value;
    if (auto it = params.find(name); it != params.end()) {
      value = it->second;
    } else if (fields.contains(name)) {
      value = scalar_text(fields[name]);
      fields.erase(name);
    }
    // A positional value that looked like an option would be read as one.
    if (!value || value->empty() || value->front() == '-')
      return Status::invalid("err.web_field", name);
    words.push_back(*value);
  }
  for (auto& [name, value] : fields.items()) {
    if (contains(route.flags, name)) {
      bool on = false;
      bool query_text = from_query && value.is_string();
      if (value.is_boolean()) on = value.get<bool>();
      else if (query_text && (value == "1" || value == "true")) on = true;
      else if (!(query_text && (value == "0" || value == "false" || value == "")))
        return Status::invalid("err.web_field", name);
      if (on) words.push_back(option_name(name));
    } else if (contains(route.options, name)) {
      if (value.is_null()) continue;
      const nlohmann::json items = value.is_array() ? value : nlohmann::json::array({value});
      for (const auto& item : items) {
        std::optional<std::string> text = scalar_text(item);
        if (!text) return Status::invalid("err.web_field", name);
        // --name=value, so that a value starting with '-' stays a value; but an empty one as
        // two words, since "--name=" would take the next word for its value.
        if (text->empty()) words.insert(words.end(), {option_name(name), ""});
        else words.push_back(option_name(name) + "=" + *text);
      }
    } else {
      return Status::invalid("err.web_field", name);
    }
  }
  return words;
}

}  // namespace

std::string message_line(const std::string& lang, const Status& status) {
  return i18n::format(lang, "err.line", status.message(lang));
}

net::HttpResponse error_response(int status, const std::string& message) {
  net::HttpResponse r;
  r.status = status;
  r.body = nlohmann::json{{"error", message}}.dump();
  return r;
}

int http_status(Code code) {
  switch (code) {
    case Code::kOk: return 200;
    case Code::kInvalidArgument:
    case Code::kCorruption: return 400;
    case Code::kLimitExceeded: return 413;
    case Code::kNotFound: return 404;
    case Code::kAlreadyExists: return 409;
    case Code::kPermissionDenied: return 403;
    default: return 500;
  }
}

std::string request_lang(const net::HttpRequest& request) {
  for (const auto& [key, value] : request.query) {
    if (key == "lang") return value == "en" ? "en" : "zh";
  }
  return "zh";
}

Result<nlohmann::json> request_fields(const net::HttpRequest& request) {
  nlohmann::json fields = nlohmann::json::object();
  if (request.method == "GET") {
    for (const auto& [key, value] : request.query) {
      if (key != "lang") fields[key] = value;
    }
    return fields;
  }
  if (request.body.empty()) return fields;
  if (request.body.size() > kMaxJsonBody)
    return Status(Code::kLimitExceeded, "err.web_body_size", std::to_string(kMaxJsonBody));
  fields = nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (!fields.is_object()) return Status::invalid("err.web_body");
  return fields;
}

std::optional<net::HttpResponse> CommandApi::handle(const net::HttpRequest& request) {
  for (const Route& route : routes_) {
    if (route.method != request.method) continue;
    auto params = match(route.pattern, request.path);
    if (!params) continue;
    std::string lang = request_lang(request);
    Result<nlohmann::json> fields = request_fields(request);
    Result<std::vector<std::string>> words =
        fields ? command_words(route, *params, std::move(*fields), request.method == "GET")
               : Result<std::vector<std::string>>(fields.status());
    if (!words)
      return error_response(http_status(words.status().code()), message_line(lang, words.status()));
    return run(std::move(*words), lang);
  }
  return std::nullopt;
}

net::HttpResponse CommandApi::run(std::vector<std::string> words, const std::string& lang) {
  words.insert(words.end(), {"--json", "--lang", lang});
  cli::Captured result = cli::run_captured(spec_, words, &replica_);
  if (result.exit == 0) {
    net::HttpResponse r;
    r.body = result.out.empty() ? "{}" : std::move(result.out);
    return r;
  }
  std::string line = result.err;
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  if (size_t nl = line.rfind('\n'); nl != std::string::npos) line = line.substr(nl + 1);
  return error_response(http_status(result.code), line);
}

net::HttpResponse CommandApi::run_to_file(std::vector<std::string> words, const std::string& lang,
                                          const std::string& download_name) {
  Result<TempFile> file = TempFile::reserve(download_name.empty() ? "file" : download_name);
  if (!file) return error_response(500, message_line(lang, file.status()));
  words.push_back("--out=" + file->path());
  net::HttpResponse r = run(std::move(words), lang);
  if (r.status != 200) return r;
  Result<std::string> bytes = file->read();
  if (!bytes) return error_response(500, message_line(lang, bytes.status()));
  return file_response(std::move(*bytes), download_name);
}

}  // namespace liaison::web
