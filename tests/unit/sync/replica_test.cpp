// The replica itself: identity, roles, persistence of its settings, and the digest that
// compares replicas.
#include "shared/sync/replica.h"

#include <fstream>

#include <gtest/gtest.h>

#include "shared/storage/db.h"
#include "tests/common/replica_fixture.h"
#include "tests/common/status_testing.h"

namespace liaison::sync {
namespace {

class ReplicaTest : public test::SyncFixture {};

TEST_F(ReplicaTest, RolesHaveStableNames) {
  for (Role role : {Role::kStation, Role::kSpokesperson, Role::kDistrict}) {
    auto back = parse_role(role_name(role));
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, role);
  }
  EXPECT_FALSE(parse_role("admin").has_value());
  EXPECT_FALSE(parse_role("").has_value());
}

TEST_F(ReplicaTest, IdentityAndSettingsSurviveAReopen) {
  test::ReplicaSpec spec;
  spec.name = "s";
  spec.role = Role::kSpokesperson;
  spec.id = test::fixed_uuid(0x42);
  auto& r = make(spec);
  EXPECT_EQ(r->info().id, test::fixed_uuid(0x42));
  EXPECT_EQ(r->info().created_at, "2025-01-01T00:00:00.000Z");
  ASSERT_OK(r->set_server("wss://district.example:8443", "token-1"));
  ASSERT_OK(r.reopen());
  EXPECT_EQ(r->info().id, test::fixed_uuid(0x42));
  EXPECT_EQ(r->info().role, Role::kSpokesperson);
  EXPECT_EQ(r->info().station_id, "S01");
  EXPECT_EQ(r->info().server, "wss://district.example:8443");
  EXPECT_EQ(r->info().token, "token-1");
}

TEST_F(ReplicaTest, OpeningWhatIsNotAReplicaFailsAndChangesNothing) {
  EXPECT_CODE(Replica::open(set_.dir().file("missing.db")), Code::kNotFound);
  std::string text = set_.dir().file("notes.txt");
  {
    std::ofstream out(text);
    out << "not a database\n";
  }
  std::string other = set_.dir().file("other.db");
  {
    auto db = storage::Db::open(other, true);
    ASSERT_TRUE(db.is_ok());
    ASSERT_OK(db.value()->exec("CREATE TABLE notes(body TEXT)"));
  }
  for (const std::string& path : {text, other}) {
    std::string bytes = test::read_file_bytes(path);
    auto r = Replica::open(path);
    EXPECT_FALSE(r.is_ok()) << path;
    EXPECT_TRUE(test::read_file_bytes(path) == bytes) << path << " was changed";
  }
}

TEST_F(ReplicaTest, TwoConnectionsToOneFileNeverReuseASequence) {
  // A station's hub (`liaison serve`) and the clerk's `liaison opinion add` are two processes
  // on one file: each must see the other's changes before it numbers its own.
  auto& a = make("station");
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Replica> b, Replica::open(a.path));
  ASSERT_OK(test::add_opinion(*a));
  ASSERT_OK(test::add_opinion(*b));
  ASSERT_OK(test::add_opinion(*a));
  ASSERT_OK(test::add_opinion(*b));
  Uuid me = a->info().id;
  EXPECT_EQ(scalar(a, "SELECT COUNT(DISTINCT seq) FROM _log WHERE origin = 1"), 4);
  EXPECT_EQ(scalar(a, "SELECT MAX(seq) FROM _log WHERE origin = 1"), 4);
  ASSERT_OK(a->refresh());
  EXPECT_EQ(a->version_vector()[me], 4u);
  EXPECT_EQ(b->version_vector()[me], 4u);
  // What one connection received is in the other's vector once it refreshes, so a sync from
  // either sends it on.
  auto& peer = make("peer", 2);
  ASSERT_OK(test::add_opinion(*peer));
  ASSERT_TRUE(test::exchange(*peer, *b).is_ok());
  ASSERT_OK(a->refresh());
  EXPECT_EQ(a->version_vector()[peer->info().id], 1u);
  EXPECT_EQ(scalar(a, "SELECT COUNT(*) FROM opinion"), 5);
}

TEST_F(ReplicaTest, NewIdsAreUuidsFromTheInjectedClock) {
  auto& r = make("r");
  std::string id = r->new_id();
  ASSERT_TRUE(is_uuid_text(id));
  EXPECT_EQ(id.substr(0, 8), "01941f29") << "the fake clock's milliseconds";
  EXPECT_NE(r->new_id(), id);
}

TEST_F(ReplicaTest, DigestComparesValuesNotHistory) {
  auto& a = make("a", 1);
  auto& b = make("b", 2);
  EXPECT_EQ(digest(a), digest(b)) << "two empty replicas";
  test::OpinionSpec spec;
  ASSERT_OK_AND_ASSIGN(std::string id, test::add_opinion(*a, spec));
  EXPECT_NE(digest(a), digest(b));
  ASSERT_OK(test::exchange(*a, *b));
  EXPECT_EQ(digest(a), digest(b));
  // Different histories, same values: the same digest.
  ASSERT_OK(test::edit(*a, "opinion", id, {{"category", std::string("roads")}}));
  ASSERT_OK(test::edit(*a, "opinion", id, {{"category", Value{}}}));
  EXPECT_EQ(digest(a), digest(b));
  // A null and the text "null" are different values.
  ASSERT_OK(test::edit(*a, "opinion", id, {{"phone", std::string("null")}}));
  EXPECT_NE(digest(a), digest(b));
}

}  // namespace
}  // namespace liaison::sync
