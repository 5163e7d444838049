// Change capture: the only way to write domain rows is Replica::write + insert/update, every such
// write is logged exactly once with the next sequence number, and a failed write leaves nothing
// behind, not even a used sequence number.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>

#include "shared/sync/replica.h"
#include "tests/common/replica_fixture.h"
#include "tests/common/status_testing.h"

namespace liaison::sync {
namespace {

using test::col;
using test::policy;
using test::query_int;

class CaptureTest : public test::ReplicaFixture {
 protected:
  void SetUp() override { r_ = &make("capture"); }

  int64_t scalar(const std::string& sql) {
    auto v = query_int(**r_, sql);
    EXPECT_TRUE(v.is_ok()) << sql << ": " << test::describe(test::status_of(v));
    return v.is_ok() ? v.value() : -1;
  }
  int64_t log_count() { return scalar("SELECT COUNT(*) FROM _log"); }
  uint64_t own_seq() {
    VersionVector vv = (*r_)->version_vector();
    auto it = vv.find((*r_)->info().id);
    return it == vv.end() ? 0 : it->second;
  }
  std::string digest() {
    auto d = (*r_)->digest();
    EXPECT_TRUE(d.is_ok());
    return d.is_ok() ? d.value() : "";
  }
  // The _log entries of this replica are exactly 1..n with no gap.
  void expect_contiguous_log(int64_t n) {
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM _log WHERE origin = 1"), n);
    EXPECT_EQ(scalar("SELECT COALESCE(MIN(seq), 0) FROM _log WHERE origin = 1"), n > 0 ? 1 : 0);
    EXPECT_EQ(scalar("SELECT COALESCE(MAX(seq), 0) FROM _log WHERE origin = 1"), n);
    EXPECT_EQ(scalar("SELECT seq FROM _replica"), n);
    EXPECT_EQ(own_seq(), static_cast<uint64_t>(n));
  }

