// Devices and tokens: the token's format and entropy, that only its hash is stored,
// authentication with right, wrong, malformed and revoked tokens, and the replica binding.
#include "shared/app/devices.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <regex>
#include <set>
#include <string>

#include "shared/app/compaction.h"
#include "shared/app/reference.h"
#include "shared/app/tables.h"
#include "tests/common/replica_fixture.h"
#include "tests/common/status_testing.h"
#include "shared/sync/watermarks.h"

namespace liaison::app {
namespace {

std::string sha256_hex(const std::string& text) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), md, &len, EVP_sha256(), nullptr);
  std::string out;
  for (unsigned int i = 0; i < len; ++i) out += fmt::format("{:02x}", md[i]);
  return out;
}

std::string secret_of(const std::string& token) { return token.substr(token.rfind('.') + 1); }

class DevicesTest : public test::ReplicaFixture {
 protected:
  void SetUp() override {
    test::ReplicaSpec spec;
    spec.name = "district";
    spec.role = sync::Role::kDistrict;
    spec.station_id = "";
    district_ = &make(spec);
    for (const char* id : {"S1", "S2"})
      ASSERT_OK(add_station(d(), StationInput{id, "联络站", "", "", "", ""}));
    const sync::TablePolicy& t = table_named("spokesperson");
    ASSERT_OK(d().write([&]() -> Status {
      FieldList f(t);
      f.set("station_id", std::string("S1")).set("name", std::string("张代言员"));
      f.set("created_at", d().now_iso());
      auto id = d().insert(t, f.fields(), "P1");
      return id ? Status{} : id.status();
    }));
  }

  sync::Replica& d() { return **district_; }

  NewDevice add(const DeviceInput& in) {
    auto r = add_device(d(), in);
    EXPECT_OK(r);
    return r ? r.value() : NewDevice{};
  }

  DeviceAccess auth(const std::string& token) {
    auto r = authenticate(d(), token);
    EXPECT_OK(r);
    return r ? r.value() : DeviceAccess{};
  }

  DeviceAccess contact(const std::string& device, const Uuid& replica, int64_t skew = 0) {
    auto r = record_contact(d(), device, {replica, "192.0.2.7:50000", skew});
    EXPECT_OK(r);
    return r ? r.value() : DeviceAccess{};
  }

  test::TestReplica* district_ = nullptr;
};

TEST_F(DevicesTest, TokensHaveTheDocumentedFormatAnd160RandomBits) {
  static const std::regex kToken(
      "lt1\\.([0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})"
      "\\.([a-z2-7]{32})");
  std::set<std::string> secrets;
  for (int i = 0; i < 20; ++i) {
    NewDevice added = add({"station", "S1", ""});
    std::smatch m;
    ASSERT_TRUE(std::regex_match(added.token, m, kToken)) << added.token;
    EXPECT_EQ(m[1].str(), added.device.id);
    // 32 base32 characters carry 5 bits each: 160 bits, from 20 random bytes.
    EXPECT_EQ(m[2].str().size() * 5, 160u);
    secrets.insert(m[2].str());
  }
  EXPECT_EQ(secrets.size(), 20u);
}

TEST_F(DevicesTest, OnlyTheHashOfTheSecretIsStored) {
  NewDevice added = add({"", "S1", "P1"});
  std::string secret = secret_of(added.token);
  {
    ASSERT_OK_AND_ASSIGN(storage::Stmt q,
                         d().db().prepare("SELECT token_hash FROM _device WHERE device_id = ?"));
    q.bind(1, added.device.id);
    ASSERT_OK_AND_ASSIGN(bool row, q.step());
    ASSERT_TRUE(row);
    EXPECT_EQ(q.column_text(0), sha256_hex(secret));
  }
  // Nothing on disk holds the secret: not the database, not its write-ahead log.
  ASSERT_OK(district_->reopen());
  for (const char* suffix : {"", "-wal", "-journal"}) {
    std::string bytes = test::read_file_bytes(district_->path + suffix);
    EXPECT_EQ(bytes.find(secret), std::string::npos) << suffix;
    EXPECT_EQ(bytes.find(added.token), std::string::npos) << suffix;
  }
  EXPECT_NE(test::read_file_bytes(district_->path).find(sha256_hex(secret)), std::string::npos);
}

