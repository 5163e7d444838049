// A station hub between spokesperson devices and the district, all over WebSocket on loopback:
// the station runs the same sync server on its own replica (`liaison serve`) while its clerk's
// program syncs the same file with the district (`liaison sync`), and a spokesperson device syncs
// with the hub on visits and with the district directly. Relayed changes keep their origin, reach
// the district once whichever way they travel, and are checked there against the spokesperson's
// scope; concurrent edits on all three resolve the same everywhere with every losing value kept.
#include <gtest/gtest.h>

#include <set>

#include "shared/app/devices.h"
#include "shared/app/opinions.h"
#include "shared/app/reference.h"
#include "shared/app/spokespersons.h"
#include "tests/common/replica_fixture.h"
#include "tests/common/temp_dir.h"
#include "tests/common/status_testing.h"
#include "tests/integration/sync/net_fixture.h"

namespace liaison {
namespace {

using sync::Replica;
using sync::Role;

class NetHubTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(district_.ok());
    app::StationInput s;
    s.id = "S01";
    s.name = "东风村联络站";
    ASSERT_OK(app::add_station(district_.replica(), s));
    auto token = district_.add_device("station", "S01");
    ASSERT_OK(token);
    station_token_ = token.value();
    ASSERT_TRUE(district_.start().is_ok());

    auto station = Replica::create(dir_.file("station.db"), {Uuid{}, Role::kStation, "S01"});
    ASSERT_OK(station);
    station_ = std::move(station).value();
    ASSERT_OK(sync_station());
    app::SpokespersonInput in;
    in.name = "王芳";
    auto sp = app::add_spokesperson(*station_, in);
    ASSERT_OK(sp);
    spokesperson_ = sp.value();
    auto device = app::add_device(*station_, {"", "", spokesperson_});  // `liaison device add`
    ASSERT_OK(device);
    sp_token_ = device->token;
    sp_device_ = device->device.id;
    ASSERT_OK(sync_station());

    // `liaison serve`: another connection to the station's file, serving on its own thread.
    auto hub_replica = Replica::open(dir_.file("station.db"));
    ASSERT_OK(hub_replica);
    hub_replica_ = std::move(hub_replica).value();
    net::ServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    auto hub = service::SyncServer::start(*hub_replica_, o);
    ASSERT_OK(hub);
    hub_ = std::move(hub).value();

    auto device_replica =
        Replica::create(dir_.file("sp.db"), {Uuid{}, Role::kSpokesperson, "S01", spokesperson_});
    ASSERT_OK(device_replica);
    sp_ = std::move(device_replica).value();
  }

  void TearDown() override {
    if (hub_) hub_->shutdown(std::chrono::milliseconds(2000));
  }

  static std::string url(uint16_t port) {
    return "ws://127.0.0.1:" + std::to_string(port) + "/sync";
  }
  Result<service::SyncResult> sync_station() {
    return service::sync_with_server(*station_, test::once(url(district_.port()), station_token_));
  }
  Result<service::SyncResult> sp_with_hub() {
    return service::sync_with_server(*sp_, test::once(url(hub_->port()), sp_token_));
  }
  Result<service::SyncResult> sp_with_district() {
    return service::sync_with_server(*sp_, test::once(url(district_.port()), sp_token_));
  }

  Result<std::string> sp_opinion(const std::string& matter) {
    return test::insert_row(*sp_, "opinion",
                            {{"station_id", std::string("S01")},
                             {"recorded_by", sp_->info().id.str()},
                             {"spokesperson_id", spokesperson_},
                             {"at", std::string("2025-04-01T09:00:00Z")},
                             {"matter", matter},
                             {"voter", std::string("赵大爷")},
                             {"source", std::string("visit")},
                             {"created_at", std::string("2025-04-01T09:00:00Z")}});
  }

  // The district's opinions (the server is stopped and started around the query).
  int64_t district_count(const std::string& sql) {
    district_.stop();
    int64_t n = test::query_count(district_.replica(), sql);
    EXPECT_TRUE(district_.start().is_ok());
    return n;
  }

