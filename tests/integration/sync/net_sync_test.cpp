// Sync over the network: a district server and station replicas, each in its own file, syncing
// through a real WebSocket server on loopback. Covers many clients at once, repeated syncs,
// revoked and wrong tokens, scope refusals, and malformed or wrong-version peers, after each of
// which the server keeps serving the others.
#include <gtest/gtest.h>

#include <thread>

#include "shared/app/devices.h"
#include "shared/app/opinions.h"
#include "shared/app/reference.h"
#include "shared/net/ws_client.h"
#include "shared/service/sync_client.h"
#include "shared/service/sync_server.h"
#include "shared/wire/messages.h"
#include "tests/common/status_testing.h"
#include "tests/common/temp_dir.h"

namespace liaison {
namespace {

using sync::Replica;

class NetSyncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = Replica::create(dir_.file("district.db"), {Uuid{}, sync::Role::kDistrict});
    ASSERT_OK(d);
    district_ = std::move(d).value();
    for (const char* id : {"S01", "S02"}) {
      app::StationInput in;
      in.id = id;
      in.name = std::string("站") + id;
      ASSERT_OK(app::add_station(*district_, in));
    }
    net::ServerOptions options;
    options.port = 0;
    auto s = service::SyncServer::start(*district_, options);
    ASSERT_OK(s);
    server_ = std::move(s).value();
  }
  void TearDown() override {
    if (server_) server_->shutdown(std::chrono::milliseconds(2000));
  }

  std::string url() const { return "ws://127.0.0.1:" + std::to_string(server_->port()) + "/sync"; }

  // A device token for a station, issued before the server thread owns the replica would be a
  // race; tests issue them in SetUp-like phases only while no sync runs.
  std::string token_for(const std::string& station) {
    app::DeviceInput in{"station", station, ""};
    auto d = app::add_device(*district_, in);
    EXPECT_TRUE(d.is_ok());
    return d.is_ok() ? d->token : "";
  }

  std::unique_ptr<Replica> station(const std::string& name, const std::string& station_id) {
    auto r = Replica::create(dir_.file(name + ".db"), {Uuid{}, sync::Role::kStation, station_id});
    EXPECT_TRUE(r.is_ok());
    return r.is_ok() ? std::move(r).value() : nullptr;
  }

  Result<service::SyncResult> sync(Replica& r, const std::string& token) {
    service::SyncOptions o;
    o.net.url = url();
    o.token = token;
    o.retry.retries = 0;
    return service::sync_with_server(r, o);
  }

  static void add(Replica& r, const std::string& voter) {
    app::OpinionInput in;
    in.voter = voter;
    in.matter = "小区路灯坏了两个月，晚上出门不方便。";
    ASSERT_TRUE(app::add_opinion(r, in).is_ok());
  }

  test::TempDir dir_;
  std::unique_ptr<Replica> district_;
  std::unique_ptr<service::SyncServer> server_;
};

