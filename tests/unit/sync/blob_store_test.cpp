// The attachment content store: whole puts, chunked writes that resume after a restart, the
// SHA-256 check that discards a mismatch, the size limit, and the lists the protocol needs.
#include "shared/sync/blob_store.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <random>

#include "tests/common/replica_fixture.h"
#include "tests/common/status_testing.h"

namespace liaison::sync {
namespace {

constexpr size_t kChunk = wire::kBlobChunkSize;

std::string random_bytes(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(rng() & 0xff);
  return out;
}

// An attachment row on the opinion, referring to content with this hash.
Status add_attachment_row(Replica& r, const std::string& opinion_id, const std::string& sha,
                          int64_t size) {
  const TablePolicy& t = test::policy("attachment");
  return r.write([&]() -> Status {
    Fields f = {{test::col(t, "owner_table"), Value{std::string("opinion")}},
                {test::col(t, "owner_id"), Value{opinion_id}},
                {test::col(t, "station_id"), Value{std::string("S01")}},
                {test::col(t, "sha256"), Value{sha}},
                {test::col(t, "size"), Value{size}},
                {test::col(t, "at"), Value{std::string("2025-01-01T10:00:00Z")}}};
    Result<std::string> id = r.insert(t, std::move(f));
    return id.is_ok() ? Status{} : id.status();
  });
}

class BlobStoreTest : public test::SyncFixture {
 protected:
  int64_t chunks(test::TestReplica& r) { return scalar(r, "SELECT COUNT(*) FROM _blob_chunk"); }
  int64_t blobs(test::TestReplica& r) { return scalar(r, "SELECT COUNT(*) FROM _blob"); }
};

TEST_F(BlobStoreTest, APutIsStoredInChunksAndReadBack) {
  auto& r = make("r");
  BlobStore store(r->db());
  std::string bytes = random_bytes(2 * kChunk + 1234, 1);
  ASSERT_OK_AND_ASSIGN(BlobInfo info, store.put(bytes));
  EXPECT_EQ(info.sha256, sha256_hex(bytes));
  EXPECT_TRUE(info.complete);
  EXPECT_EQ(info.size, bytes.size());
  EXPECT_EQ(chunks(r), 3);
  ASSERT_OK_AND_ASSIGN(std::string c0, store.read_chunk(info.sha256, 0));
  ASSERT_OK_AND_ASSIGN(std::string c2, store.read_chunk(info.sha256, 2 * kChunk));
  EXPECT_EQ(c0, bytes.substr(0, kChunk));
  EXPECT_EQ(c2, bytes.substr(2 * kChunk));
  ASSERT_OK_AND_ASSIGN(std::string all, store.read_all(info.sha256));
  EXPECT_EQ(all, bytes);
  // Offsets that do not start a chunk, or lie past the end, are refused.
  EXPECT_CODE(store.read_chunk(info.sha256, 17), Code::kInvalidArgument);
  EXPECT_CODE(store.read_chunk(info.sha256, 3 * kChunk), Code::kInvalidArgument);
  // The same content again stores nothing.
  ASSERT_OK(store.put(bytes));
  EXPECT_EQ(chunks(r), 3);
  EXPECT_EQ(blobs(r), 1);
  ASSERT_OK_AND_ASSIGN(bool has, store.has(info.sha256));
  EXPECT_TRUE(has);
}

TEST_F(BlobStoreTest, EmptyContentIsWholeAtOnce) {
  auto& r = make("r");
  BlobStore store(r->db());
  ASSERT_OK_AND_ASSIGN(BlobInfo info, store.put(""));
  EXPECT_TRUE(info.complete);
  EXPECT_EQ(info.size, 0u);
  ASSERT_OK_AND_ASSIGN(std::string c, store.read_chunk(info.sha256, 0));
  EXPECT_TRUE(c.empty());
}

TEST_F(BlobStoreTest, ChunksResumeFromTheLastOneAfterARestart) {
  auto& r = make("r");
  std::string bytes = random_bytes(3 * kChunk + 10, 2);
  std::string sha = sha256_hex(bytes);
  for (uint64_t offset = 0; offset < bytes.size(); offset += kChunk) {
    BlobStore store(r->db());
    ASSERT_OK_AND_ASSIGN(std::optional<BlobInfo> held, store.info(sha));
    EXPECT_EQ(held ? held->received : 0u, offset);
    ASSERT_OK_AND_ASSIGN(bool whole, store.has(sha));
    EXPECT_FALSE(whole);
    EXPECT_CODE(store.read_chunk(sha, 0), Code::kNotFound);  // not served while partial
    ASSERT_OK_AND_ASSIGN(ChunkOutcome o,
                         store.write_chunk(sha, bytes.size(), offset, bytes.substr(offset, kChunk)));
    EXPECT_FALSE(o.mismatch);
    EXPECT_EQ(o.info.received, std::min<uint64_t>(offset + kChunk, bytes.size()));
    ASSERT_OK(r.reopen());  // a cut: the next writer starts from what the file holds
  }
  BlobStore store(r->db());
  ASSERT_OK_AND_ASSIGN(std::string all, store.read_all(sha));
  EXPECT_EQ(all, bytes);
}

// Rows written with the chunk size of 0.3 and 0.4 (256 KiB, eight of today's chunks): content
// held whole is read in today's chunks, and content held in part resumes at today's size.
TEST_F(BlobStoreTest, ContentStoredInLargerRowsByAnEarlierVersionIsReadAndResumed) {
  constexpr size_t kOldRow = size_t{256} << 10;
  ASSERT_EQ(kOldRow % kChunk, 0u);
  auto& r = make("r");
  auto old_rows = [&](const std::string& bytes, size_t held) -> Status {
    std::string sha = sha256_hex(bytes);
    LIAISON_ASSIGN_OR_RETURN(storage::Stmt blob, r->db().prepare(
        "INSERT INTO _blob(sha256, size, received, complete, created_at) VALUES(?, ?, ?, ?, 'x')"));
    blob.bind(1, sha).bind(2, static_cast<int64_t>(bytes.size()));
    blob.bind(3, static_cast<int64_t>(held)).bind(4, int64_t{held == bytes.size() ? 1 : 0});
    LIAISON_RETURN_IF_ERROR(blob.run());
    for (size_t at = 0; at < held; at += kOldRow) {
      LIAISON_ASSIGN_OR_RETURN(storage::Stmt row, r->db().prepare(
          "INSERT INTO _blob_chunk(sha256, offset, data) VALUES(?, ?, ?)"));
      row.bind(1, sha).bind(2, static_cast<int64_t>(at)).bind_blob(3, bytes.substr(at, kOldRow));
      LIAISON_RETURN_IF_ERROR(row.run());
    }
    return {};
  };
  BlobStore store(r->db());
  std::string whole = random_bytes(2 * kOldRow + kChunk + 99, 9);
  ASSERT_OK(old_rows(whole, whole.size()));
  std::string sha = sha256_hex(whole);
  for (uint64_t at = 0; at < whole.size(); at += kChunk) {
    ASSERT_OK_AND_ASSIGN(std::string c, store.read_chunk(sha, at));
    ASSERT_EQ(c, whole.substr(at, kChunk)) << "at " << at;
  }
  ASSERT_OK_AND_ASSIGN(std::string all, store.read_all(sha));
  EXPECT_EQ(all, whole);

  std::string part = random_bytes(kOldRow + 3 * kChunk + 5, 10);
  ASSERT_OK(old_rows(part, kOldRow));
  std::string part_sha = sha256_hex(part);
  for (uint64_t at = kOldRow; at < part.size(); at += kChunk) {
    ASSERT_OK_AND_ASSIGN(ChunkOutcome o,
                         store.write_chunk(part_sha, part.size(), at, part.substr(at, kChunk)));
    EXPECT_FALSE(o.mismatch);
  }
  ASSERT_OK_AND_ASSIGN(bool has, store.has(part_sha));
  EXPECT_TRUE(has);
  ASSERT_OK_AND_ASSIGN(all, store.read_all(part_sha));
  EXPECT_EQ(all, part);
}

TEST_F(BlobStoreTest, OutOfOrderOrMisshapenChunksAreRefusedAndChangeNothing) {
  auto& r = make("r");
  BlobStore store(r->db());
  std::string bytes = random_bytes(2 * kChunk + 5, 3);
  std::string sha = sha256_hex(bytes);
  ASSERT_OK(store.write_chunk(sha, bytes.size(), 0, bytes.substr(0, kChunk)));
  int64_t held = scalar(r, "SELECT received FROM _blob");
  // A chunk already held, one past the next, a short one, a wrong total size, a bad hash.
  EXPECT_CODE(store.write_chunk(sha, bytes.size(), 0, bytes.substr(0, kChunk)), Code::kInvalidArgument);
  EXPECT_CODE(store.write_chunk(sha, bytes.size(), 2 * kChunk, bytes.substr(2 * kChunk)),
              Code::kInvalidArgument);
  EXPECT_CODE(store.write_chunk(sha, bytes.size(), kChunk, bytes.substr(kChunk, 100)),
              Code::kInvalidArgument);
  EXPECT_CODE(store.write_chunk(sha, bytes.size() + 1, kChunk, bytes.substr(kChunk, kChunk)),
              Code::kInvalidArgument);
  EXPECT_CODE(store.write_chunk("ABC", 3, 0, "abc"), Code::kInvalidArgument);
  EXPECT_EQ(scalar(r, "SELECT received FROM _blob"), held);
  EXPECT_EQ(chunks(r), 1);
}

TEST_F(BlobStoreTest, ContentThatDoesNotMatchItsHashIsDiscarded) {
  auto& r = make("r");
  BlobStore store(r->db());
  std::string bytes = random_bytes(kChunk + 100, 4);
  std::string wrong = sha256_hex("something else");
  ASSERT_OK_AND_ASSIGN(ChunkOutcome first, store.write_chunk(wrong, bytes.size(), 0,
                                                             bytes.substr(0, kChunk)));
  EXPECT_FALSE(first.mismatch);
  ASSERT_OK_AND_ASSIGN(ChunkOutcome last, store.write_chunk(wrong, bytes.size(), kChunk,
                                                            bytes.substr(kChunk)));
  EXPECT_TRUE(last.mismatch);
  EXPECT_FALSE(last.info.complete);
  ASSERT_OK_AND_ASSIGN(std::optional<BlobInfo> held, store.info(wrong));
  EXPECT_FALSE(held.has_value());
  EXPECT_EQ(chunks(r), 0);
  EXPECT_EQ(blobs(r), 0);
}

TEST_F(BlobStoreTest, TheSizeLimitIsEnforcedWithAClearError) {
  auto& r = make("r");
  BlobStore store(r->db(), /*max_size=*/1000);
  Result<BlobInfo> big = store.put(std::string(1001, 'x'));
  EXPECT_CODE(big, Code::kLimitExceeded);
  EXPECT_EQ(big.status().key(), "err.attachment_too_big");
  EXPECT_CODE(store.write_chunk(sha256_hex("x"), 1001, 0, "x"), Code::kLimitExceeded);
  std::string path = set_.dir().file("big.bin");
  std::ofstream(path, std::ios::binary) << std::string(1001, 'y');
  EXPECT_CODE(store.put_file(path), Code::kLimitExceeded);
  EXPECT_EQ(blobs(r), 0);
  ASSERT_OK(store.put(std::string(1000, 'z')));
  // The protocol's own limit stands behind the default.
  EXPECT_EQ(wire::kMaxBlobSize, uint64_t{64} << 20);
}

TEST_F(BlobStoreTest, FilesAreHashedAndStoredAndAChangedFileIsRefused) {
  auto& r = make("r");
  BlobStore store(r->db());
  std::string bytes = random_bytes(kChunk + 7, 5);
  std::string path = set_.dir().file("scan.jpg");
  std::ofstream(path, std::ios::binary) << bytes;
  EXPECT_EQ(store.hash_file(set_.dir().file("nope")).status().key(), "err.file_missing");
  ASSERT_OK_AND_ASSIGN(BlobInfo hashed, store.hash_file(path));
  EXPECT_EQ(hashed.sha256, sha256_hex(bytes));
  EXPECT_EQ(blobs(r), 0);
  // The file no longer has the content it was hashed with.
  Result<BlobInfo> changed = store.put_file(path, sha256_hex("older content"));
  EXPECT_EQ(changed.status().key(), "err.file_changed");
  EXPECT_EQ(blobs(r), 0);
  ASSERT_OK_AND_ASSIGN(BlobInfo stored, store.put_file(path, hashed.sha256));
  EXPECT_TRUE(stored.complete);
  ASSERT_OK_AND_ASSIGN(std::string all, store.read_all(hashed.sha256));
  EXPECT_EQ(all, bytes);
}

TEST_F(BlobStoreTest, MissingAndOfferableFollowTheAttachmentRows) {
  auto& r = make("r");
  BlobStore store(r->db());
  ASSERT_OK_AND_ASSIGN(std::string opinion, test::add_opinion(*r));
  std::string a = random_bytes(100, 6), b = random_bytes(kChunk + 1, 7), c = random_bytes(10, 8);
  ASSERT_OK(store.put(a));                                   // referred to, whole
  ASSERT_OK(store.write_chunk(sha256_hex(b), b.size(), 0, b.substr(0, kChunk)));  // partial
  ASSERT_OK(store.put(c));                                   // whole, referred to by nothing
  ASSERT_OK(add_attachment_row(*r, opinion, sha256_hex(a), 100));
  ASSERT_OK(add_attachment_row(*r, opinion, sha256_hex(b), static_cast<int64_t>(b.size())));
  std::string absent = sha256_hex("not here at all");
  ASSERT_OK(add_attachment_row(*r, opinion, absent, 5));
  ASSERT_OK(add_attachment_row(*r, opinion, "NOT-A-HASH", 5));  // a peer's malformed row

  ASSERT_OK_AND_ASSIGN(std::vector<MissingBlob> missing, store.missing("", 10));
  std::map<std::string, uint64_t> got;
  for (const MissingBlob& m : missing) got[m.sha256] = m.offset;
  EXPECT_EQ(got, (std::map<std::string, uint64_t>{{sha256_hex(b), kChunk}, {absent, 0}}));
  ASSERT_OK_AND_ASSIGN(std::vector<MissingBlob> page, store.missing("", 1));
  ASSERT_EQ(page.size(), 1u);
  ASSERT_OK_AND_ASSIGN(std::vector<MissingBlob> rest, store.missing(page[0].sha256, 10));
  EXPECT_EQ(rest.size(), 1u);

  ASSERT_OK_AND_ASSIGN(std::vector<std::string> offer, store.offerable("peer-1", "", 10));
  EXPECT_EQ(offer, std::vector<std::string>{sha256_hex(a)});
  ASSERT_OK(store.mark_peer("peer-1", sha256_hex(a), "have"));
  ASSERT_OK_AND_ASSIGN(offer, store.offerable("peer-1", "", 10));
  EXPECT_TRUE(offer.empty());
  ASSERT_OK_AND_ASSIGN(offer, store.offerable("peer-2", "", 10));
  EXPECT_EQ(offer.size(), 1u);
}

}  // namespace
}  // namespace liaison::sync
