// FaultProxy: a TCP proxy for tests and benchmarks that puts a bad network between a client and
// a server. It listens (on loopback by default), connects every accepted client to the target,
// relays bytes both ways and applies the faults of a FaultConfig (fault_config.h): cuts after a
// number of bytes or periodically, stalls, delays, fragmented writes and a bandwidth limit. It
// counts the bytes relayed each way, per connection and in total.
//
// Threads: start() runs one I/O thread of its own; the proxy's sockets, timers and link state
// live there only. Every public method may be called from any other thread; counters are read
// atomically (a snapshot is not taken at one instant). Never call stop() from the proxy's
// thread (there is no callback that runs there).
//
// Back-pressure: each direction of a connection holds at most max_queued bytes read but not yet
// written (on a slow link less: what it carries in its delay plus a quarter second); above that
// the proxy stops reading that side, as a slow link would.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "shared/util/status.h"
#include "tools/faultproxy/fault_config.h"

namespace liaison::faultproxy {

struct ProxyOptions {
  std::string listen_host = "127.0.0.1";
  uint16_t listen_port = 0;  // 0: any free port; port() tells which
  std::string target_host = "127.0.0.1";
  uint16_t target_port = 0;
  FaultConfig faults;
  size_t max_queued = size_t{1} << 20;  // per direction of a connection
};

// Why a connection was cut.
enum class CutCause { kNone, kUpBytes, kDownBytes, kPeriodic, kManual };
const char* cut_cause_name(CutCause cause);

// One turn of a conversation: a run of bytes relayed one way with none relayed the other way in
// between. For a request-response protocol each turn is one message (or one batch of them), so
// the turns tell where the messages end.
struct Turn {
  bool up = false;   // the direction of the turn
  uint64_t end = 0;  // bytes relayed that way since the connection began, at the turn's end
};

struct ConnectionStats {
  uint64_t number = 0;      // 1-based, in accept order
  uint64_t bytes_up = 0;    // relayed to the target
  uint64_t bytes_down = 0;  // relayed to the client
  bool open = false;        // still relaying (or connecting)
  bool connect_failed = false;
  CutCause cut = CutCause::kNone;
  std::vector<Turn> turns;  // in order; the first kMaxTurns only
  static constexpr size_t kMaxTurns = 4096;
  // Where each WebSocket data message read from each side ends (ws_meter.h), in bytes of its
  // direction: what was read, which after a cut may be more than was relayed. The first
  // kMaxMessages only.
  std::vector<uint64_t> messages_up, messages_down;
  static constexpr size_t kMaxMessages = 65536;
};

struct ProxyStats {
  uint64_t accepted = 0;
  uint64_t open = 0;
  uint64_t cuts = 0;              // connections ended by a fault (any CutCause)
  uint64_t connect_failures = 0;  // the target could not be reached
  uint64_t bytes_up = 0, bytes_down = 0;
};

class FaultProxy {
 public:
  // Checks the configuration, resolves the target, binds and listens, then starts the thread.
  // On failure (a bad configuration, an unresolvable target, an address in use) returns the
  // reason and starts nothing.
  static Result<std::unique_ptr<FaultProxy>> start(ProxyOptions options);
  // Stops (see stop()).
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  uint16_t port() const;

  // Replaces the faults for connections accepted from now on (open ones keep theirs); the
  // periodic cut restarts from now. InvalidArgument (nothing changes) for a bad configuration.
  Status set_faults(const FaultConfig& faults);
  FaultConfig faults() const;

  // Cuts every open connection now (CutCause::kManual). Returns without waiting for it.
  void cut_all();

  ProxyStats stats() const;
  // Every connection accepted so far, in accept order.
  std::vector<ConnectionStats> connections() const;

  // Closes the listener and every connection and joins the thread. Safe to call more than once.
  void stop();

 private:
  struct Impl;
  explicit FaultProxy(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace liaison::faultproxy