  test::TempDir dir_;
  test::ServedDistrict district_{dir_.file("district.db")};
  std::string station_token_, sp_token_, sp_device_, spokesperson_;
  std::unique_ptr<Replica> station_, hub_replica_, sp_;
  std::unique_ptr<service::SyncServer> hub_;
};

TEST_F(NetHubTest, ThreeHopsThereAndBackWithTheHubOfflineForAWhile) {
  ASSERT_OK(sp_with_hub());  // the first visit: the device gets its spokesperson's record
  EXPECT_EQ(test::query_count(*sp_, "SELECT COUNT(*) FROM spokesperson"), 1);
  ASSERT_OK(sp_opinion("村口路灯坏了。"));
  ASSERT_OK(sp_opinion("垃圾清运不及时。"));
  auto visit = sp_with_hub();
  ASSERT_OK(visit);
  EXPECT_EQ(visit->summary.pushed, 2u);
  // The district is out of reach for a while: the station and the device keep working.
  ASSERT_OK(test::insert_row(*station_, "opinion",
                               {{"station_id", std::string("S01")},
                                {"recorded_by", station_->info().id.str()},
                                {"at", std::string("2025-04-02T09:00:00Z")},
                                {"matter", std::string("学校门口需要红绿灯。")},
                                {"voter", std::string("钱女士")},
                                {"source", std::string("reception")},
                                {"created_at", std::string("2025-04-02T09:00:00Z")}}));
  ASSERT_OK(sp_opinion("河道有人倒垃圾。"));
  ASSERT_OK(sp_with_hub());
  auto up = sync_station();  // the link is back
  ASSERT_OK(up);
  EXPECT_EQ(up->summary.refused, 0u);
  EXPECT_EQ(district_count("SELECT COUNT(*) FROM opinion"), 4);
  Uuid sp_origin = sp_->info().id;
  // Relayed with its origin: the district's vector holds the device's own sequence.
  district_.stop();
  EXPECT_EQ(district_.replica().version_vector()[sp_origin], sp_->version_vector()[sp_origin]);
  auto bound = app::device_for_replica(district_.replica(), sp_origin);
  ASSERT_OK(bound);
  ASSERT_TRUE(bound.value().has_value()) << "the district knows which device runs the replica";
  EXPECT_EQ(bound.value()->id, sp_device_);
  EXPECT_EQ(bound.value()->last_address.value_or(""), "hub S01");
  // The district answers one of them; the answer travels back to the device through the hub.
  auto mine = test::query_count(district_.replica(), "SELECT COUNT(*) FROM opinion WHERE "
                                                     "matter = '村口路灯坏了。'");
  ASSERT_EQ(mine, 1);
  auto q = district_.replica().db().prepare("SELECT id FROM opinion WHERE matter = '村口路灯坏了。'");
  ASSERT_OK(q);
  ASSERT_TRUE(q->step().value());
  std::string opinion = q->column_text(0);
  app::StepInput step;
  step.step = "explained";
  step.note = "已报镇政府，本周修复。";
  ASSERT_OK(app::add_step(district_.replica(), opinion, step));
  ASSERT_TRUE(district_.start().is_ok());
  ASSERT_OK(sync_station());
  auto back = sp_with_hub();
  ASSERT_OK(back);
  EXPECT_EQ(test::query_count(*sp_, "SELECT COUNT(*) FROM opinion_step WHERE opinion_id = '" +
                                        opinion + "'"),
            1);
  // The device sees its own records, not the station's.
  EXPECT_EQ(test::query_count(*sp_, "SELECT COUNT(*) FROM opinion"), 3);
  // The station knows when the device last visited.
  auto devices = app::list_devices(*station_);
  ASSERT_OK(devices);
  ASSERT_EQ(devices->size(), 1u);
  EXPECT_TRUE(devices->front().last_seen_at.has_value());
}

