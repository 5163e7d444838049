// Sync bundles against real replicas and the district's real device registry: bundles and live
// syncs over WebSocket mix freely with no record lost or repeated; a spokesperson device syncs
// with its station by bundle, with the station's scope rules, and the station relays its
// records on; a revoked device or a copied token is refused with nothing changed; an answer too
// large for one bundle is completed by the next rounds; and an answer that could not be written
// is written by running the same import again.
#include <gtest/gtest.h>

#include <fstream>

#include "shared/app/attachments.h"
#include "shared/app/devices.h"
#include "shared/app/reference.h"
#include "shared/service/bundle_device.h"
#include "shared/service/bundle_hub.h"
#include "shared/sync/blob_store.h"
#include "shared/sync/protocol_client.h"
#include "shared/sync/watermarks.h"
#include "tests/common/temp_dir.h"
#include "tests/common/status_testing.h"
#include "tests/integration/sync/net_fixture.h"

namespace liaison {
namespace {

using sync::Replica;
using sync::Role;

using Device = test::TestDevice;

// What a refused import must leave as it was on the importing replica.
struct HubState {
  std::string digest;
  int64_t log = 0, refused = 0, contacts = 0;
  sync::VersionVector vv;
  bool operator==(const HubState&) const = default;
};

class NetBundleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(district_.ok());
    for (const char* s : {"S01", "S02"}) station(s);
  }

  void station(const std::string& id) {
    app::StationInput in;
    in.id = id;
    in.name = "站" + id;
    ASSERT_OK(app::add_station(district_.replica(), in));
  }

  // A device provisioned by the district (the token is also kept in the replica, as init does).
  Device& add(const std::string& name, Role role, const std::string& station,
              const std::string& sp = {}) {
    auto token = district_.add_device(sync::role_name(role), station, sp);
    EXPECT_TRUE(token.is_ok()) << token.status().message();
    return make(name, role, station, sp, token.is_ok() ? token.value() : "");
  }

  Device& make(const std::string& name, Role role, const std::string& station,
               const std::string& sp, const std::string& token) {
    auto r = Replica::create(dir_.file(name + ".db"), {Uuid{}, role, station, sp});
    EXPECT_TRUE(r.is_ok());
    devices_.push_back(std::make_unique<Device>(Device{name, token, std::move(r).value()}));
    EXPECT_TRUE(devices_.back()->replica->set_server("", token).is_ok());
    return *devices_.back();
  }

  std::string file(const std::string& name) const { return dir_.file(name); }

  // One bundle round: export, import at hub, import the answer. The names are those of the
  // request and answer files.
  Result<service::ImportedAnswer> round(Device& d, Replica& hub, const std::string& name,
                                        const service::BundleOptions& o = {}) {
    auto e = service::export_bundle(*d.replica, file(name + ".up"), o);
    if (!e) return e.status();
    auto h = service::import_request(hub, file(name + ".up"), file(name + ".down"), o);
    if (!h) return h.status();
    return service::import_answer(*d.replica, file(name + ".down"), o);
  }

  Result<service::SyncResult> live(Device& d) {
    std::string url = "ws://127.0.0.1:" + std::to_string(district_.port()) + "/sync";
    return service::sync_with_server(*d.replica, test::once(url, d.token));
  }

  static Result<std::string> opinion(Device& d, const std::string& station, const Value& sp,
                                     const std::string& matter = "村口路灯不亮。") {
    return test::insert_row(*d.replica, "opinion",
                            {{"station_id", station},
                             {"recorded_by", d.id().str()},
                             {"spokesperson_id", sp},
                             {"at", std::string("2025-03-01T09:00:00Z")},
                             {"matter", matter},
                             {"voter", std::string("李四")},
                             {"source", std::string("visit")},
                             {"created_at", std::string("2025-03-01T09:00:00Z")}});
  }

  static int64_t count(Replica& r, const std::string& sql) { return test::query_count(r, sql); }

