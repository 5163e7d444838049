#include "tools/bench/load_idle.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include <fmt/format.h>

namespace liaison::bench {

namespace {

constexpr auto kPingEvery = std::chrono::seconds(15);

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// Connects and completes the upgrade; the descriptor, or an error.
Result<int> upgrade(uint16_t port, const std::string& path) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::io(fmt::format("socket: {}", std::strerror(errno)));
  timeval timeout{10, 0};  // the upgrade's answer; the server's handshake timeout is 10 s too
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string request = fmt::format(
      "GET {} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
      "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n",
      path, port);
  std::string answer;
  char buf[1024];
  bool sent = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0 &&
              ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
                  static_cast<ssize_t>(request.size());
  while (sent && answer.find("\r\n\r\n") == std::string::npos && answer.size() < 8192) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    answer.append(buf, static_cast<size_t>(n));
  }
  if (answer.rfind("HTTP/1.1 101", 0) != 0 || answer.find("\r\n\r\n") == std::string::npos) {
    int err = errno;
    close_fd(fd);
    return Status::io(fmt::format("an idle connection was not upgraded: {}",
                                  answer.empty() ? std::strerror(err) : answer.substr(0, 40)));
  }
  return fd;
}

}  // namespace

Result<std::unique_ptr<IdleConnections>> IdleConnections::open(uint16_t port,
                                                               const std::string& path,
                                                               size_t count) {
  std::unique_ptr<IdleConnections> c(new IdleConnections());
  for (size_t i = 0; i < count; ++i) {
    LIAISON_ASSIGN_OR_RETURN(int fd, upgrade(port, path));  // c's destructor closes the others
    c->fds_.push_back(fd);
  }
  c->pinger_ = std::thread([p = c.get()] { p->keep_alive(); });
  return c;
}

IdleConnections::~IdleConnections() { close(); }

size_t IdleConnections::drop_closed() {
  size_t dropped = 0;
  char buf[256];
  for (int& fd : fds_) {
    if (fd < 0) continue;
    ssize_t n = 0;
    while ((n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT)) > 0) {
    }  // the server's pongs
    if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
      close_fd(fd);
      ++dropped;
    }
  }
  return dropped;
}

void IdleConnections::keep_alive() {
  // A masked ping with no payload: FIN and opcode 9, then the mask bit and length 0, the key.
  const unsigned char ping[] = {0x89, 0x80, 0x4c, 0x49, 0x41, 0x53};
  for (;;) {
    {
      std::unique_lock lock(mu_);
      if (wake_.wait_for(lock, kPingEvery, [this] { return stop_; })) return;
    }
    lost_ += drop_closed();
    for (int fd : fds_) {
      if (fd >= 0) ::send(fd, ping, sizeof ping, MSG_NOSIGNAL | MSG_DONTWAIT);
    }
  }
}

size_t IdleConnections::close() {
  if (pinger_.joinable()) {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    wake_.notify_all();
    pinger_.join();
    lost_ += drop_closed();
  }
  for (int& fd : fds_) close_fd(fd);
  size_t lost = lost_;
  lost_ = 0;
  return lost;
}

}  // namespace liaison::bench