TEST_F(NetHubTest, ADeviceSyncingWithHubAndDistrictInEitherOrderAddsEachRecordOnce) {
  ASSERT_OK(sp_with_hub());
  ASSERT_OK(sp_opinion("第一条"));
  ASSERT_OK(sp_with_hub());
  ASSERT_OK(sync_station());
  // Direct first, then the hub, then the station's sync: the district already has it.
  ASSERT_OK(sp_opinion("第二条"));
  auto direct = sp_with_district();
  ASSERT_OK(direct);
  EXPECT_EQ(direct->summary.pushed, 1u);
  ASSERT_OK(sp_with_hub());
  auto relay = sync_station();
  ASSERT_OK(relay);
  EXPECT_EQ(relay->summary.pushed, 1u);  // only the hub's note of the visit (hub_device)
  EXPECT_EQ(relay->summary.pulled, 0u);
  // The hub first, then directly, then the station.
  ASSERT_OK(sp_opinion("第三条"));
  auto via_hub = sp_with_hub();
  ASSERT_OK(via_hub);
  EXPECT_EQ(via_hub->summary.pushed, 1u);
  auto then_direct = sp_with_district();
  ASSERT_OK(then_direct);
  EXPECT_EQ(then_direct->summary.pushed, 1u);  // the district had not heard of it yet
  auto later = sync_station();
  ASSERT_OK(later);
  EXPECT_EQ(later->summary.pushed, 1u);  // again only the note of the visit
  ASSERT_OK(sp_with_hub());
  EXPECT_EQ(district_count("SELECT COUNT(*) FROM opinion"), 3);
  EXPECT_EQ(district_count("SELECT COUNT(DISTINCT matter) FROM opinion"), 3);
  EXPECT_EQ(test::query_count(*station_, "SELECT COUNT(*) FROM opinion"), 3);
  EXPECT_EQ(test::query_count(*sp_, "SELECT COUNT(*) FROM opinion"), 3);
  EXPECT_EQ(test::query_count(*station_, "SELECT COUNT(*) FROM _refused"), 0);
  EXPECT_EQ(district_count("SELECT COUNT(*) FROM _refused"), 0);
}

TEST_F(NetHubTest, ConcurrentEditsOnDeviceStationAndDistrictResolveTheSameEverywhere) {
  ASSERT_OK(sp_with_hub());
  auto id = sp_opinion("公交站没有遮阳棚。");
  ASSERT_OK(id);
  ASSERT_OK(sp_with_hub());
  ASSERT_OK(sync_station());
  // Three edits of the same field, none aware of the others.
  app::OpinionEdit e;
  e.place = "东门";
  ASSERT_TRUE(app::set_opinion(*sp_, id.value(), e).is_ok());
  e.place = "西门";
  ASSERT_TRUE(app::set_opinion(*station_, id.value(), e).is_ok());
  district_.stop();
  e.place = "南门";
  ASSERT_TRUE(app::set_opinion(district_.replica(), id.value(), e).is_ok());
  ASSERT_TRUE(district_.start().is_ok());
  // Everyone syncs, twice round, in an order where each edit meets the others at different
  // places.
  for (int round = 0; round < 2; ++round) {
    ASSERT_OK(sp_with_hub());
    ASSERT_OK(sync_station());
    ASSERT_OK(sp_with_district());
  }
  ASSERT_OK(sp_with_hub());
  auto place = [&](Replica& r) {
    auto v = test::field(r, "opinion", id.value(), "place");
    return v.is_ok() ? std::get<std::string>(v.value()) : std::string("?");
  };
  district_.stop();
  std::string winner = place(district_.replica());
  EXPECT_EQ(place(*station_), winner);
  EXPECT_EQ(place(*sp_), winner);
  // Each losing value is in the conflict log of the replica that resolved it (a value that
  // lost at the station before the station synced is not sent on): none is lost.
  std::set<std::string> seen{winner};
  for (Replica* r : {&district_.replica(), station_.get(), sp_.get()}) {
    auto q = r->db().prepare("SELECT lost_value, kept_value FROM _conflict WHERE row_id = ? AND "
                             "field = 'place'");
    ASSERT_OK(q);
    q->bind(1, id.value());
    while (q->step().value()) {
      seen.insert(q->column_text(0));
      EXPECT_NE(q->column_text(0), q->column_text(1));
    }
  }
  EXPECT_EQ(seen, (std::set<std::string>{"东门", "西门", "南门"}));
  ASSERT_TRUE(district_.start().is_ok());
}

}  // namespace
}  // namespace liaison