  static HubState state(Replica& r) {
    HubState s;
    auto d = r.digest();
    s.digest = d.is_ok() ? d.value() : "";
    s.log = count(r, "SELECT COUNT(*) FROM _log");
    s.refused = count(r, "SELECT COUNT(*) FROM _refused");
    s.contacts = count(r, "SELECT COALESCE(SUM(syncs), 0) FROM _device");
    s.vv = r.version_vector();
    return s;
  }

  test::TempDir dir_;
  test::ServedDistrict district_{dir_.file("district.db")};
  std::vector<std::unique_ptr<Device>> devices_;
};

TEST_F(NetBundleTest, BundlesAndLiveSyncsMixWithoutLossOrRepeat) {
  Device& s01 = add("s01", Role::kStation, "S01");
  for (int i = 0; i < 3; ++i) ASSERT_OK(opinion(s01, "S01", Value{}));
  // A bundle first: the district gets the records, the station the district's stations.
  auto first = round(s01, district_.replica(), "one");
  ASSERT_OK(first);
  EXPECT_EQ(first->summary.pushed, 3u);
  EXPECT_EQ(first->summary.pulled, 2u);
  EXPECT_EQ(count(district_.replica(), "SELECT COUNT(*) FROM opinion"), 3);
  // A request made now is imported only after a live sync has carried its records and more.
  for (int i = 0; i < 2; ++i) ASSERT_OK(opinion(s01, "S01", Value{}));
  ASSERT_OK(service::export_bundle(*s01.replica, file("two.up")));
  ASSERT_OK(opinion(s01, "S01", Value{}));
  ASSERT_TRUE(district_.start().is_ok());
  auto synced = live(s01);
  ASSERT_OK(synced);
  EXPECT_EQ(synced->summary.pushed, 3u);
  district_.stop();
  station("S03");
  auto stale = service::import_request(district_.replica(), file("two.up"), file("two.down"));
  ASSERT_OK(stale);
  EXPECT_EQ(stale->pushed, 0u) << "everything in it came live already";
  auto answered = service::import_answer(*s01.replica, file("two.down"));
  ASSERT_OK(answered);
  EXPECT_EQ(answered->summary.pulled, 1u) << "only the new station is new here";
  // And live again, then a last bundle.
  ASSERT_OK(opinion(s01, "S01", Value{}));
  ASSERT_TRUE(district_.start().is_ok());
  synced = live(s01);
  ASSERT_OK(synced);
  EXPECT_EQ(synced->summary.pushed, 1u);
  EXPECT_EQ(synced->summary.pulled, 0u);
  district_.stop();
  ASSERT_OK(opinion(s01, "S01", Value{}));
  auto last = round(s01, district_.replica(), "three");
  ASSERT_OK(last);
  EXPECT_EQ(last->summary.pushed, 1u);
  EXPECT_EQ(last->summary.pulled, 0u);

  EXPECT_EQ(count(district_.replica(), "SELECT COUNT(*) FROM opinion"), 8);
  EXPECT_EQ(count(*s01.replica, "SELECT COUNT(*) FROM opinion"), 8);
  EXPECT_EQ(count(*s01.replica, "SELECT COUNT(*) FROM station"), 3);
  // Each change of the station was applied at the district exactly once.
  EXPECT_EQ(district_.replica().version_vector()[s01.id()], 8u);
  EXPECT_EQ(count(district_.replica(), "SELECT COUNT(*) FROM _log l JOIN _origin o ON "
                                       "o.idx = l.origin WHERE o.uuid = '" + s01.id().str() + "'"),
            8);
  EXPECT_EQ(s01.replica->digest().value(), district_.replica().digest().value());
  auto left = sync::unacknowledged_changes(*s01.replica);
  ASSERT_OK(left);
  EXPECT_EQ(left.value(), 0u);
  // The district's acknowledged watermark for the device is where it is.
  auto acked = sync::peer_vector(district_.replica(), s01.token.substr(4, 36));
  ASSERT_OK(acked);
  ASSERT_TRUE(acked->has_value());
  EXPECT_EQ((**acked)[s01.id()], 8u);
}

