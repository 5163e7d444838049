#include "tools/bench/server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include "tools/bench/timing.h"

extern char** environ;

namespace liaison::bench {

namespace {

namespace fs = std::filesystem;

// The process's exit status once it has ended, nullopt while it runs.
std::optional<int> exited(pid_t pid) {
  int status = 0;
  pid_t r = ::waitpid(pid, &status, WNOHANG);
  if (r == 0) return std::nullopt;
  return r == pid && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string read_all(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The value in kB of a "Key:   123 kB" line of /proc/PID/status.
uint64_t status_kb(const std::string& status, const std::string& key) {
  size_t at = status.find("\n" + key + ":");
  if (at == std::string::npos) return 0;
  return std::stoull(status.substr(at + key.size() + 2));
}

Result<pid_t> spawn(const std::vector<std::string>& argv, const std::string& log_file) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, argv[0].c_str(), &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return Status::io("cannot start " + argv[0] + ": " + std::strerror(rc));
  return pid;
}

}  // namespace

Result<std::unique_ptr<ServerProcess>> ServerProcess::start(const std::string& binary,
                                                            const std::string& db,
                                                            const std::string& log_file,
                                                            std::chrono::seconds timeout) {
  fs::path port_file = fs::path(db).parent_path() / "server.port";
  std::error_code ec;
  fs::remove(port_file, ec);
  LIAISON_ASSIGN_OR_RETURN(pid_t pid, spawn({binary, "--db", db, "serve", "--listen",
                                             "127.0.0.1:0", "--port-file", port_file.string()},
                                            log_file));
  std::unique_ptr<ServerProcess> p(new ServerProcess(pid, 0));
  SteadyTime deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    std::string text = read_all(port_file);
    if (!text.empty() && text.find_first_not_of("0123456789\n") == std::string::npos) {
      p->port_ = static_cast<uint16_t>(std::stoul(text));
      return p;
    }
    if (std::optional<int> code = exited(pid)) {
      p->running_ = false;
      return Status::io("the server exited with status " + std::to_string(*code) + ": " +
                        read_all(log_file));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling the port file
  }
  return Status::io("the server wrote no port within " + std::to_string(timeout.count()) + " s");
}

ServerProcess::~ServerProcess() {
  if (!running_) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
}

Result<ProcessSample> ServerProcess::sample() const {
  fs::path proc = fs::path("/proc") / std::to_string(pid_);
  ProcessSample s;
  std::string status = read_all(proc / "status");
  if (status.empty()) return Status::io("the server process is gone");
  s.rss_kb = status_kb(status, "VmRSS");
  s.hwm_kb = status_kb(status, "VmHWM");
  std::error_code ec;
  for (auto it = fs::directory_iterator(proc / "fd", ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    ++s.fds;
  }
  // utime and stime are fields 14 and 15; the command name before them may hold spaces.
  std::string stat = read_all(proc / "stat");
  size_t close = stat.rfind(')');
  if (close != std::string::npos) {
    std::istringstream fields(stat.substr(close + 2));
    std::string field;
    unsigned long long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && fields >> field; ++i) {
      if (i == 14) utime = std::stoull(field);
      if (i == 15) stime = std::stoull(field);
    }
    s.cpu_seconds =
        static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
  }
  return s;
}

Result<int> ServerProcess::stop(std::chrono::seconds timeout) {
  if (!running_) return Status::io("the server is not running");
  ::kill(pid_, SIGTERM);
  SteadyTime deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (std::optional<int> code = exited(pid_)) {
      running_ = false;
      return *code;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling the exit
  }
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  running_ = false;
  return Status::io("the server did not stop within " + std::to_string(timeout.count()) +
                    " s and was killed");
}

struct ProcessSampler::Impl {
  const ServerProcess& process;
  std::chrono::milliseconds interval;
  SteadyTime start = std::chrono::steady_clock::now();
  std::mutex mu;
  std::condition_variable wake;
  bool stop = false;                   // GUARDED_BY(mu)
  std::vector<ProcessSample> samples;  // GUARDED_BY(mu)
  std::thread thread;

  void take() {
    Result<ProcessSample> s = process.sample();
    if (!s) return;
    s->at = seconds_between(start, std::chrono::steady_clock::now());
    std::lock_guard lock(mu);
    samples.push_back(*s);
  }
  void loop() {
    for (;;) {
      take();
      std::unique_lock lock(mu);
      if (wake.wait_for(lock, interval, [this] { return stop; })) return;
    }
  }
};

ProcessSampler::ProcessSampler(const ServerProcess& process, std::chrono::milliseconds interval)
    : impl_(new Impl{process, interval}) {
  impl_->thread = std::thread([this] { impl_->loop(); });
}

ProcessSampler::~ProcessSampler() { finish(); }

std::vector<ProcessSample> ProcessSampler::finish() {
  if (impl_->thread.joinable()) {
    {
      std::lock_guard lock(impl_->mu);
      impl_->stop = true;
    }
    impl_->wake.notify_all();
    impl_->thread.join();
    impl_->take();
  }
  std::lock_guard lock(impl_->mu);
  return impl_->samples;
}

}  // namespace liaison::bench
