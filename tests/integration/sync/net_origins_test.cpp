// Origins bound to devices, over the network with the district's real device registry
// (service::DeviceAuthenticator): a device's vector names only the origins whose changes it may
// see, however many devices the district has; the district still counts the others as
// acknowledged by it (so they never hold compaction back); and a device cannot push changes
// under another device's origin, which would otherwise make the district take that device's
// real changes for duplicates.
#include <gtest/gtest.h>

#include "shared/app/reference.h"
#include "shared/sync/watermarks.h"
#include "tests/common/replica_fixture.h"
#include "tests/common/temp_dir.h"
#include "tests/common/status_testing.h"
#include "tests/integration/sync/net_fixture.h"

namespace liaison {
namespace {

using sync::Replica;
using sync::Role;

using Device = test::TestDevice;

class NetOriginsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(district_.ok());
    for (const char* s : {"S01", "S02"}) {
      app::StationInput in;
      in.id = s;
      in.name = std::string("站") + s;
      ASSERT_OK(app::add_station(district_.replica(), in));
    }
    for (const char* sp : {"SP1", "SP2"}) {
      ASSERT_OK(test::insert_row(district_.replica(), "spokesperson",
                                   {{"station_id", std::string("S01")},
                                    {"name", std::string("代言员") + sp},
                                    {"created_at", std::string("2025-01-01T00:00:00Z")}},
                                   sp));
    }
    add("s01", Role::kStation, "S01", "");
    add("s02", Role::kStation, "S02", "");
    add("sp1", Role::kSpokesperson, "S01", "SP1");
    add("sp2", Role::kSpokesperson, "S01", "SP2");
    ASSERT_TRUE(district_.start().is_ok());
  }

  void add(const std::string& name, Role role, const std::string& station, const std::string& sp) {
    auto token = district_.add_device(sync::role_name(role), station, sp);
    ASSERT_OK(token);
    auto r = Replica::create(dir_.file(name + ".db"), {Uuid{}, role, station, sp});
    ASSERT_OK(r);
    devices_.push_back({name, token.value(), std::move(r).value()});
  }

  Device& device(const std::string& name) {
    for (Device& d : devices_)
      if (d.name == name) return d;
    throw std::logic_error("no device " + name);
  }

  Result<service::SyncResult> sync(Device& d) {
    std::string url = "ws://127.0.0.1:" + std::to_string(district_.port()) + "/sync";
    return service::sync_with_server(*d.replica, test::once(url, d.token));
  }

  static Result<std::string> opinion(Device& d, const std::string& station, const Value& sp) {
    return test::insert_row(*d.replica, "opinion",
                            {{"station_id", station},
                             {"recorded_by", d.id().str()},
                             {"spokesperson_id", sp},
                             {"at", std::string("2025-03-01T09:00:00Z")},
                             {"matter", std::string("村口路灯不亮。")},
                             {"voter", std::string("李四")},
                             {"source", std::string("visit")},
                             {"created_at", std::string("2025-03-01T09:00:00Z")}});
  }

  test::TempDir dir_;
  test::ServedDistrict district_{dir_.file("district.db")};
  std::vector<Device> devices_;
};

TEST_F(NetOriginsTest, AVectorNamesOnlyTheOriginsTheDeviceMaySee) {
  for (Device& d : devices_) ASSERT_OK(sync(d));  // binds every replica to its device
  ASSERT_OK(opinion(device("s01"), "S01", Value{}));
  ASSERT_OK(opinion(device("s02"), "S02", Value{}));
  ASSERT_OK(opinion(device("sp1"), "S01", std::string("SP1")));
  ASSERT_OK(opinion(device("sp2"), "S01", std::string("SP2")));
  for (int round = 0; round < 2; ++round)
    for (Device& d : devices_) ASSERT_OK(sync(d));

  auto names = [](Device& d, Device& other) { return d.replica->version_vector().count(other.id()); };
  // Another station's devices are never named.
  for (const char* s01 : {"s01", "sp1", "sp2"}) {
    EXPECT_EQ(names(device("s02"), device(s01)), 0u) << s01;
    EXPECT_EQ(names(device(s01), device("s02")), 0u) << s01;
  }
  // Nor, for a spokesperson's device, another spokesperson's; its station's device is.
  EXPECT_EQ(names(device("sp1"), device("sp2")), 0u);
  EXPECT_EQ(names(device("sp2"), device("sp1")), 0u);
  EXPECT_EQ(names(device("sp1"), device("s01")), 1u);
  // The station sees its spokespersons' records, so it names their devices.
  EXPECT_EQ(names(device("s01"), device("sp1")), 1u);
  EXPECT_EQ(names(device("s01"), device("sp2")), 1u);
  // Each station has its own records and its spokespersons' (two at S01), nothing else.
  EXPECT_EQ(test::query_count(*device("s01").replica, "SELECT COUNT(*) FROM opinion"), 3);
  EXPECT_EQ(test::query_count(*device("s02").replica, "SELECT COUNT(*) FROM opinion"), 1);
  EXPECT_EQ(test::query_count(*device("sp1").replica, "SELECT COUNT(*) FROM opinion"), 1);

  // The district counts what a device can never see as acknowledged by it.
  district_.stop();
  Device& s02 = device("s02");
  auto has = sync::peer_vector(district_.replica(), s02.device_id());
  ASSERT_OK(has);
  ASSERT_TRUE(has.value().has_value());
  sync::VersionVector acknowledged = *has.value();
  for (const char* s01 : {"s01", "sp1", "sp2"})
    EXPECT_EQ(acknowledged[device(s01).id()], 1u) << s01;
}

TEST_F(NetOriginsTest, ADeviceCannotPushUnderAnotherDevicesOrigin) {
  for (Device& d : devices_) ASSERT_OK(sync(d));
  Device& s01 = device("s01");
  Device& s02 = device("s02");
  // S01 makes a record it has not synced yet; S02 gets a copy of that change (a USB stick, a
  // forged file) and pushes it as if relaying it.
  ASSERT_OK(opinion(s01, "S02", Value{}));  // even a record of S02's own station
  ASSERT_TRUE(test::exchange(*s01.replica, *s02.replica).is_ok());
  auto pushed = sync(s02);
  ASSERT_OK(pushed);
  EXPECT_EQ(pushed->summary.pushed, 0u);
  EXPECT_EQ(pushed->summary.refused, 1u);
  district_.stop();
  EXPECT_EQ(test::query_count(district_.replica(),
                              "SELECT COUNT(*) FROM _refused WHERE reason = 'forged_origin'"),
            1);
  EXPECT_EQ(test::query_count(district_.replica(), "SELECT COUNT(*) FROM opinion"), 0);
  EXPECT_EQ(district_.replica().version_vector()[s01.id()], 0u);
  // The real origin's change is then applied, not taken for a duplicate (and refused there on
  // its merits: S01 may not write S02's records).
  ASSERT_TRUE(district_.start().is_ok());
  auto real = sync(s01);
  ASSERT_OK(real);
  EXPECT_EQ(real->summary.refused, 1u);
  district_.stop();
  auto reasons = test::query_count(district_.replica(),
                                   "SELECT COUNT(*) FROM _refused WHERE reason = 'other_station'");
  EXPECT_EQ(reasons, 1);
}

}  // namespace
}  // namespace liaison
