// The desk's Sync button: one `liaison sync` at a time, run in-process on a thread of its own
// with its own connection to the replica file (as a second `liaison` process would be), so the
// desk keeps answering while it runs. state() is answered at once from memory.
//
// Thread-safe.
#pragma once

#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "shared/cli/program.h"

namespace liaison::web {

class SyncJob {
 public:
  SyncJob(cli::ProgramSpec spec, std::string db_path)
      : spec_(std::move(spec)), db_path_(std::move(db_path)) {}
  ~SyncJob();  // waits for a running sync to end
  SyncJob(const SyncJob&) = delete;
  SyncJob& operator=(const SyncJob&) = delete;

  // Starts a sync with error lines in lang; false when one is running already.
  bool start(const std::string& lang);
  // {"running", "attempt", "records", "bytes", "result", "error", "finished_at"}: records and
  // bytes moved so far (pushed + pulled, sent + received); result is what `sync --json` printed
  // for the last sync that ended, error its error line (one of them is null).
  nlohmann::json state() const;

 private:
  void run(std::string lang);

  const cli::ProgramSpec spec_;
  const std::string db_path_;
  mutable std::mutex mu_;
  bool running_ = false;             // GUARDED_BY(mu_)
  nlohmann::ordered_json progress_ = nlohmann::ordered_json::object();  // GUARDED_BY(mu_)
  nlohmann::json result_, error_;    // GUARDED_BY(mu_)
  std::string finished_at_;          // GUARDED_BY(mu_)
  std::thread thread_;               // started and joined under mu_ ordering (see start)
};

}  // namespace liaison::web
