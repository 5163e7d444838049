#include "shared/web/sync_job.h"

#include "shared/util/env.h"
#include "shared/util/hlc.h"

namespace liaison::web {

SyncJob::~SyncJob() {
  if (thread_.joinable()) thread_.join();
}

bool SyncJob::start(const std::string& lang) {
  {
    std::lock_guard lock(mu_);
    if (running_) return false;
    running_ = true;
    progress_ = nlohmann::ordered_json::object();
  }
  // The previous sync's thread has ended (running_ was false) or never existed.
  if (thread_.joinable()) thread_.join();
  thread_ = std::thread([this, lang] { run(lang); });
  return true;
}

void SyncJob::run(std::string lang) {
  auto sink = [this](const nlohmann::ordered_json& p) {
    std::lock_guard lock(mu_);
    progress_ = p;
  };
  cli::Captured r = cli::run_captured(spec_, {"sync", "--json", "--lang", lang, "--db", db_path_},
                                      nullptr, sink);
  nlohmann::json result, error;
  if (r.exit == 0) {
    result = nlohmann::json::parse(r.out, nullptr, /*allow_exceptions=*/false);
  } else {
    std::string line = r.err;
    while (!line.empty() && line.back() == '\n') line.pop_back();
    if (size_t nl = line.rfind('\n'); nl != std::string::npos) line = line.substr(nl + 1);
    error = line;
  }
  std::lock_guard lock(mu_);
  result_ = std::move(result);
  error_ = std::move(error);
  finished_at_ = Hlc::to_string(Hlc::pack(SystemClock::instance().now_ms(), 0));
  running_ = false;
}

nlohmann::json SyncJob::state() const {
  std::lock_guard lock(mu_);
  auto count = [&](const char* a, const char* b) -> int64_t {
    return progress_.value(a, int64_t{0}) + progress_.value(b, int64_t{0});
  };
  nlohmann::json finished = finished_at_.empty() ? nlohmann::json() : nlohmann::json(finished_at_);
  return {{"running", running_},
          {"attempt", progress_.value("attempt", 0)},
          {"records", count("pushed", "pulled")},
          {"bytes", count("bytes_sent", "bytes_received")},
          {"result", result_},
          {"error", error_},
          {"finished_at", finished}};
}

}  // namespace liaison::web
