// Connections held open alongside the syncing devices of the load generator, so that the server
// carries a thousand open connections as well as the syncs: each one a TCP connection to
// 127.0.0.1 whose WebSocket upgrade completed (offering permessage-deflate, as the client does),
// then silent but for a ping every 15 s, within the server's 60 s idle timeout. The server has
// run on_open for each (a protocol session waiting for HELLO); none of them authenticates.
// Linux; not thread-safe.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "shared/util/status.h"

namespace liaison::bench {

class IdleConnections {
 public:
  // Opens count connections to 127.0.0.1:port, upgrading each on path, one after the other. An
  // error when one cannot be opened or is refused (the ones already open are closed).
  static Result<std::unique_ptr<IdleConnections>> open(uint16_t port, const std::string& path,
                                                       size_t count);
  // Closes what is still open.
  ~IdleConnections();
  IdleConnections(const IdleConnections&) = delete;
  IdleConnections& operator=(const IdleConnections&) = delete;

  size_t count() const { return fds_.size(); }
  // Stops the pings and closes every connection. Returns how many the server had closed
  // before (none should be). Later calls return 0.
  size_t close();

 private:
  IdleConnections() = default;
  void keep_alive();
  size_t drop_closed();  // closes the connections the server closed; returns how many

  std::vector<int> fds_;  // -1 once closed
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;  // GUARDED_BY(mu_)
  size_t lost_ = 0;    // the pinger's while it runs, then close()'s
  std::thread pinger_;
};

}  // namespace liaison::bench