TEST_F(NetSyncTest, ManyStationsSyncAtOnceAndConverge) {
  constexpr int kStations = 8;
  std::vector<std::string> tokens;
  std::vector<std::unique_ptr<Replica>> stations;
  for (int i = 0; i < kStations; ++i) {
    tokens.push_back(token_for("S01"));
    stations.push_back(station("s" + std::to_string(i), "S01"));
    for (int j = 0; j < 20; ++j) add(*stations.back(), "选民" + std::to_string(i * 100 + j));
  }
  std::vector<std::thread> threads;
  std::vector<Status> results(kStations);
  for (int i = 0; i < kStations; ++i) {
    threads.emplace_back([&, i] {
      auto r = sync(*stations[i], tokens[i]);
      results[i] = r.is_ok() ? Status{} : r.status();
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kStations; ++i) EXPECT_TRUE(results[i].is_ok()) << results[i].message();
  // A second round carries everyone's records to everyone (same station).
  for (int i = 0; i < kStations; ++i) ASSERT_OK(sync(*stations[i], tokens[i]));
  server_->shutdown(std::chrono::milliseconds(2000));
  std::string want = district_->digest().value();
  for (int i = 0; i < kStations; ++i) EXPECT_EQ(stations[i]->digest().value(), want) << i;
  server_.reset();
}

TEST_F(NetSyncTest, RepeatedSyncsSendNothingAgain) {
  std::string token = token_for("S01");
  auto s = station("a", "S01");
  for (int j = 0; j < 5; ++j) add(*s, "张三");
  auto first = sync(*s, token);
  ASSERT_OK(first);
  EXPECT_EQ(first->summary.pushed, 5u);
  auto second = sync(*s, token);
  ASSERT_OK(second);
  EXPECT_EQ(second->summary.pushed, 0u);
  EXPECT_EQ(second->summary.pulled, 0u);
  EXPECT_LT(second->bytes_sent + second->bytes_received, 1024u);
  EXPECT_EQ(sync::unacknowledged_changes(*s).value(), 0u);
}

TEST_F(NetSyncTest, WrongAndRevokedTokensAreRefusedAndOthersGoOn) {
  std::string good = token_for("S01");
  std::string other = token_for("S01");
  auto a = station("a", "S01");
  auto b = station("b", "S01");
  add(*a, "张三");
  auto bad = sync(*a, "lt1.nobody.secret");
  ASSERT_FALSE(bad.is_ok());
  EXPECT_EQ(bad.status().key(), "auth_failed");
  // Revoke while the server runs: the next sync is refused.
  server_->shutdown(std::chrono::milliseconds(1000));
  std::string id = good.substr(4, good.find('.', 4) - 4);
  ASSERT_OK(app::revoke_device(*district_, id));
  net::ServerOptions options;
  auto restarted = service::SyncServer::start(*district_, options);
  ASSERT_OK(restarted);
  server_ = std::move(restarted).value();
  auto revoked = sync(*a, good);
  ASSERT_FALSE(revoked.is_ok());
  EXPECT_EQ(revoked.status().key(), "revoked");
  ASSERT_OK(sync(*b, other));
}

TEST_F(NetSyncTest, AStationCannotWriteAnotherStationsRecords) {
  std::string token = token_for("S01");
  auto a = station("a", "S02");  // a replica made for S02 but holding an S01 device token
  add(*a, "李四");
  auto r = sync(*a, token);
  ASSERT_OK(r);
  EXPECT_EQ(r->summary.refused, 1u);
  auto n = district_->db().prepare("SELECT COUNT(*) FROM opinion");
  // The district never got the row (checked after the server stops using the replica).
  server_->shutdown(std::chrono::milliseconds(1000));
  ASSERT_TRUE(n.is_ok());
  ASSERT_TRUE(n->step().value());
  EXPECT_EQ(n->column_int(0), 0);
  auto q = a->db().prepare("SELECT reason FROM _server_refused");
  ASSERT_TRUE(q.is_ok());
  ASSERT_TRUE(q->step().value());
  EXPECT_EQ(q->column_text(0), "other_station");
  server_.reset();
}

// A raw peer sending one frame and recording how the server answered.
class OneFrame final : public net::ClientHandler {
 public:
  explicit OneFrame(std::string frame) : frame_(std::move(frame)) {}
  net::Reply on_open() override {
    net::Reply r;
    r.frames.push_back(net::make_frame(frame_));
    return r;
  }
  net::Reply on_frame(net::Incoming in) override {
    answer = wire::decode_message(in.frame).is_ok() ? in.frame : "";
    net::Reply r;
    r.close = true;
    return r;
  }
  std::string answer;

 private:
  std::string frame_;
};

TEST_F(NetSyncTest, MalformedAndWrongVersionPeersGetAnErrorAndTheServerGoesOn) {
  std::string token = token_for("S01");
  wire::Hello old;
  old.protocol = 7;
  for (const std::string& frame : {std::string("\xc1garbage"), wire::encode_message(old),
                                   wire::encode_message(wire::Pull{})}) {
    OneFrame peer(frame);
    net::ClientOptions o;
    o.url = url();
    net::ClientStats stats;
    (void)net::run_client(o, peer, &stats);
    auto m = wire::decode_message(peer.answer);
    ASSERT_TRUE(m.is_ok());
    ASSERT_TRUE(std::holds_alternative<wire::Error>(m.value()));
  }
  auto s = station("a", "S01");
  add(*s, "王五");
  ASSERT_OK(sync(*s, token));
}

TEST_F(NetSyncTest, AnUnreachableServerIsAClearErrorAfterTheRetries) {
  auto s = station("a", "S01");
  service::SyncOptions o;
  o.net.url = "ws://127.0.0.1:1/sync";
  o.token = "lt1.x.y";
  o.retry.retries = 1;
  o.retry.start = std::chrono::milliseconds(10);
  auto r = service::sync_with_server(*s, o);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), Code::kIo);
}

}  // namespace
}  // namespace liaison
