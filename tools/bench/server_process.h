// A liaison-server process for the load generator, so that its memory, descriptors and CPU are
// its own: started as `liaison-server --db DB serve --listen 127.0.0.1:0 --port-file F`, watched
// through /proc (Linux), stopped with SIGTERM. Not thread-safe, except sample(), which only reads
// /proc and may run on a sampling thread while the owner waits.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "shared/util/status.h"

namespace liaison::bench {

// One look at a process in /proc.
struct ProcessSample {
  double at = 0;          // seconds since the sampler started
  uint64_t rss_kb = 0;    // VmRSS
  uint64_t hwm_kb = 0;    // VmHWM: the peak resident set so far
  uint64_t fds = 0;       // open file descriptors
  double cpu_seconds = 0; // user + system time so far
};

class ServerProcess {
 public:
  // Starts the server on db with its output in log_file and waits up to timeout for the port
  // file (written in the db's directory). An error when it cannot start, exits, or is too slow.
  static Result<std::unique_ptr<ServerProcess>> start(const std::string& binary,
                                                      const std::string& db,
                                                      const std::string& log_file,
                                                      std::chrono::seconds timeout);
  // Kills the process when stop() did not end it.
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  // The process as it is now (at = 0); an error once it is gone.
  Result<ProcessSample> sample() const;
  // SIGTERM, then waits up to timeout for the exit (the server drains its syncs first).
  // Returns the exit status; an error when it had to be killed (it is gone either way).
  Result<int> stop(std::chrono::seconds timeout);

 private:
  ServerProcess(pid_t pid, uint16_t port) : pid_(pid), port_(port) {}
  pid_t pid_;
  uint16_t port_;
  bool running_ = true;
};

// Samples a process every interval on a thread of its own until stopped.
class ProcessSampler {
 public:
  ProcessSampler(const ServerProcess& process, std::chrono::milliseconds interval);
  // Stops and joins the thread.
  ~ProcessSampler();
  ProcessSampler(const ProcessSampler&) = delete;
  ProcessSampler& operator=(const ProcessSampler&) = delete;
  // Stops sampling and returns every sample, in time order, a last one included.
  std::vector<ProcessSample> finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace liaison::bench