TEST_F(DevicesTest, AuthenticateChecksTheWholeToken) {
  NewDevice added = add({"station", "S1", ""});
  DeviceAccess good = auth(added.token);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(good.device->id, added.device.id);
  EXPECT_EQ(good.device->role, sync::Role::kStation);
  EXPECT_EQ(good.device->station, "S1");

  std::string wrong = added.token;
  wrong.back() = wrong.back() == 'a' ? 'b' : 'a';
  EXPECT_EQ(auth(wrong).refusal, DeviceRefusal::kWrongSecret);
  std::string unknown = "lt1." + d().new_id() + "." + secret_of(added.token);
  EXPECT_EQ(auth(unknown).refusal, DeviceRefusal::kUnknown);
  for (const std::string& bad :
       {std::string(), std::string("lt1."), added.token + "a", added.token.substr(1),
        "lt2" + added.token.substr(3), added.token.substr(0, added.token.size() - 1) + "1",
        added.token.substr(0, added.token.size() - 1) + "A",
        "lt1.not-a-uuid-at-all-but-36-chars-lo." + secret_of(added.token)}) {
    DeviceAccess a = auth(bad);
    EXPECT_FALSE(a.ok()) << bad;
    EXPECT_EQ(a.refusal, DeviceRefusal::kMalformed) << bad;
  }
  EXPECT_STREQ(device_refusal_name(DeviceRefusal::kWrongSecret), "wrong_secret");
}

TEST_F(DevicesTest, RevocationTakesEffectOnTheNextCheckAndIsIdempotent) {
  NewDevice added = add({"station", "S1", ""});
  ASSERT_TRUE(auth(added.token).ok());
  // Revoked by another process (another connection to the same file), as the CLI does.
  {
    ASSERT_OK_AND_ASSIGN(auto other, sync::Replica::open(district_->path));
    ASSERT_OK_AND_ASSIGN(Device revoked, revoke_device(*other, added.device.id));
    EXPECT_TRUE(revoked.revoked_at.has_value());
  }
  EXPECT_EQ(auth(added.token).refusal, DeviceRefusal::kRevoked);
  EXPECT_EQ(contact(added.device.id, test::fixed_uuid(1)).refusal, DeviceRefusal::kRevoked);
  ASSERT_OK_AND_ASSIGN(Device first, revoke_device(d(), added.device.id));
  district_->clock.advance(60'000);
  ASSERT_OK_AND_ASSIGN(Device again, revoke_device(d(), added.device.id));
  EXPECT_EQ(again.revoked_at, first.revoked_at);
  EXPECT_CODE(revoke_device(d(), "no-such-device"), Code::kNotFound);
}

TEST_F(DevicesTest, TheFirstContactBindsTheReplica) {
  NewDevice a = add({"station", "S1", ""});
  NewDevice b = add({"", "S1", "P1"});
  Uuid ra = test::fixed_uuid(0xa1), rb = test::fixed_uuid(0xb2);

  DeviceAccess first = contact(a.device.id, ra, -1500);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first.device->replica, ra.str());
  EXPECT_EQ(first.device->syncs, 1);
  EXPECT_EQ(first.device->clock_skew_ms, -1500);
  EXPECT_EQ(first.device->last_address, "192.0.2.7:50000");
  EXPECT_TRUE(first.device->last_seen_at.has_value());
  ASSERT_OK_AND_ASSIGN(auto again, record_contact(d(), a.device.id, {ra, "192.0.2.8:1", {}}));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.device->syncs, 2);
  EXPECT_EQ(again.device->clock_skew_ms, -1500) << "an unknown skew keeps the last one";

  // The token copied to a second machine: refused, nothing recorded.
  EXPECT_EQ(contact(a.device.id, rb).refusal, DeviceRefusal::kOtherReplica);
  // Another device may not claim a bound replica, nor the server's own.
  EXPECT_EQ(contact(b.device.id, ra).refusal, DeviceRefusal::kReplicaTaken);
  EXPECT_EQ(contact(b.device.id, d().info().id).refusal, DeviceRefusal::kReplicaTaken);
  EXPECT_EQ(contact(b.device.id, Uuid{}).refusal, DeviceRefusal::kMalformed);
  EXPECT_EQ(contact("no-such-device", rb).refusal, DeviceRefusal::kUnknown);
  ASSERT_OK_AND_ASSIGN(std::vector<Device> all, list_devices(d()));
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].syncs, 2);
  EXPECT_EQ(all[0].replica, ra.str());
  EXPECT_EQ(all[1].syncs, 0);
  EXPECT_FALSE(all[1].replica.has_value());

  ASSERT_OK_AND_ASSIGN(std::optional<Device> bound, device_for_replica(d(), ra));
  ASSERT_TRUE(bound.has_value());
  EXPECT_EQ(bound->id, a.device.id);
  // Once the first device is revoked, its replica may be bound to a new one.
  ASSERT_OK(revoke_device(d(), a.device.id));
  ASSERT_OK_AND_ASSIGN(bound, device_for_replica(d(), ra));
  EXPECT_FALSE(bound.has_value());
  EXPECT_TRUE(contact(b.device.id, ra).ok());
}

