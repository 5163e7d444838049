// The merge policy against the schema: every synced table's columns, order, types and NOT NULL
// constraints must match what shared/sync/policy.cpp declares, and every domain table in the
// schema must be synced and guarded.
#include "shared/sync/policy.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "shared/storage/db.h"
#include "shared/storage/migrations.h"
#include "tests/common/status_testing.h"

namespace liaison::sync {
namespace {

struct SchemaColumn {
  std::string name, type;
  bool not_null = false;
  bool pk = false;
};

class PolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = storage::Db::open(":memory:", true);
    ASSERT_TRUE(db.is_ok());
    db_ = std::move(db).value();
    // The schema's write guards call it; the program registers it on every connection.
    ASSERT_OK(db_->register_flag_function("liaison_capturing", &capturing_));
    ASSERT_OK(storage::migrate(*db_, storage::embedded_migrations()));
  }

  std::vector<SchemaColumn> columns(const std::string& table) {
    std::vector<SchemaColumn> out;
    auto q =
        db_->prepare("SELECT name, type, \"notnull\", pk FROM pragma_table_info(?) ORDER BY cid");
    EXPECT_TRUE(q.is_ok());
    if (!q) return out;
    q->bind(1, table);
    for (;;) {
      auto more = q->step();
      EXPECT_TRUE(more.is_ok());
      if (!more || !more.value()) break;
      out.push_back(
          {q->column_text(0), q->column_text(1), q->column_int(2) != 0, q->column_int(3) != 0});
    }
    return out;
  }

  std::vector<std::string> names(const std::string& sql) {
    std::vector<std::string> out;
    auto q = db_->prepare(sql);
    EXPECT_TRUE(q.is_ok());
    if (!q) return out;
    for (;;) {
      auto more = q->step();
      if (!more || !more.value()) break;
      out.push_back(q->column_text(0));
    }
    return out;
  }

  bool capturing_ = false;
  std::unique_ptr<storage::Db> db_;
};

TEST_F(PolicyTest, TableIdsAreDenseAndLookupsAgree) {
  const auto& all = tables();
  ASSERT_FALSE(all.empty());
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].id, static_cast<int>(i));
    EXPECT_EQ(&table(static_cast<int>(i)), &all[i]);
    EXPECT_EQ(find_table(all[i].name), &all[i]);
    for (size_t c = 0; c < all[i].columns.size(); ++c)
      EXPECT_EQ(all[i].column_index(all[i].columns[c].name), static_cast<int>(c));
    EXPECT_EQ(all[i].column_index("no_such_column"), -1);
  }
  EXPECT_EQ(find_table("no_such_table"), nullptr);
  EXPECT_EQ(find_table("_log"), nullptr);
}

TEST_F(PolicyTest, EveryPolicyTableMatchesTheSchema) {
  for (const TablePolicy& t : tables()) {
    SCOPED_TRACE(t.name);
    std::vector<SchemaColumn> schema = columns(t.name);
    ASSERT_EQ(schema.size(), t.columns.size() + 1) << "policy columns plus _clk";
    for (size_t i = 0; i < t.columns.size(); ++i) {
      const ColumnPolicy& p = t.columns[i];
      const SchemaColumn& s = schema[i];
      SCOPED_TRACE(p.name);
      EXPECT_EQ(s.name, p.name) << "column " << i;
      EXPECT_EQ(s.type, p.type == ColumnType::kText ? "TEXT" : "INTEGER");
      if (i == 0) {
        EXPECT_EQ(p.kind, ColumnKind::kId);
        EXPECT_TRUE(s.pk) << "the id is the primary key";
        continue;
      }
      EXPECT_NE(p.kind, ColumnKind::kId);
      EXPECT_FALSE(s.pk);
      // Columns fixed at creation are NOT NULL exactly when required. Editable columns are
      // never NOT NULL: a creation received from a peer may come without a value a later edit
      // replaced (schema/0001_init.sql); capture checks their required-ness instead.
      if (p.kind == ColumnKind::kImmutable) {
        EXPECT_EQ(p.required, s.not_null) << "required must be exactly NOT NULL";
      } else {
        EXPECT_FALSE(s.not_null) << "an editable column must not be NOT NULL";
      }
    }
    EXPECT_EQ(schema.back().name, "_clk");
    EXPECT_EQ(schema.back().type, "BLOB");
    EXPECT_TRUE(schema.back().not_null);
  }
}

TEST_F(PolicyTest, EveryTableHasACreateMarker) {
  for (const TablePolicy& t : tables()) {
    SCOPED_TRACE(t.name);
    ASSERT_GT(t.create_marker, 0);
    ASSERT_LT(static_cast<size_t>(t.create_marker), t.columns.size());
    EXPECT_EQ(t.columns[static_cast<size_t>(t.create_marker)].kind, ColumnKind::kImmutable);
    for (int i = 1; i < t.create_marker; ++i)
      EXPECT_NE(t.columns[static_cast<size_t>(i)].kind, ColumnKind::kImmutable)
          << "the marker is the first immutable column";
  }
}

TEST_F(PolicyTest, AppendOnlyTablesHaveOnlyImmutableColumns) {
  for (const TablePolicy& t : tables()) {
    if (t.kind != TableKind::kAppendOnly) continue;
    for (size_t i = 1; i < t.columns.size(); ++i)
      EXPECT_EQ(t.columns[i].kind, ColumnKind::kImmutable) << t.name << "." << t.columns[i].name;
  }
}

TEST_F(PolicyTest, VerbatimOpinionFieldsAreImmutableAndEditableOnesMerge) {
  const TablePolicy* o = find_table("opinion");
  ASSERT_NE(o, nullptr);
  for (const char* name : {"station_id", "recorded_by", "at", "matter", "created_at"})
    EXPECT_EQ(o->columns[static_cast<size_t>(o->column_index(name))].kind, ColumnKind::kImmutable)
        << name;
  for (const char* name : {"voter", "phone", "place", "category", "void_reason"})
    EXPECT_EQ(o->columns[static_cast<size_t>(o->column_index(name))].kind, ColumnKind::kLww)
        << name;
  EXPECT_EQ(find_table("opinion_step")->kind, TableKind::kAppendOnly);
  EXPECT_EQ(find_table("amendment")->kind, TableKind::kAppendOnly);
}

TEST_F(PolicyTest, EveryDomainTableInTheSchemaIsSynced) {
  std::vector<std::string> domain = names(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' "
      "ESCAPE '\\' AND name NOT LIKE 'sqlite%' AND name <> 'schema_migrations' ORDER BY name");
  ASSERT_FALSE(domain.empty());
  std::set<std::string> synced;
  for (const TablePolicy& t : tables()) synced.insert(t.name);
  for (const std::string& name : domain)
    EXPECT_TRUE(synced.count(name)) << name << " has no policy";
  EXPECT_EQ(domain.size(), synced.size());
}

}  // namespace
}  // namespace liaison::sync
