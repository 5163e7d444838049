// Test helpers for running the real programs: run(), which starts a program in a directory with
// posix_spawn and returns its exit status, stdout and stderr, and Background. The temporary
// directory the tests run them in is TempDir (tests/common/temp_dir.h). Not thread-safe.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "tests/common/temp_dir.h"

extern char** environ;

namespace liaison::test {

struct RunResult {
  int exit_code = -1;  // -1: could not start, or killed (signal or deadline)
  std::string out, err;
};

namespace detail {

// The environment of this process without the variables that would point the programs at
// another database, plus extra.
inline std::vector<std::string> child_env(const std::map<std::string, std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string kv = *e;
    std::string key = kv.substr(0, kv.find('='));
    if (key == "LIAISON_DB" || key == "LIAISON_SERVER_DB" || extra.count(key)) continue;
    env.push_back(kv);
  }
  for (const auto& [k, v] : extra) env.push_back(k + "=" + v);
  return env;
}

inline std::vector<char*> c_strings(std::vector<std::string>& v) {
  std::vector<char*> out;
  for (std::string& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Reads both pipes until they close or the deadline passes; false on the deadline.
inline bool drain(int out_fd, int err_fd, RunResult& r, std::chrono::steady_clock::time_point end) {
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  std::string* sinks[2] = {&r.out, &r.err};
  int open_fds = 2;
  while (open_fds > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        end - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    int n = ::poll(fds, 2, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buf[65536];
      ssize_t got = ::read(fds[i].fd, buf, sizeof buf);
      if (got > 0) {
        sinks[i]->append(buf, static_cast<size_t>(got));
      } else if (got == 0 || errno != EINTR) {
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  return true;
}

}  // namespace detail

// Runs argv (argv[0] an absolute path) in dir with the extra environment variables and the file
// stdin_path (when given) as standard input; gives up and kills the program after timeout.
inline RunResult run(std::vector<std::string> argv, const std::string& dir,
                     const std::map<std::string, std::string>& extra_env = {},
                     std::chrono::seconds timeout = std::chrono::seconds(60),
                     const std::string& stdin_path = "") {
  RunResult r;
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return r;
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    return r;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  if (!stdin_path.empty())
    posix_spawn_file_actions_addopen(&actions, 0, stdin_path.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addchdir_np(&actions, dir.c_str());
  std::vector<std::string> env = detail::child_env(extra_env);
  std::vector<char*> c_argv = detail::c_strings(argv);
  std::vector<char*> c_env = detail::c_strings(env);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, c_argv[0], &actions, nullptr, c_argv.data(), c_env.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  bool finished = rc == 0 &&
                  detail::drain(out_pipe[0], err_pipe[0], r, std::chrono::steady_clock::now() + timeout);
  ::close(out_pipe[0]);
  ::close(err_pipe[0]);
  if (rc != 0) return r;
  if (!finished) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  r.exit_code = finished && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// A program started in the background in dir (argv[0] an absolute path), its stdout and stderr
// appended to log, for tests that stop programs at chosen moments (kill -9). Killed and reaped
// when destroyed if still running. Not thread-safe.
class Background {
 public:
  Background(std::vector<std::string> argv, const std::string& dir, const std::string& log) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    posix_spawn_file_actions_addchdir_np(&actions, dir.c_str());
    std::vector<std::string> env = detail::child_env({});
    std::vector<char*> c_argv = detail::c_strings(argv);
    std::vector<char*> c_env = detail::c_strings(env);
    if (posix_spawn(&pid_, c_argv[0], &actions, nullptr, c_argv.data(), c_env.data()) != 0)
      pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
  }
  ~Background() { kill9(); }
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;

  bool started() const { return pid_ > 0; }
  // Waits until the program exits, at most timeout; true when it has (exit_code() is then set).
  // Sleeps in poll() on a pidfd, so it returns the moment the program ends.
  bool wait_exit(std::chrono::milliseconds timeout) {
    if (pid_ <= 0) return true;
    int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
    if (fd >= 0) {
      pollfd p{fd, POLLIN, 0};
      int n = ::poll(&p, 1, static_cast<int>(timeout.count()));
      ::close(fd);
      if (n == 0) return false;
    }
    return reap(0);
  }
  // SIGKILL, then reaps: the program gets no chance to finish anything.
  void kill9() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    reap(0);
  }
  // The exit status once it exited normally; -1 when killed by a signal or still running.
  int exit_code() const { return exit_code_; }

 private:
  bool reap(int flags) {
    int status = 0;
    pid_t r;
    while ((r = ::waitpid(pid_, &status, flags)) < 0 && errno == EINTR) {
    }
    if (r != pid_) return false;
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    pid_ = -1;
    return true;
  }

  pid_t pid_ = -1;
  int exit_code_ = -1;
};

}  // namespace liaison::test
