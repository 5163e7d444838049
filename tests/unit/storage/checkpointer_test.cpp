#include "shared/storage/checkpointer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "shared/storage/db.h"
#include "tests/common/poll.h"
#include "tests/common/status_testing.h"
#include "tests/common/temp_dir.h"

namespace liaison::storage {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

constexpr uintmax_t kPage = 4096;
constexpr int kRowsPerTransaction = 600;  // a row of 4,000 bytes per page

uintmax_t file_size(const std::string& path) {
  std::error_code ec;
  uintmax_t n = fs::file_size(path, ec);
  return ec ? 0 : n;
}

std::unique_ptr<Db> open_wal(const std::string& path) {
  auto db = Db::open(path, true);
  EXPECT_OK(db);
  if (!db) return nullptr;
  EXPECT_OK((*db)->exec("PRAGMA journal_mode=WAL"));
  (*db)->checkpoint_in_background();
  EXPECT_OK((*db)->exec("CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY, body BLOB)"));
  return std::move(db).value();
}

// Writes one transaction of kRowsPerTransaction rows, each filling about a page.
void write_rows(Db& db) {
  ASSERT_OK(db.transaction([&]() -> Status {
    LIAISON_ASSIGN_OR_RETURN(Stmt ins, db.prepare("INSERT INTO t(body) VALUES(zeroblob(4000))"));
    for (int i = 0; i < kRowsPerTransaction; ++i) {
      LIAISON_RETURN_IF_ERROR(ins.run());
      ins.reset();
    }
    return Status{};
  }));
}

int64_t rows(Db& db) {
  auto q = db.prepare("SELECT count(*) FROM t");
  EXPECT_OK(q);
  EXPECT_TRUE(q->step().value());
  return q->column_int(0);
}

TEST(CheckpointerTest, TheWalIsCopiedBackIntoTheDatabaseOnceItPassesAThousandPages) {
  TempDir dir;
  std::string path = dir.file("a.db");
  auto db = open_wal(path);
  ASSERT_TRUE(db);
  write_rows(*db);
  write_rows(*db);  // 1,200 pages in the WAL: a checkpoint is due
  // In WAL mode only a checkpoint writes the database file.
  EXPECT_TRUE(test::poll_until([&] { return file_size(path) >= 2 * kRowsPerTransaction * kPage; }))
      << file_size(path);
  EXPECT_EQ(rows(*db), 2 * kRowsPerTransaction);
}

TEST(CheckpointerTest, AWriterThatNeverPausesKeepsTheWalBounded) {
  TempDir dir;
  std::string path = dir.file("a.db");
  auto db = open_wal(path);
  ASSERT_TRUE(db);
  // 36,000 pages back to back, four times the bound: a checkpoint that runs beside the writer
  // cannot start the WAL over, so without the writer's own checkpoints it would hold them all.
  int transactions = 4 * Checkpointer::kMaxPages / kRowsPerTransaction;
  for (int i = 0; i < transactions; ++i) write_rows(*db);
  uintmax_t frame = kPage + 24;
  uintmax_t bound = (Checkpointer::kMaxPages + 2 * kRowsPerTransaction + 100) * frame;
  EXPECT_LE(file_size(path + "-wal"), bound);
  EXPECT_EQ(rows(*db), int64_t{transactions} * kRowsPerTransaction);
}

TEST(CheckpointerTest, ClosingLeavesEverythingInTheDatabaseFile) {
  TempDir dir;
  std::string path = dir.file("a.db");
  {
    auto db = open_wal(path);
    ASSERT_TRUE(db);
    for (int i = 0; i < 5; ++i) write_rows(*db);
  }  // closed with checkpoints due or under way
  EXPECT_FALSE(fs::exists(path + "-wal"));  // the last connection checkpointed and removed it
  EXPECT_GE(file_size(path), 5 * kRowsPerTransaction * kPage);
  auto again = open_wal(path);
  ASSERT_TRUE(again);
  EXPECT_EQ(rows(*again), 5 * kRowsPerTransaction);
}

}  // namespace
}  // namespace liaison::storage