TEST_F(DevicesTest, ScopesFollowTheDevice) {
  NewDevice s = add({"", "S1", "P1"});
  ASSERT_TRUE(contact(s.device.id, test::fixed_uuid(0x77)).ok());
  ASSERT_OK_AND_ASSIGN(auto now, authenticate(d(), s.token));
  ASSERT_TRUE(now.ok());
  ASSERT_OK_AND_ASSIGN(sync::DeviceScope scope, device_scope(*now.device));
  EXPECT_EQ(scope.role, sync::Role::kSpokesperson);
  EXPECT_EQ(scope.station_id, "S1");
  EXPECT_EQ(scope.spokesperson_id, "P1");
  EXPECT_EQ(scope.replica_id, test::fixed_uuid(0x77));
  ASSERT_OK_AND_ASSIGN(sync::DeviceScope district, device_scope(add({"district", "", ""}).device));
  EXPECT_EQ(district.role, sync::Role::kDistrict);
  EXPECT_TRUE(district.replica_id.is_nil());
}

TEST_F(DevicesTest, BadInputChangesNothing) {
  const std::vector<std::pair<DeviceInput, std::string>> bad = {
      {{"admin", "S1", ""}, "err.bad_role"},
      {{"station", "", ""}, "err.device_station"},
      {{"station", "S9", ""}, "err.unknown_station"},
      {{"spokesperson", "S1", ""}, "err.device_spokesperson"},
      {{"station", "S1", "P1"}, "err.device_spokesperson_only"},
      {{"district", "S1", ""}, "err.device_district_station"},
      {{"", "S2", "P1"}, "err.spokesperson_station"},
      {{"", "S1", "has space"}, "err.bad_id"},
  };
  for (const auto& [in, key] : bad) {
    auto r = add_device(d(), in);
    ASSERT_FALSE(r.is_ok()) << key;
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument) << key;
    EXPECT_EQ(r.status().key(), key);
  }
  ASSERT_OK_AND_ASSIGN(std::vector<Device> none, list_devices(d()));
  EXPECT_TRUE(none.empty());
  // A spokesperson the district has not received yet is accepted.
  EXPECT_TRUE(add_device(d(), {"", "S1", "P9"}).is_ok());

  // A station hub provisions only its own spokespersons' devices (hub_devices_test.cpp).
  test::TestReplica& station = make("station");
  EXPECT_EQ(add_device(*station, {"station", "S01", ""}).status().key(), "err.hub_spokesperson_only");
  EXPECT_EQ(add_device(*station, {"", "S02", "P1"}).status().key(), "err.hub_own_station");
  EXPECT_EQ(add_device(*station, {"", "", "P9"}).status().key(), "err.unknown_spokesperson");
  ASSERT_OK_AND_ASSIGN(std::vector<Device> at_station, list_devices(*station));
  EXPECT_TRUE(at_station.empty());
  test::ReplicaSpec spec;
  spec.name = "spokesperson";
  spec.role = sync::Role::kSpokesperson;
  test::TestReplica& sp = make(spec);
  EXPECT_CODE(add_device(*sp, {"", "", "P1"}), Code::kPermissionDenied);
}

TEST_F(DevicesTest, CompactionKeepsWhatALiveDeviceHasNotAcknowledged) {
  // The district's log holds two stations and a spokesperson (three changes of its own origin).
  Uuid me = d().info().id;
  NewDevice away = add({"station", "S1", ""});
  NewDevice current = add({"station", "S2", ""});
  add({"station", "S2", ""});  // never synced: holds nothing back
  ASSERT_OK(sync::record_peer_vector(d(), away.device.id, {{me, 1}}));
  ASSERT_OK(sync::record_peer_vector(d(), current.device.id, {{me, 3}}));
  ASSERT_OK_AND_ASSIGN(Compaction c, compact_change_log(d()));
  EXPECT_EQ(c.removed, 1u);
  EXPECT_EQ(c.kept, 2);
  EXPECT_EQ(c.devices, 3);
  // Once the device that was away is revoked, nothing holds the rest.
  ASSERT_OK(revoke_device(d(), away.device.id));
  ASSERT_OK_AND_ASSIGN(c, compact_change_log(d()));
  EXPECT_EQ(c.removed, 2u);
  EXPECT_EQ(c.kept, 0);
  EXPECT_EQ(d().compacted().at(me), 3u);
}

}  // namespace
}  // namespace liaison::app