  test::TestReplica* r_ = nullptr;
};

// The schema refuses writes outside capture with guards that call liaison_capturing(): inside
// the program the guard fails, elsewhere the function does not exist.
bool refused_by_guard(const std::string& error) {
  return error.find("liaison_capturing") != std::string::npos ||
         error.find("write outside change capture") != std::string::npos;
}

// Values for every required column of t, so that a row of any table can be made generically.
Fields required_fields(const TablePolicy& t) {
  Fields f;
  for (size_t i = 1; i < t.columns.size(); ++i) {
    if (!t.columns[i].required) continue;
    if (t.columns[i].type == ColumnType::kText) {
      f.emplace_back(static_cast<int>(i), std::string("v-") + t.columns[i].name);
    } else {
      f.emplace_back(static_cast<int>(i), int64_t{1});
    }
  }
  return f;
}

std::string raw_insert_sql(const TablePolicy& t) {
  std::string cols = "id", vals = "'raw-id'";
  for (size_t i = 1; i < t.columns.size(); ++i) {
    if (!t.columns[i].required) continue;
    cols += ", " + t.columns[i].name;
    vals += t.columns[i].type == ColumnType::kText ? ", 'x'" : ", 1";
  }
  return "INSERT INTO " + t.name + "(" + cols + ", _clk) VALUES(" + vals + ", x'00')";
}

std::string raw_update_sql(const TablePolicy& t) {
  const ColumnPolicy& c = t.columns[1];
  return "UPDATE " + t.name + " SET " + c.name + " = " +
         (c.type == ColumnType::kText ? "'changed'" : "42");
}

// Inserts one row of t through capture and returns its id.
Result<std::string> insert_row(Replica& r, const TablePolicy& t) {
  std::string id;
  LIAISON_RETURN_IF_ERROR(r.write([&]() -> Status {
    LIAISON_ASSIGN_OR_RETURN(id, r.insert(t, required_fields(t)));
    return {};
  }));
  return id;
}

TEST_F(CaptureTest, RawWritesOnTheReplicaConnectionAreRefusedForEveryTable) {
  for (const TablePolicy& t : tables()) ASSERT_OK(insert_row(**r_, t));
  std::string before = digest();
  int64_t logged = log_count();
  for (const TablePolicy& t : tables()) {
    SCOPED_TRACE(t.name);
    for (const std::string& sql : {raw_insert_sql(t), raw_update_sql(t), "DELETE FROM " + t.name}) {
      Status s = (*r_)->db().exec(sql);
      EXPECT_FALSE(s.is_ok()) << sql;
      EXPECT_TRUE(refused_by_guard(s.detail())) << sql << ": " << s.detail();
    }
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM " + t.name), 1);
  }
  EXPECT_EQ(digest(), before);
  EXPECT_EQ(log_count(), logged);
}

TEST_F(CaptureTest, RawWritesFromAPlainSqliteConnectionAreRefused) {
  ASSERT_OK_AND_ASSIGN(std::string id, test::add_opinion(**r_));
  std::string before = digest();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2((*r_).path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
  const TablePolicy& t = policy("opinion");
  for (const std::string& sql :
       {raw_insert_sql(t), raw_update_sql(t), std::string("DELETE FROM opinion"),
        std::string("UPDATE opinion SET voter = 'x' WHERE id = '") + id + "'"}) {
    char* err = nullptr;
    int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
    EXPECT_NE(rc, SQLITE_OK) << sql;
    EXPECT_TRUE(refused_by_guard(err ? err : "")) << (err ? err : "");
    sqlite3_free(err);
  }
  // The connection itself works: reads are fine.
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(db, "SELECT COUNT(*) FROM opinion", nullptr, nullptr, &err), SQLITE_OK);
  sqlite3_free(err);
  sqlite3_close(db);
  EXPECT_EQ(digest(), before);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM opinion"), 1);
}

TEST_F(CaptureTest, RawWritesInsideAWriteCallbackAreRefused) {
  // write() opens the transaction for insert() and update(); SQL run by the callback itself is
  // still outside change capture and must not reach a domain table unlogged.
  ASSERT_OK_AND_ASSIGN(std::string id, test::add_opinion(**r_));
  std::string before = digest();
  int64_t logged = log_count();
  Status s = (*r_)->write([&]() {
    return (*r_)->db().exec("UPDATE opinion SET voter = 'bypass' WHERE id = '" + id + "'");
  });
  EXPECT_FALSE(s.is_ok());
  s = (*r_)->write([&]() { return (*r_)->db().exec(raw_insert_sql(policy("opinion"))); });
  EXPECT_FALSE(s.is_ok());
  EXPECT_EQ(digest(), before);
  EXPECT_EQ(log_count(), logged);
}

TEST_F(CaptureTest, EveryInsertAndUpdateLogsExactlyOneChange) {
  const TablePolicy& o = policy("opinion");
  auto expect_last_log = [&](int64_t seq, const TablePolicy& t, const std::string& id, int column) {
    EXPECT_EQ(log_count(), seq);
    EXPECT_EQ(own_seq(), static_cast<uint64_t>(seq));
    auto row = (*r_)->load(t, id);
    ASSERT_TRUE(row.is_ok() && row.value().has_value());
    const FieldClock& f = row.value()->clock.fields[static_cast<size_t>(column)];
    EXPECT_EQ(f.seq, static_cast<uint64_t>(seq));
    EXPECT_EQ(f.stamp.origin, 1u);
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM _log WHERE origin = 1 AND seq = " + std::to_string(seq) +
                     " AND tbl = " + std::to_string(t.id) + " AND row_id = '" + id +
                     "' AND hlc = " + std::to_string(f.stamp.hlc)),
              1);
  };
  ASSERT_OK_AND_ASSIGN(std::string id, test::add_opinion(**r_));
  expect_last_log(1, o, id, col(o, "matter"));
  ASSERT_OK(test::edit(**r_, "opinion", id, {{"category", std::string("roads")}}));
  expect_last_log(2, o, id, col(o, "category"));
  ASSERT_OK(test::edit(**r_, "opinion", id,
                       {{"phone", std::string("13800000000")}, {"place", std::string("梨园")}}));
  expect_last_log(3, o, id, col(o, "phone"));
  ASSERT_OK_AND_ASSIGN(std::string step, test::add_step(**r_, id));
  expect_last_log(4, policy("opinion_step"), step, col(policy("opinion_step"), "step"));
  expect_contiguous_log(4);
}

TEST_F(CaptureTest, TwoInsertsInOneWriteAreTwoChanges) {
  const TablePolicy& c = policy("category");
  ASSERT_OK((*r_)->write([&]() -> Status {
    LIAISON_ASSIGN_OR_RETURN(std::string a, (*r_)->insert(c, required_fields(c), "cat-1"));
    LIAISON_ASSIGN_OR_RETURN(std::string b, (*r_)->insert(c, required_fields(c), "cat-2"));
    return a == "cat-1" && b == "cat-2" ? Status{} : Status::internal("ids");
  }));
  expect_contiguous_log(2);
}

