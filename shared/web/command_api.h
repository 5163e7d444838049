// The JSON API of the pages is the command line: each Route names a command of the program's
// contract, and a request becomes that command's words, run in-process (cli::run_captured) with
// --json. The answer is what the command printed, unchanged; a failure is its one error line as
// {"error": ...} with an HTTP status for its kind. See docs/web.md.
//
// Not thread-safe: call from one thread (the HTTP server's).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "shared/cli/program.h"
#include "shared/net/http_server.h"

namespace liaison::web {

struct Route {
  std::string method;   // "GET" or "POST"
  std::string pattern;  // "/api/opinions/{id}/step": a {name} segment matches any one segment
  // The command's words; "{name}" is a path parameter of that name, or else a required field of
  // the request (a positional argument).
  std::vector<std::string> words;
  std::vector<std::string> options;  // fields given as --name=value (a JSON array repeats it)
  std::vector<std::string> flags;    // fields given as --name when true
};

// The one error line for status, as the programs print it ("错误：...").
std::string message_line(const std::string& lang, const Status& status);
// A response with body {"error": message}.
net::HttpResponse error_response(int status, const std::string& message);
// The HTTP status for a failed command's code: 400, 403, 404, 409 or 500.
int http_status(Code code);
// The language asked for by ?lang= ("en" or "zh").
std::string request_lang(const net::HttpRequest& request);
// The largest JSON body accepted (an upload's file may be larger: HttpOptions::max_body).
inline constexpr size_t kMaxJsonBody = 1 << 20;
// The request's fields: the JSON object of a POST body, or the query parameters of a GET
// (without lang). Fails with a message for a body that is not a JSON object or is larger than
// kMaxJsonBody.
Result<nlohmann::json> request_fields(const net::HttpRequest& request);

class CommandApi {
 public:
  // replica is lent to every command; it must outlive the CommandApi.
  CommandApi(cli::ProgramSpec spec, std::vector<Route> routes, sync::Replica& replica)
      : spec_(std::move(spec)), routes_(std::move(routes)), replica_(replica) {}

  // The answer for request when a route matches its method and path; nullopt otherwise.
  std::optional<net::HttpResponse> handle(const net::HttpRequest& request);

  // Runs the command words (without --json and --lang, which are added) on the lent replica and
  // turns its result into a response.
  net::HttpResponse run(std::vector<std::string> words, const std::string& lang);

  // Runs the command words with --out=FILE added, FILE a private temporary file, and answers
  // with that file's bytes (see file_response in assets.h; a download named download_name when
  // that is not empty), or with the command's failure.
  net::HttpResponse run_to_file(std::vector<std::string> words, const std::string& lang,
                                const std::string& download_name);

  const cli::ProgramSpec& spec() const { return spec_; }
  sync::Replica& replica() { return replica_; }

 private:
  cli::ProgramSpec spec_;
  std::vector<Route> routes_;
  sync::Replica& replica_;
};

}  // namespace liaison::web
