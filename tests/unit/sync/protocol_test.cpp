// The two protocol state machines talking to each other through frames, with no sockets: a full
// sync, resumption after a cut at every point, idempotent pushes, refusals, revocation and
// version mismatches.
#include <gtest/gtest.h>

#include <deque>

#include "shared/storage/migrations.h"
#include "shared/sync/protocol_client.h"
#include "shared/sync/protocol_server.h"
#include "shared/sync/watermarks.h"
#include "tests/common/protocol_testing.h"
#include "tests/common/replica_fixture.h"
#include "tests/common/status_testing.h"

namespace liaison::sync {
namespace {

using test::FakeAuth;
constexpr auto station_guard = test::s01_guard;
constexpr auto station_filter = test::s01_filter;

class ProtocolTest : public test::SyncFixture {
 protected:
  // Runs a session; cut_after stops after that many frames have crossed (either way).
  Status run(test::TestReplica& client, test::TestReplica& server, size_t cut_after = SIZE_MAX,
             SyncSummary* summary = nullptr, size_t batch = 3) {
    BatchLimits limits;
    limits.changes = batch;
    ClientProtocol c(*client, token, client.clock, limits);
    ServerProtocol s(*server, auth, station_guard, station_filter, server.clock, "test", limits);
    std::deque<std::string> to_server, to_client;
    for (auto& f : c.start().frames) to_server.push_back(f);
    size_t crossed = 0;
    while (!to_server.empty() || !to_client.empty()) {
      if (crossed++ >= cut_after) return Status::io("cut");
      if (!to_server.empty()) {
        std::string f = to_server.front();
        to_server.pop_front();
        ProtocolOutput out = s.on_frame(f);
        for (auto& g : out.frames) to_client.push_back(g);
        continue;
      }
      std::string f = to_client.front();
      to_client.pop_front();
      ProtocolOutput out = c.on_frame(f);
      for (auto& g : out.frames) to_server.push_back(g);
    }
    if (summary) *summary = c.summary();
    if (!c.error().is_ok()) return c.error();
    return c.summary().done ? Status{} : Status::internal("session did not finish");
  }