TEST_F(CaptureTest, UpdateWithUnchangedValuesLogsNothing) {
  test::OpinionSpec spec;
  spec.category = std::string("roads");
  ASSERT_OK_AND_ASSIGN(std::string id, test::add_opinion(**r_, spec));
  auto clk = [&]() -> std::string {
    auto q = (*r_)->db().prepare("SELECT hex(_clk) FROM opinion WHERE id = '" + id + "'");
    if (!q) return "prepare failed";
    auto more = q->step();
    return more.is_ok() && more.value() ? q->column_text(0) : "no row";
  };
  std::string clk_before = clk();
  ASSERT_OK(test::edit(**r_, "opinion", id,
                       {{"category", std::string("roads")}, {"voter", std::string("张三")}}));
  ASSERT_OK(test::edit(**r_, "opinion", id, {}));
  EXPECT_EQ(clk(), clk_before);
  expect_contiguous_log(1);
}

TEST_F(CaptureTest, UpdateStampsOnlyTheChangedColumnsWithTheReplacedWriteAsBase) {
  test::OpinionSpec spec;
  spec.phone = std::string("13800000000");
  ASSERT_OK_AND_ASSIGN(std::string id, test::add_opinion(**r_, spec));
  const TablePolicy& o = policy("opinion");
  auto category = static_cast<size_t>(col(o, "category"));
  auto phone = static_cast<size_t>(col(o, "phone"));
  ASSERT_OK_AND_ASSIGN(std::optional<Row> before, (*r_)->load(o, id));
  (*r_).clock.advance(1000);
  ASSERT_OK(
      test::edit(**r_, "opinion", id,
                 {{"category", std::string("water")}, {"phone", std::string("13800000000")}}));
  ASSERT_OK_AND_ASSIGN(std::optional<Row> after, (*r_)->load(o, id));
  ASSERT_TRUE(before.has_value() && after.has_value());
  const FieldClock& created = before->clock.fields[category];
  const FieldClock& edited = after->clock.fields[category];
  EXPECT_GT(edited.stamp.hlc, created.stamp.hlc);
  EXPECT_EQ(edited.stamp.origin, 1u);
  EXPECT_EQ(edited.seq, 2u);
  EXPECT_EQ(edited.base, created.stamp) << "the edit knowingly replaced the creation";
  EXPECT_EQ(after->clock.fields[phone], before->clock.fields[phone]);
  EXPECT_EQ(after->values[category], Value{std::string("water")});
}

TEST_F(CaptureTest, ImmutableColumnsCannotBeUpdated) {
  ASSERT_OK_AND_ASSIGN(std::string id, test::add_opinion(**r_));
  ASSERT_OK_AND_ASSIGN(std::string step, test::add_step(**r_, id));
  std::string before = digest();
  EXPECT_CODE(test::edit(**r_, "opinion", id, {{"matter", std::string("改写的原话")}}),
              Code::kInvalidArgument);
  EXPECT_CODE(test::edit(**r_, "opinion", id,
                         {{"category", std::string("roads")}, {"station_id", std::string("S02")}}),
              Code::kInvalidArgument);
  EXPECT_CODE(test::edit(**r_, "opinion_step", step, {{"note", std::string("x")}}),
              Code::kInvalidArgument);
  EXPECT_EQ(digest(), before);
  expect_contiguous_log(2);
}

TEST_F(CaptureTest, ValuesThatBreakThePolicyAreRefused) {
  ASSERT_OK_AND_ASSIGN(std::string id, test::add_opinion(**r_));
  std::string before = digest();
  EXPECT_CODE(test::edit(**r_, "opinion", id, {{"voter", int64_t{5}}}), Code::kInvalidArgument);
  EXPECT_CODE(test::edit(**r_, "opinion", id, {{"voter", Value{}}}), Code::kInvalidArgument);
  EXPECT_CODE(test::edit(**r_, "opinion", id, {{"voter", std::string()}}), Code::kInvalidArgument)
      << "an edit cannot empty a required field that a creation could not leave empty";
  EXPECT_CODE(test::edit(**r_, "opinion", "no-such-id", {{"voter", std::string("x")}}),
              Code::kNotFound);
  test::OpinionSpec missing;
  missing.voter = "";
  EXPECT_CODE(test::add_opinion(**r_, missing), Code::kInvalidArgument);
  const TablePolicy& o = policy("opinion");
  EXPECT_CODE((*r_)->write([&]() {
    return (*r_)->update(o, id, {{99, std::string("x")}});
  }),
              Code::kInternal);
  EXPECT_EQ(digest(), before);
  expect_contiguous_log(1);
}