TEST_F(NetBundleTest, ASpokespersonDeviceSyncsWithItsStationByBundle) {
  Device& st = add("st", Role::kStation, "S01");
  ASSERT_OK(test::insert_row(*st.replica, "spokesperson",
                               {{"station_id", std::string("S01")},
                                {"name", std::string("代言员甲")},
                                {"created_at", std::string("2025-01-01T00:00:00Z")}},
                               "SP1"));
  auto provisioned = app::add_device(*st.replica, {"spokesperson", "", "SP1"});
  ASSERT_OK(provisioned);
  Device& sp = make("sp", Role::kSpokesperson, "S01", "SP1", provisioned->token);
  ASSERT_OK(opinion(sp, "S01", std::string("SP1"), "桥面有裂缝。"));
  ASSERT_OK(opinion(sp, "S01", std::string("SP1"), "垃圾清运不及时。"));
  ASSERT_OK(opinion(sp, "S02", std::string("SP1"), "别站的事。"));  // outside its scope
  ASSERT_OK(opinion(st, "S01", std::string("SP1"), "代言员转来的意见。"));  // it may see
  ASSERT_OK(opinion(st, "S01", Value{}, "接待日收到的意见。"));               // it may not

  auto answer = round(sp, *st.replica, "sp");
  ASSERT_OK(answer);
  EXPECT_EQ(answer->summary.pushed, 2u);
  EXPECT_EQ(answer->summary.refused, 1u);
  EXPECT_EQ(count(*st.replica, "SELECT COUNT(*) FROM opinion"), 4);
  EXPECT_EQ(count(*st.replica, "SELECT COUNT(*) FROM opinion WHERE station_id = 'S02'"), 0);
  EXPECT_EQ(count(*sp.replica, "SELECT COUNT(*) FROM opinion WHERE matter = '代言员转来的意见。'"),
            1);
  EXPECT_EQ(count(*sp.replica, "SELECT COUNT(*) FROM opinion WHERE matter = '接待日收到的意见。'"),
            0);
  EXPECT_EQ(count(*sp.replica,
                  "SELECT COUNT(*) FROM _server_refused WHERE reason = 'other_station'"), 1);
  // The station bound the device to the replica that made the bundle, as a live sync does.
  EXPECT_EQ(count(*st.replica, "SELECT COUNT(*) FROM _device WHERE replica_id = '" +
                                   sp.id().str() + "' AND last_address = 'bundle:sp.up'"),
            1);

  // The same answer again changes nothing on the device.
  std::string before = sp.replica->digest().value();
  auto again = service::import_answer(*sp.replica, file("sp.down"));
  ASSERT_OK(again);
  EXPECT_EQ(again->summary.pulled, 0u);
  EXPECT_EQ(sp.replica->digest().value(), before);
  EXPECT_EQ(count(*sp.replica, "SELECT COUNT(*) FROM _server_refused"), 1);
  // The same request again applies nothing at the station. (The station notes the contact in
  // the device's hub_device record, as it does for every live sync.)
  HubState hub = state(*st.replica);
  int64_t opinions = count(*st.replica, "SELECT COUNT(*) FROM opinion");
  auto twice = service::import_request(*st.replica, file("sp.up"), file("sp.again"));
  ASSERT_OK(twice);
  EXPECT_EQ(twice->pushed, 0u);
  EXPECT_EQ(twice->refused, 0u);
  HubState after = state(*st.replica);
  EXPECT_EQ(count(*st.replica, "SELECT COUNT(*) FROM opinion"), opinions);
  EXPECT_EQ(after.refused, hub.refused);
  EXPECT_EQ(after.vv[sp.id()], hub.vv[sp.id()]);
  EXPECT_EQ(after.contacts, hub.contacts + 1);

  // The station carries the spokesperson's records on to the district, by bundle too.
  auto up = round(st, district_.replica(), "st");
  ASSERT_OK(up);
  EXPECT_EQ(count(district_.replica(), "SELECT COUNT(*) FROM opinion"), 4);
  // Under the device's own origin, up to its third change (the one its station refused is
  // passed over, as everywhere).
  EXPECT_EQ(district_.replica().version_vector()[sp.id()], 3u);
  EXPECT_EQ(count(district_.replica(), "SELECT COUNT(*) FROM opinion WHERE recorded_by = '" +
                                           sp.id().str() + "'"),
            2);
}

