// The district's audit log over the network (docs/protocol.md, "Audit log"): a station's sync
// leaves its session, its push with the range it covered, its pull and its end under its device
// and address; changes pushed under another device's origin or outside the device's scope are
// logged as refused with their reason; a wrong token is logged as an error with no device.
#include <gtest/gtest.h>

#include "shared/app/reference.h"
#include "tests/common/replica_fixture.h"
#include "tests/common/temp_dir.h"
#include "tests/common/status_testing.h"
#include "tests/integration/sync/net_fixture.h"

namespace liaison {
namespace {

using sync::Replica;
using sync::Role;

using Device = test::TestDevice;

// One _audit row as the test reads it.
struct AuditRow {
  std::string device, address, event, origin, table, reason, code;
  int64_t count = -1, seq_from = -1, seq_to = -1;
};

class NetAuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(district_.ok());
    for (const char* s : {"S01", "S02"}) {
      app::StationInput in;
      in.id = s;
      in.name = std::string("站") + s;
      ASSERT_OK(app::add_station(district_.replica(), in));
    }
    add("s01", "S01");
    add("s02", "S02");
    ASSERT_TRUE(district_.start().is_ok());
  }

  void add(const std::string& name, const std::string& station) {
    auto token = district_.add_device("station", station);
    ASSERT_OK(token);
    auto r = Replica::create(dir_.file(name + ".db"), {Uuid{}, Role::kStation, station, ""});
    ASSERT_OK(r);
    devices_.push_back({name, token.value(), std::move(r).value()});
  }

  Device& device(const std::string& name) {
    for (Device& d : devices_)
      if (d.name == name) return d;
    throw std::logic_error("no device " + name);
  }

  std::string url() const {
    return "ws://127.0.0.1:" + std::to_string(district_.port()) + "/sync";
  }
  Result<service::SyncResult> sync(Device& d) {
    return service::sync_with_server(*d.replica, test::once(url(), d.token));
  }

  static Result<std::string> opinion(Device& d, const std::string& station) {
    return test::insert_row(*d.replica, "opinion",
                            {{"station_id", station},
                             {"recorded_by", d.id().str()},
                             {"at", std::string("2025-03-01T09:00:00Z")},
                             {"matter", std::string("村口路灯不亮。")},
                             {"voter", std::string("李四")},
                             {"source", std::string("visit")},
                             {"created_at", std::string("2025-03-01T09:00:00Z")}});
  }

  // The audit log, oldest first. REQUIRES: the server is stopped.
  std::vector<AuditRow> audit(const std::string& where = "1") {
    std::vector<AuditRow> rows;
    auto q = district_.replica().db().prepare(
        "SELECT COALESCE(device_id, ''), COALESCE(address, ''), event, COALESCE(origin, ''), "
        "COALESCE(tbl, ''), COALESCE(reason, ''), COALESCE(code, ''), COALESCE(count, -1), "
        "COALESCE(seq_from, -1), COALESCE(seq_to, -1) FROM _audit WHERE " +
        where + " ORDER BY id");
    EXPECT_TRUE(q.is_ok()) << q.status().message();
    if (!q) return rows;
    while (true) {
      auto more = q->step();
      if (!more || !more.value()) break;
      rows.push_back({q->column_text(0), q->column_text(1), q->column_text(2),
                      q->column_text(3), q->column_text(4), q->column_text(5),
                      q->column_text(6), q->column_int(7), q->column_int(8), q->column_int(9)});
    }
    return rows;
  }

  test::TempDir dir_;
  test::ServedDistrict district_{dir_.file("district.db")};
  std::vector<Device> devices_;
};

TEST_F(NetAuditTest, ASyncIsLoggedUnderItsDeviceAndAddress) {
  Device& s01 = device("s01");
  ASSERT_OK(opinion(s01, "S01"));
  ASSERT_OK(opinion(s01, "S01"));
  auto done = sync(s01);
  ASSERT_OK(done);
  EXPECT_EQ(done->summary.pushed, 2u);
  district_.stop();

  std::vector<AuditRow> rows = audit();
  std::vector<std::string> events;
  for (const AuditRow& r : rows) {
    events.push_back(r.event);
    EXPECT_EQ(r.device, s01.device_id()) << r.event;
    EXPECT_EQ(r.address.rfind("127.0.0.1", 0), 0u) << r.address;
  }
  ASSERT_EQ(events, (std::vector<std::string>{"session", "push", "pull", "end"}));
  const AuditRow& push = rows[1];
  EXPECT_EQ(push.count, 2);
  EXPECT_EQ(push.origin, s01.id().str());
  EXPECT_EQ(push.seq_to - push.seq_from, 2);
  EXPECT_EQ(push.seq_to, static_cast<int64_t>(district_.replica().version_vector()[s01.id()]));
  EXPECT_EQ(rows[3].count, 2);  // applied in the session
  // Nothing else in the district's log of devices is touched: _audit is bookkeeping only.
  EXPECT_EQ(test::query_count(district_.replica(), "SELECT COUNT(*) FROM _audit"), 4);
}

TEST_F(NetAuditTest, RefusedChangesAreLoggedWithTheirReason) {
  for (Device& d : devices_) ASSERT_OK(sync(d));  // binds both replicas
  Device& s01 = device("s01");
  Device& s02 = device("s02");
  // S02 relays a copy of S01's change as if it were its own to carry: a forged origin.
  ASSERT_OK(opinion(s01, "S02"));  // and S01 writes a record of another station
  ASSERT_TRUE(test::exchange(*s01.replica, *s02.replica).is_ok());
  auto forged = sync(s02);
  ASSERT_OK(forged);
  EXPECT_EQ(forged->summary.refused, 1u);
  auto scoped = sync(s01);
  ASSERT_OK(scoped);
  EXPECT_EQ(scoped->summary.refused, 1u);
  district_.stop();

  std::vector<AuditRow> refused = audit("event = 'refused'");
  ASSERT_EQ(refused.size(), 2u);
  EXPECT_EQ(refused[0].device, s02.device_id());
  EXPECT_EQ(refused[0].reason, "forged_origin");
  EXPECT_EQ(refused[0].origin, s01.id().str());
  EXPECT_EQ(refused[0].table, "opinion");
  EXPECT_EQ(refused[1].device, s01.device_id());
  EXPECT_EQ(refused[1].reason, "other_station");
  EXPECT_EQ(refused[1].table, "opinion");
  // Each push that refused says so in its counts.
  EXPECT_EQ(test::query_count(district_.replica(),
                              "SELECT COUNT(*) FROM _audit WHERE event = 'push' AND refused = 1"),
            2);
}

TEST_F(NetAuditTest, AWrongTokenIsLoggedAsAnErrorWithNoDevice) {
  Device& s01 = device("s01");
  std::string wrong = s01.token.substr(0, s01.token.rfind('.') + 1) + std::string(32, 'a');
  auto refused = service::sync_with_server(*s01.replica, test::once(url(), wrong));
  EXPECT_FALSE(refused.is_ok());
  district_.stop();

  std::vector<AuditRow> rows = audit();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].event, "error");
  EXPECT_EQ(rows[0].code, "auth_failed");
  EXPECT_EQ(rows[0].device, "");
  EXPECT_EQ(rows[0].address.rfind("127.0.0.1", 0), 0u) << rows[0].address;
  EXPECT_EQ(test::query_count(district_.replica(),
                              "SELECT COUNT(*) FROM _audit WHERE replica = '" + s01.id().str() +
                                  "'"),
            1);
}

}  // namespace
}  // namespace liaison
