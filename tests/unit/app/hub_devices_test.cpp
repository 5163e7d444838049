// Devices provisioned at a station hub (shared/app/hub_devices.h, schema/0006_hub_devices.sql):
// the station's hub_device record carries them to the district, whose registry then lets the
// same token sync directly; the replica a device runs and its hub contacts follow; a revocation
// at either end reaches the other and is never undone; a station cannot mint a device for
// another station's spokesperson or take over an existing device.
#include "shared/app/hub_devices.h"

#include <gtest/gtest.h>

#include "shared/app/devices.h"
#include "shared/app/spokespersons.h"
#include "tests/common/replica_fixture.h"
#include "tests/common/status_testing.h"

namespace liaison::app {
namespace {

class HubDevicesTest : public test::ReplicaFixture {
 protected:
  void SetUp() override {
    test::ReplicaSpec spec;
    spec.name = "district";
    spec.role = sync::Role::kDistrict;
    spec.station_id = "";
    district_ = &make(spec);
    station_ = &make("station", 2);
    SpokespersonInput in;
    in.name = "王芳";
    auto id = add_spokesperson(**station_, in);
    ASSERT_TRUE(id.is_ok()) << id.status().message();
    spokesperson_ = id.value();
  }

  // Station -> district and district -> station, as their syncs would.
  void exchange() {
    ASSERT_TRUE(test::exchange(**station_, **district_).is_ok());
    ASSERT_TRUE(test::exchange(**district_, **station_).is_ok());
  }

  DeviceAccess auth(test::TestReplica& r, const std::string& token) {
    auto a = authenticate(*r, token);
    EXPECT_TRUE(a.is_ok());
    return a.is_ok() ? a.value() : DeviceAccess{};
  }

  test::TestReplica* district_ = nullptr;
  test::TestReplica* station_ = nullptr;
  std::string spokesperson_;
};

TEST_F(HubDevicesTest, ADeviceProvisionedAtTheStationSyncsWithBothEnds) {
  ASSERT_OK_AND_ASSIGN(NewDevice d, add_device(**station_, {"", "", spokesperson_}));
  EXPECT_EQ(d.device.role, sync::Role::kSpokesperson);
  EXPECT_EQ(d.device.station.value_or(""), "S01");
  EXPECT_TRUE(auth(*station_, d.token).ok());
  EXPECT_FALSE(auth(*district_, d.token).ok());  // not there yet
  exchange();
  DeviceAccess at_district = auth(*district_, d.token);
  ASSERT_TRUE(at_district.ok());
  EXPECT_EQ(at_district.device->provisioned_by.value_or(""), "station S01");
  EXPECT_EQ(at_district.device->spokesperson.value_or(""), spokesperson_);
  EXPECT_FALSE(at_district.device->replica.has_value());

  // Its first hub contact binds its replica (record_contact notes it in the hub_device record),
  // and the district learns both.
  Uuid device_replica = test::fixed_uuid(0x77);
  ASSERT_TRUE(record_contact(**station_, d.device.id, {device_replica, "10.0.0.5:4000", 0}).is_ok());
  exchange();
  ASSERT_OK_AND_ASSIGN(std::optional<Device> bound, device_for_replica(**district_, device_replica));
  ASSERT_TRUE(bound.has_value());
  EXPECT_EQ(bound->id, d.device.id);
  EXPECT_TRUE(bound->last_seen_at.has_value());
  EXPECT_EQ(bound->last_address.value_or(""), "hub S01");
}

TEST_F(HubDevicesTest, ARevocationAtEitherEndReachesTheOtherAndStays) {
  ASSERT_OK_AND_ASSIGN(NewDevice a, add_device(**station_, {"", "", spokesperson_}));
  ASSERT_OK_AND_ASSIGN(NewDevice b, add_device(**station_, {"", "", spokesperson_}));
  exchange();
  ASSERT_TRUE(revoke_device(**district_, a.device.id).is_ok());  // a lost phone, told the district
  ASSERT_TRUE(revoke_device(**station_, b.device.id).is_ok());   // revoked at the station
  exchange();
  for (test::TestReplica* r : {station_, district_}) {
    EXPECT_EQ(auth(*r, a.token).refusal, DeviceRefusal::kRevoked);
    EXPECT_EQ(auth(*r, b.token).refusal, DeviceRefusal::kRevoked);
  }
  // A station that clears the revocation in its record changes nothing at the district.
  ASSERT_OK((**station_).write([&] {
    return (**station_).update(test::policy("hub_device"), a.device.id,
                               {{test::col(test::policy("hub_device"), "revoked_at"), Value{}}});
  }));
  exchange();
  EXPECT_EQ(auth(*district_, a.token).refusal, DeviceRefusal::kRevoked);
}

TEST_F(HubDevicesTest, AStationCannotMintADeviceForAnotherStationOrTakeOneOver) {
  // A district device, and a spokesperson of another station the district knows.
  ASSERT_OK_AND_ASSIGN(NewDevice district_device, add_device(**district_, {"district", "", ""}));
  const sync::TablePolicy& hub = test::policy("hub_device");
  auto forge = [&](const std::string& id, const std::string& station, const std::string& sp) {
    return (**station_).write([&]() -> Status {
      sync::Fields f = {{test::col(hub, "station_id"), station},
                        {test::col(hub, "spokesperson_id"), sp},
                        {test::col(hub, "token_hash"), std::string(64, 'a')},
                        {test::col(hub, "created_at"), std::string("2025-01-01T00:00:00Z")}};
      auto r = (**station_).insert(hub, std::move(f), id);
      return r.is_ok() ? Status{} : r.status();
    });
  };
  ASSERT_OK(forge(district_device.device.id, "S01", spokesperson_));  // takeover attempt
  ASSERT_OK(forge("00000000-0000-7000-8000-000000000001", "S01", "SP-OF-S02"));
  ASSERT_TRUE(test::exchange(**station_, **district_).is_ok());
  // The district device keeps its own token and role; no device for the foreign spokesperson.
  EXPECT_TRUE(auth(*district_, district_device.token).ok());
  ASSERT_OK_AND_ASSIGN(std::vector<Device> all, list_devices(**district_));
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].role, sync::Role::kDistrict);
}

}  // namespace
}  // namespace liaison::app