TEST_F(NetBundleTest, ARevokedDeviceOrACopiedTokenChangesNothing) {
  Device& s01 = add("s01", Role::kStation, "S01");
  ASSERT_OK(opinion(s01, "S01", Value{}));
  ASSERT_OK(round(s01, district_.replica(), "first"));
  ASSERT_OK(opinion(s01, "S01", Value{}));
  ASSERT_OK(service::export_bundle(*s01.replica, file("late.up")));

  // The same token on another replica (a copied database would be the same replica: this is a
  // second installation).
  Device& copy = make("copy", Role::kStation, "S01", "", s01.token);
  ASSERT_OK(opinion(copy, "S01", Value{}));
  ASSERT_OK(service::export_bundle(*copy.replica, file("copy.up")));
  HubState before = state(district_.replica());
  auto copied = service::import_request(district_.replica(), file("copy.up"), file("copy.down"));
  EXPECT_EQ(copied.status().key(), "err.bundle.replica_mismatch");
  EXPECT_EQ(state(district_.replica()), before);

  ASSERT_OK(app::revoke_device(district_.replica(), s01.token.substr(4, 36)));
  before = state(district_.replica());
  auto revoked = service::import_request(district_.replica(), file("late.up"), file("late.down"));
  EXPECT_EQ(revoked.status().key(), "err.bundle.revoked");
  EXPECT_EQ(state(district_.replica()), before);
  EXPECT_FALSE(std::filesystem::exists(file("late.down")));
  EXPECT_FALSE(std::filesystem::exists(file("copy.down")));
}

TEST_F(NetBundleTest, WhatDoesNotFitOneBundleComesInTheNextRounds) {
  Device& s01 = add("s01", Role::kStation, "S01");
  std::string long_matter(600, 'x');
  for (int i = 0; i < 60; ++i) ASSERT_OK(opinion(s01, "S01", Value{}, long_matter));
  // And the district has as much for the station (a record of a reception it keeps there).
  for (int i = 0; i < 60; ++i)
    ASSERT_OK(test::insert_row(district_.replica(), "opinion",
                                 {{"station_id", std::string("S01")},
                                  {"recorded_by", district_.replica().info().id.str()},
                                  {"at", std::string("2025-03-01T09:00:00Z")},
                                  {"matter", long_matter},
                                  {"voter", std::string("王五")},
                                  {"source", std::string("reception")},
                                  {"created_at", std::string("2025-03-01T09:00:00Z")}}));
  service::BundleOptions small;
  small.limits.max_bytes = 16 << 10;
  small.batch_bytes = 2 << 10;
  small.batch_changes = 50;
  int rounds = 0;
  for (bool complete = false; !complete && rounds < 40; ++rounds) {
    std::string name = "r" + std::to_string(rounds);
    auto e = service::export_bundle(*s01.replica, file(name + ".up"), small);
    ASSERT_OK(e);
    EXPECT_LE(e->bytes, small.limits.max_bytes);
    auto h = service::import_request(district_.replica(), file(name + ".up"),
                                     file(name + ".down"), small);
    ASSERT_OK(h);
    EXPECT_LE(h->answer_bytes, small.limits.max_bytes);
    auto a = service::import_answer(*s01.replica, file(name + ".down"), small);
    ASSERT_OK(a);
    complete = e->complete && a->complete;
  }
  EXPECT_GT(rounds, 2);
  EXPECT_EQ(count(district_.replica(), "SELECT COUNT(*) FROM opinion"), 120);
  EXPECT_EQ(count(*s01.replica, "SELECT COUNT(*) FROM opinion"), 120);
  EXPECT_EQ(s01.replica->digest().value(), district_.replica().digest().value());
}