TEST_F(CaptureTest, AnExplicitIdThatExistsIsRefused) {
  const TablePolicy& c = policy("category");
  auto insert_roads = [&]() {
    return (*r_)->write(
        [&]() { return test::status_of((*r_)->insert(c, required_fields(c), "roads")); });
  };
  ASSERT_OK(insert_roads());
  EXPECT_CODE(insert_roads(), Code::kAlreadyExists);
  expect_contiguous_log(1);
}

TEST_F(CaptureTest, WritesOutsideWriteAndNestedWritesAreRefused) {
  const TablePolicy& c = policy("category");
  EXPECT_CODE((*r_)->insert(c, required_fields(c)), Code::kInternal);
  EXPECT_CODE((*r_)->update(c, "x", {{col(c, "name"), std::string("y")}}), Code::kInternal);
  EXPECT_CODE((*r_)->write([&]() { return (*r_)->write([] { return Status{}; }); }),
              Code::kInternal);
  EXPECT_CODE((*r_)->write([&]() { return test::status_of((*r_)->apply(wire::Changeset{})); }),
              Code::kInternal);
  expect_contiguous_log(0);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM category"), 0);
}

TEST_F(CaptureTest, FailedWriteRollsBackRowsLogAndSequence) {
  ASSERT_OK_AND_ASSIGN(std::string kept, test::add_opinion(**r_));
  ASSERT_OK(test::edit(**r_, "opinion", kept, {{"category", std::string("roads")}}));
  std::string before = digest();
  const TablePolicy& o = policy("opinion");
  const TablePolicy& c = policy("category");
  Status s = (*r_)->write([&]() -> Status {
    LIAISON_RETURN_IF_ERROR(test::status_of((*r_)->insert(c, required_fields(c), "lost-1")));
    LIAISON_RETURN_IF_ERROR(
        (*r_)->update(o, kept, {{col(o, "category"), std::string("overwritten")}}));
    LIAISON_RETURN_IF_ERROR(test::status_of((*r_)->insert(c, required_fields(c), "lost-2")));
    return Status::invalid("test.abort");
  });
  EXPECT_EQ(s.key(), "test.abort");
  EXPECT_EQ(digest(), before) << "rows rolled back";
  expect_contiguous_log(2);

  // A write that fails on a refused insert half way rolls back the same way.
  s = (*r_)->write([&]() -> Status {
    LIAISON_RETURN_IF_ERROR(test::status_of((*r_)->insert(c, required_fields(c), "lost-3")));
    return test::status_of((*r_)->insert(c, {}, "lost-4"));  // misses the required name
  });
  EXPECT_CODE(s, Code::kInvalidArgument);
  EXPECT_EQ(digest(), before);
  expect_contiguous_log(2);

  // The next write takes the next number: none reused, none skipped.
  ASSERT_OK_AND_ASSIGN(std::string next, test::add_opinion(**r_));
  expect_contiguous_log(3);
  ASSERT_OK_AND_ASSIGN(std::optional<Row> row, (*r_)->load(o, next));
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->clock.fields[static_cast<size_t>(o.create_marker)].seq, 3u);
}

TEST_F(CaptureTest, StampsKeepIncreasingWhenTheClockGoesBack) {
  ASSERT_OK_AND_ASSIGN(std::string id, test::add_opinion(**r_));
  uint64_t first = (*r_)->hlc_now();
  (*r_).clock.advance(-3'600'000);
  ASSERT_OK(test::edit(**r_, "opinion", id, {{"category", std::string("roads")}}));
  EXPECT_GT((*r_)->hlc_now(), first);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM _log WHERE hlc > " + std::to_string(first)), 1);
}

TEST_F(CaptureTest, SequenceAndClockSurviveAReopen) {
  ASSERT_OK_AND_ASSIGN(std::string id, test::add_opinion(**r_));
  ASSERT_OK(test::edit(**r_, "opinion", id, {{"category", std::string("roads")}}));
  uint64_t last = (*r_)->hlc_now();
  ASSERT_OK((*r_).reopen());
  (*r_).clock.advance(-86'400'000);  // restarted with the clock a day behind
  ASSERT_OK(test::edit(**r_, "opinion", id, {{"category", std::string("water")}}));
  expect_contiguous_log(3);
  EXPECT_GT((*r_)->hlc_now(), last);
}

}  // namespace
}  // namespace liaison::sync
