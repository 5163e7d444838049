// Helpers for the network sync tests: a district replica served by a real SyncServer on
// 127.0.0.1 port 0 that can be stopped (so the test may read the replica) and started again,
// rows written through change capture by column name (as an honest or a forged device would),
// and a deadline-bound poll_until. Not thread-safe: one test thread drives everything.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "shared/app/devices.h"
#include "shared/service/sync_client.h"
#include "shared/service/sync_server.h"
#include "shared/sync/replica.h"
#include "tests/common/poll.h"

namespace liaison::test {

using NamedFields = std::vector<std::pair<std::string, Value>>;

// Creates one row of table through Replica::write (id: a new UUIDv7 when empty); returns its id.
// Nothing checks the values against any scope: a device can forge whatever it likes this way.
Result<std::string> insert_row(sync::Replica& r, std::string_view table, const NamedFields& fields,
                               const std::string& id = {});
// Changes fields of an existing row through Replica::write.
Status update_row(sync::Replica& r, std::string_view table, const std::string& id,
                  const NamedFields& fields);
// The first column of the first row of sql as an integer; -1 when the query fails.
int64_t query_count(sync::Replica& r, const std::string& sql);

// A district replica in a file and the server that serves it while running.
class ServedDistrict {
 public:
  // Creates the replica (opens an existing one when create is false); check ok() after.
  explicit ServedDistrict(const std::string& path, bool create = true);
  ~ServedDistrict();

  bool ok() const { return replica_ != nullptr; }
  // REQUIRES: !running(), or only for reading state the server does not write (the caller
  // knows no sync is under way).
  sync::Replica& replica() { return *replica_; }

  // Starts a server on 127.0.0.1 port 0 with options (host and port are overridden).
  Status start(net::ServerOptions options = {});
  // Lets open syncs end (up to 2 s) and joins the server's threads; the replica is then the
  // test thread's again.
  void stop();
  bool running() const { return server_ != nullptr; }
  uint16_t port() const;
  service::SyncServer& server() { return *server_; }

  // Provisions a device. REQUIRES: !running().
  Result<std::string> add_device(const std::string& role, const std::string& station,
                                 const std::string& spokesperson = {});

 private:
  std::unique_ptr<sync::Replica> replica_;
  std::unique_ptr<service::SyncServer> server_;
};

// A device of a test: its name, its token and its replica.
struct TestDevice {
  std::string name, token;
  std::unique_ptr<sync::Replica> replica;
  Uuid id() const { return replica->info().id; }
  // The device id inside the token "lt1.<device>.<secret>".
  std::string device_id() const {
    size_t a = token.find('.') + 1;
    return token.substr(a, token.find('.', a) - a);
  }
};

// Sync options for url and token, failing at once instead of retrying (one attempt, whatever
// it moved).
service::SyncOptions once(const std::string& url, const std::string& token);

}  // namespace liaison::test