TEST_F(NetBundleTest, AnAnswerThatCouldNotBeWrittenIsWrittenByImportingAgain) {
  Device& s01 = add("s01", Role::kStation, "S01");
  for (int i = 0; i < 2; ++i) ASSERT_OK(opinion(s01, "S01", Value{}));
  ASSERT_OK(service::export_bundle(*s01.replica, file("up")));
  std::string unwritable = file(std::string(300, 'a'));  // longer than a file name may be
  auto failed = service::import_request(district_.replica(), file("up"), unwritable);
  EXPECT_EQ(failed.status().key(), "err.bundle.answer_not_written");
  EXPECT_EQ(count(district_.replica(), "SELECT COUNT(*) FROM opinion"), 2) << "the import is done";
  HubState done = state(district_.replica());
  auto again = service::import_request(district_.replica(), file("up"), file("down"));
  ASSERT_OK(again);
  EXPECT_EQ(again->pushed, 0u);
  HubState after = state(district_.replica());
  EXPECT_EQ(after.digest, done.digest);
  EXPECT_EQ(after.log, done.log);
  auto answer = service::import_answer(*s01.replica, file("down"));
  ASSERT_OK(answer);
  EXPECT_EQ(answer->summary.pushed, 0u);
  EXPECT_EQ(answer->summary.pulled, 2u);  // the two stations
  auto left = sync::unacknowledged_changes(*s01.replica);
  ASSERT_OK(left);
  EXPECT_EQ(left.value(), 0u);
}

TEST_F(NetBundleTest, AttachmentContentTravelsByBundleBothWaysAndOnlyOnce) {
  Device& a = add("a", Role::kStation, "S01");
  Device& b = add("b", Role::kStation, "S01");  // the station's second computer
  auto op = opinion(a, "S01", Value{});
  ASSERT_OK(op);
  // A photo of a handwritten record: three chunks and a bit.
  std::string photo(3 * wire::kBlobChunkSize + 1234, '\0');
  for (size_t i = 0; i < photo.size(); ++i) photo[i] = static_cast<char>((i * 7919) >> 3);
  { std::ofstream(file("scan.jpg"), std::ios::binary) << photo; }
  auto attached = app::attach_file(*a.replica, op.value(), file("scan.jpg"));
  ASSERT_OK(attached);
  std::string sha = attached->sha256;

  auto up = round(a, district_.replica(), "a1");
  ASSERT_OK(up);
  sync::BlobStore district_blobs(district_.replica().db());
  auto whole = district_blobs.read_all(sha);
  ASSERT_OK(whole);
  EXPECT_EQ(whole.value(), photo);
  // The next bundle does not carry it again: the answer said the district has it.
  auto again = service::export_bundle(*a.replica, file("a2.up"), {});
  ASSERT_OK(again);
  EXPECT_EQ(again->blobs, 0u);

  // The other computer gets the record and, in the same answer, its content.
  auto down = round(b, district_.replica(), "b1");
  ASSERT_OK(down);
  EXPECT_EQ(down->summary.blobs_received, 1u);
  sync::BlobStore b_blobs(b.replica->db());
  auto got = b_blobs.read_all(sha);
  ASSERT_OK(got);
  EXPECT_EQ(got.value(), photo);
  // Importing the same answer again changes nothing.
  auto twice = service::import_answer(*b.replica, file("b1.down"), {});
  ASSERT_OK(twice);
  EXPECT_EQ(twice->summary.blobs_received, 0u);
  EXPECT_EQ(count(*b.replica, "SELECT COUNT(*) FROM _blob WHERE complete = 1"), 1);
}

}  // namespace
}  // namespace liaison