  FakeAuth auth;
  std::string token = "good";
};

TEST_F(ProtocolTest, AFullSyncPushesPullsAndConverges) {
  auto& server = make("server", 1);
  auto& client = make("client", 2);
  auto& other = make("other", 3);
  for (int i = 0; i < 7; ++i) ASSERT_OK(test::add_opinion(*client));
  ASSERT_OK(test::add_opinion(*server));  // a district record for S01
  SyncSummary sum;
  ASSERT_OK(run(client, server, SIZE_MAX, &sum));
  EXPECT_EQ(sum.pushed, 7u);
  EXPECT_EQ(sum.pulled, 1u);
  EXPECT_EQ(digest(client), digest(server));
  ASSERT_OK_AND_ASSIGN(uint64_t left, unacknowledged_changes(*client));
  EXPECT_EQ(left, 0u);
  // A second sync moves nothing.
  ASSERT_OK(run(client, server, SIZE_MAX, &sum));
  EXPECT_EQ(sum.pushed, 0u);
  EXPECT_EQ(sum.pulled, 0u);
  (void)other;
}

TEST_F(ProtocolTest, ACutAtAnyPointResumesWithoutLossOrRepeat) {
  for (size_t cut = 0; cut < 14; ++cut) {
    SCOPED_TRACE(cut);
    test::ReplicaSet set;
    test::ReplicaSpec a;
    a.name = "server";
    a.seed = 1;
    test::ReplicaSpec b;
    b.name = "client";
    b.seed = 2;
    auto* server = set.make(a);
    auto* client = set.make(b);
    for (int i = 0; i < 7; ++i) ASSERT_OK(test::add_opinion(**client));
    for (int i = 0; i < 4; ++i) ASSERT_OK(test::add_opinion(**server));
    EXPECT_FALSE(run(*client, *server, cut).is_ok());
    SyncSummary sum;
    ASSERT_OK(run(*client, *server, SIZE_MAX, &sum));
    ASSERT_OK_AND_ASSIGN(int64_t n, test::query_int(**server, "SELECT COUNT(*) FROM opinion"));
    EXPECT_EQ(n, 11);
    ASSERT_OK_AND_ASSIGN(std::string dc, (*client)->digest());
    ASSERT_OK_AND_ASSIGN(std::string ds, (*server)->digest());
    EXPECT_EQ(dc, ds);
    // Nothing acknowledged before the cut was pushed again: the two sessions together pushed
    // each change once.
    ASSERT_OK_AND_ASSIGN(int64_t logged, test::query_int(**server, "SELECT COUNT(*) FROM _log"));
    EXPECT_EQ(logged, 11);
  }
}

TEST_F(ProtocolTest, ChangesOutsideTheScopeAreRefusedAndNeverSent) {
  auto& server = make("server", 1);
  auto& client = make("client", 2);
  test::OpinionSpec other;
  other.station_id = "S02";
  ASSERT_OK(test::add_opinion(*client));
  ASSERT_OK(test::add_opinion(*client, other));
  ASSERT_OK(test::add_opinion(*server, other));  // another station's record at the district
  SyncSummary sum;
  ASSERT_OK(run(client, server, SIZE_MAX, &sum));
  EXPECT_EQ(sum.refused, 1u);
  EXPECT_EQ(scalar(client, "SELECT COUNT(*) FROM _server_refused WHERE reason = 'other_station'"), 1);
  EXPECT_EQ(scalar(server, "SELECT COUNT(*) FROM opinion WHERE station_id = 'S02'"), 1);
  // The client has its own two rows; the district's S02 row never reached it.
  EXPECT_EQ(scalar(client, "SELECT COUNT(*) FROM opinion"), 2);
  ASSERT_OK_AND_ASSIGN(uint64_t left, unacknowledged_changes(*client));
  EXPECT_EQ(left, 0u);
}

TEST_F(ProtocolTest, BadTokensRevocationAndVersionsEndTheSession) {
  auto& server = make("server", 1);
  auto& client = make("client", 2);
  ASSERT_OK(test::add_opinion(*client));
  token = "wrong";
  Status s = run(client, server);
  EXPECT_EQ(s.key(), "auth_failed");
  token = "good";
  auth.revoked = true;
  EXPECT_EQ(run(client, server).key(), "revoked");
  EXPECT_EQ(scalar(server, "SELECT COUNT(*) FROM opinion"), 0);
  auth.revoked = false;

  ServerProtocol s2(*server, auth, station_guard, station_filter, server.clock, "test");
  wire::Hello h;
  h.protocol = 99;
  ProtocolOutput out = s2.on_frame(wire::encode_message(h));
  ASSERT_TRUE(out.close);
  EXPECT_EQ(out.close_reason, "protocol_version");
  ServerProtocol s3(*server, auth, station_guard, station_filter, server.clock, "test");
  h.protocol = wire::kProtocolVersion;
  h.schema = 999;
  EXPECT_EQ(s3.on_frame(wire::encode_message(h)).close_reason, "schema_too_new");
  ServerProtocol s4(*server, auth, station_guard, station_filter, server.clock, "test");
  EXPECT_EQ(s4.on_frame("garbage").close_reason, "bad_message");
  ServerProtocol s5(*server, auth, station_guard, station_filter, server.clock, "test");
  EXPECT_EQ(s5.on_frame(wire::encode_message(wire::Pull{})).close_reason, "bad_message");
}

TEST_F(ProtocolTest, ThePushIsIdempotentWhenTheAckIsLost) {
  auto& server = make("server", 1);
  auto& client = make("client", 2);
  for (int i = 0; i < 3; ++i) ASSERT_OK(test::add_opinion(*client));
  // Cut right after the server applied the first PUSH (HELLO, WELCOME, PUSH crossed; ACK lost).
  EXPECT_FALSE(run(client, server, 3).is_ok());
  EXPECT_EQ(scalar(server, "SELECT COUNT(*) FROM opinion"), 3);
  SyncSummary sum;
  ASSERT_OK(run(client, server, SIZE_MAX, &sum));
  EXPECT_EQ(sum.pushed, 0u);  // the server's WELCOME said it has them
  EXPECT_EQ(scalar(server, "SELECT COUNT(*) FROM _log"), 3);
}

TEST_F(ProtocolTest, TheServerRecordsTheClockSkew) {
  auto& server = make("server", 1);
  test::ReplicaSpec spec;
  spec.name = "client";
  spec.seed = 2;
  spec.start_ms = test::kEpochMs + 7 * 60 * 1000;  // seven minutes fast
  auto& client = make(spec);
  SyncSummary sum;
  ASSERT_OK(run(client, server, SIZE_MAX, &sum));
  EXPECT_EQ(auth.last_skew, 7 * 60 * 1000);
  EXPECT_EQ(sum.clock_skew_ms, 7 * 60 * 1000);
}

TEST_F(ProtocolTest, TheServerKeepsWhatEachDeviceConfirmedHaving) {
  auto& server = make("server", 1);
  auto& client = make("client", 2);
  for (int i = 0; i < 5; ++i) ASSERT_OK(test::add_opinion(*client));
  for (int i = 0; i < 4; ++i) ASSERT_OK(test::add_opinion(*server));
  ASSERT_OK_AND_ASSIGN(auto before, peer_vector(*server, "dev-1"));
  EXPECT_FALSE(before.has_value());
  ASSERT_OK(run(client, server));
  ASSERT_OK_AND_ASSIGN(auto acked, peer_vector(*server, "dev-1"));
  ASSERT_TRUE(acked.has_value());
  EXPECT_EQ(*acked, client->version_vector());
  EXPECT_EQ(*acked, server->version_vector());
}

TEST_F(ProtocolTest, AfterCompactionNewAndLaggingDevicesStillGetEverything) {
  auto& server = make("server", 1);
  auto& lagging = make("lagging", 2);
  auto& fresh = make("fresh", 3);
  for (int i = 0; i < 6; ++i) ASSERT_OK(test::add_opinion(*server));
  EXPECT_FALSE(run(lagging, server, /*cut_after=*/4).is_ok());  // HELLO, WELCOME, PULL, a batch
  for (int i = 0; i < 5; ++i) ASSERT_OK(test::add_opinion(*server));
  ASSERT_OK_AND_ASSIGN(uint64_t removed, server->compact(server->version_vector()));
  EXPECT_EQ(removed, 11u);
  SyncSummary sum;
  ASSERT_OK(run(fresh, server, SIZE_MAX, &sum));
  EXPECT_EQ(sum.pulled, 11u);
  ASSERT_OK(run(lagging, server, SIZE_MAX, &sum));
  EXPECT_EQ(sum.pulled, 8u) << "a first batch of 3 arrived before the cut";
  EXPECT_EQ(digest(fresh), digest(server));
  EXPECT_EQ(digest(lagging), digest(server));
}

// Frames of each kind in an output.
size_t count(const ProtocolOutput& out, uint8_t type) {
  size_t n = 0;
  for (const std::string& f : out.frames) {
    auto m = wire::decode_message(f);
    if (m && m->index() + 1 == type) ++n;
  }
  return n;
}

TEST_F(ProtocolTest, EachSideKeepsAWindowOfBatchesInFlight) {
  auto& server = make("server", 1);
  auto& client = make("client", 2);
  for (int i = 0; i < 20; ++i) ASSERT_OK(test::add_opinion(*client));
  for (int i = 0; i < 20; ++i) ASSERT_OK(test::add_opinion(*server));
  BatchLimits limits;
  limits.changes = 3;
  ClientProtocol c(*client, token, client.clock, limits);
  ServerProtocol s(*server, auth, station_guard, station_filter, server.clock, "test", limits);
  ProtocolOutput welcome = s.on_frame(c.start().frames.at(0));
  // WELCOME is answered by a full window of pushes, not one.
  ProtocolOutput pushes = c.on_frame(welcome.frames.at(0));
  ASSERT_EQ(pushes.frames.size(), limits.window);
  EXPECT_EQ(count(pushes, 3), limits.window);  // PUSH
  // Each ACK lets one more PUSH go; the last PUSH is followed at once by PULL.
  std::deque<std::string> up(pushes.frames.begin(), pushes.frames.end()), down;
  size_t pulls_sent = 0, changes_in_flight_max = 0, changes_in_flight = 0;
  while (!up.empty() || !down.empty()) {
    while (!up.empty()) {
      std::string f = up.front();
      up.pop_front();
      ProtocolOutput out = s.on_frame(f);
      changes_in_flight += count(out, 6);  // CHANGES
      changes_in_flight_max = std::max(changes_in_flight_max, changes_in_flight);
      for (auto& g : out.frames) down.push_back(g);
    }
    while (!down.empty()) {
      std::string f = down.front();
      down.pop_front();
      if (count(ProtocolOutput{{f}}, 6) == 1) --changes_in_flight;
      ProtocolOutput out = c.on_frame(f);
      pulls_sent += count(out, 5);  // PULL
      for (auto& g : out.frames) up.push_back(g);
    }
  }
  ASSERT_TRUE(c.summary().done) << c.error().message();
  EXPECT_EQ(pulls_sent, 1u);
  EXPECT_EQ(changes_in_flight_max, limits.window);
  EXPECT_EQ(c.summary().pushed, 20u);
  EXPECT_EQ(c.summary().pulled, 20u);
  EXPECT_EQ(digest(client), digest(server));
}

TEST_F(ProtocolTest, APushCarriesOnlyTheOriginsItsDeviceMayCarry) {
  auto& server = make("server", 1);
  auto& client = make("client", 2);
  auto& other = make("other", 3);
  for (int i = 0; i < 4; ++i) ASSERT_OK(test::add_opinion(*other));
  ASSERT_TRUE(test::exchange(*other, *client).is_ok());  // the client holds other's changes
  ASSERT_OK(test::add_opinion(*client));
  Uuid other_id = other->info().id;
  auth.rules.may_carry = [](const Uuid&) { return false; };
  SyncSummary sum;
  ASSERT_OK(run(client, server, SIZE_MAX, &sum));
  EXPECT_EQ(sum.pushed, 1u);
  EXPECT_EQ(sum.refused, 4u);
  // Neither the changes nor their range count: the server does not believe it has them...
  EXPECT_EQ(seen(server, other_id), 0u);
  EXPECT_EQ(scalar(server, "SELECT COUNT(*) FROM _refused WHERE reason = 'forged_origin'"), 4);
  EXPECT_EQ(scalar(client, "SELECT COUNT(*) FROM _server_refused WHERE reason = 'forged_origin'"),
            4);
  // The next sync offers them again (the server has not moved past them) and they are refused
  // again; the device keeps each refusal once.
  ASSERT_OK(run(client, server, SIZE_MAX, &sum));
  EXPECT_EQ(sum.refused, 4u);
  EXPECT_EQ(scalar(client, "SELECT COUNT(*) FROM _server_refused"), 4);
  // ...so when the real origin syncs, its changes are applied, not taken for duplicates.
  ASSERT_OK(run(other, server, SIZE_MAX, &sum));
  EXPECT_EQ(sum.pushed, 4u);
  EXPECT_EQ(seen(server, other_id), 4u);
}

TEST_F(ProtocolTest, HiddenOriginsAreNeitherReadNorAnnouncedButCountAsAcknowledged) {
  auto& server = make("server", 1);
  auto& client = make("client", 2);
  auto& elsewhere = make("elsewhere", 3);  // another station's device, as far as rules say
  test::OpinionSpec s02;
  s02.station_id = "S02";
  for (int i = 0; i < 5; ++i) ASSERT_OK(test::add_opinion(*elsewhere, s02));
  ASSERT_TRUE(test::exchange(*elsewhere, *server).is_ok());
  ASSERT_OK(test::add_opinion(*server));  // a district record the device sees
  Uuid hidden = elsewhere->info().id;
  auth.rules.hidden = [hidden](const Uuid& o) { return o == hidden; };
  SyncSummary sum;
  ASSERT_OK(run(client, server, SIZE_MAX, &sum));
  EXPECT_EQ(sum.pulled, 1u);
  // The device's vector names the server's origin and its own, not the hidden one.
  EXPECT_EQ(client->version_vector().count(hidden), 0u);
  EXPECT_EQ(client->version_vector().count(server->info().id), 1u);
  // The server counts the hidden changes as acknowledged, so they do not hold compaction back.
  ASSERT_OK_AND_ASSIGN(std::optional<VersionVector> has, peer_vector(*server, "dev-1"));
  ASSERT_TRUE(has.has_value());
  EXPECT_EQ((*has)[hidden], 5u);
}

TEST_F(ProtocolTest, ACopyRestoredFromAnOlderBackupIsStoppedBeforeItPushes) {
  auto& server = make("server", 1);
  test::ReplicaSpec spec;
  spec.name = "client";
  spec.seed = 2;
  spec.id = test::fixed_uuid(0x42);
  auto& client = make(spec);
  for (int i = 0; i < 3; ++i) ASSERT_OK(test::add_opinion(*client));
  ASSERT_OK(run(client, server));
  // The same replica as an older copy: one change where the server holds three.
  spec.name = "restored";
  auto& restored = make(spec);
  ASSERT_OK(test::add_opinion(*restored));
  Status s = run(restored, server);
  EXPECT_EQ(s.key(), errc::kReplicaRewound) << s.message();
  EXPECT_EQ(scalar(server, "SELECT COUNT(*) FROM opinion"), 3);
}

TEST_F(ProtocolTest, ASessionStartsForADeviceAuthenticatedElsewhere) {
  auto& server = make("server", 1);
  auto& client = make("client", 2);
  for (int i = 0; i < 4; ++i) ASSERT_OK(test::add_opinion(*client));
  ASSERT_OK(test::add_opinion(*server));
  // No token the registry knows: the session runs only because it starts authenticated (as a
  // sync bundle's does, after its proof was checked).
  ClientProtocol c(*client, "no token", client.clock);
  ServerProtocol s(*server, auth, station_guard, station_filter, server.clock, "bundle:x");
  ASSERT_OK_AND_ASSIGN(wire::Message m, wire::decode_message(c.start().frames.at(0)));
  const wire::Hello& hello = std::get<wire::Hello>(m);
  Principal device{"dev-1", Role::kStation, "S01", "", client->info().id};
  std::deque<std::string> down, up;
  for (auto& f : s.start_authenticated(device, hello).frames) down.push_back(f);
  while (!down.empty() || !up.empty()) {
    for (; !down.empty(); down.pop_front()) {
      ProtocolOutput out = c.on_frame(down.front());
      up.insert(up.end(), out.frames.begin(), out.frames.end());
    }
    for (; !up.empty(); up.pop_front()) {
      ProtocolOutput out = s.on_frame(up.front());
      down.insert(down.end(), out.frames.begin(), out.frames.end());
    }
  }
  ASSERT_TRUE(c.summary().done) << c.error().message();
  EXPECT_EQ(c.summary().pushed, 4u);
  EXPECT_EQ(c.summary().pulled, 1u);
  EXPECT_EQ(digest(client), digest(server));
  ASSERT_OK_AND_ASSIGN(auto acked, peer_vector(*server, "dev-1"));
  ASSERT_TRUE(acked.has_value());
  EXPECT_EQ(*acked, server->version_vector());

  // The same version checks as HELLO, and only as the first step of a session.
  ServerProtocol old(*server, auth, station_guard, station_filter, server.clock, "bundle:y");
  wire::Hello older = hello;
  older.schema -= 1;
  EXPECT_EQ(old.start_authenticated(device, older).close_reason, errc::kClientTooOld);
  EXPECT_EQ(s.start_authenticated(device, hello).close_reason, errc::kBadMessage);
}

}  // namespace
}  // namespace liaison::sync
