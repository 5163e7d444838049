#include "shared/sync/blob_store.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include <fmt/format.h>

namespace liaison::sync {

namespace {

constexpr uint64_t kChunk = wire::kBlobChunkSize;

std::string to_hex(const unsigned char* md, unsigned int len) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out += kDigits[md[i] >> 4];
    out += kDigits[md[i] & 0xf];
  }
  return out;
}

// An incremental SHA-256.
class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new(), EVP_MD_CTX_free) {
    if (ctx_) EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr);
  }
  void update(std::string_view bytes) {
    if (ctx_) EVP_DigestUpdate(ctx_.get(), bytes.data(), bytes.size());
  }
  // The digest in lowercase hex; empty when OpenSSL failed (which then matches nothing).
  std::string hex() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!ctx_ || EVP_DigestFinal_ex(ctx_.get(), md, &len) != 1) return {};
    return to_hex(md, len);
  }

 private:
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx_;
};

using File = std::unique_ptr<std::FILE, int (*)(std::FILE*)>;

Status file_error(const std::string& path, int err) {
  return Status(Code::kIo, "err.file", fmt::format("{} ({})", path, std::strerror(err)));
}

Status too_big(uint64_t size, uint64_t max) {
  return Status(Code::kLimitExceeded, "err.attachment_too_big",
                fmt::format("{} > {} bytes", size, max));
}

Status bad_chunk(std::string detail) { return Status::invalid("err.bad_chunk", std::move(detail)); }

// Opens a regular file for reading and checks its size against max.
Result<File> open_file(const std::string& path, uint64_t max) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Status::invalid("err.file_missing", path);
  if (!std::filesystem::is_regular_file(path, ec)) return file_error(path, EISDIR);
  uint64_t size = std::filesystem::file_size(path, ec);
  if (ec) return file_error(path, ec.value());
  if (size > max) return too_big(size, max);
  File f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) return file_error(path, errno);
  return f;
}

// Reads up to n bytes; an empty string at the end of the file.
Result<std::string> read_some(std::FILE* f, size_t n, const std::string& path) {
  std::string buf(n, '\0');
  size_t got = std::fread(buf.data(), 1, n, f);
  if (got < n && std::ferror(f)) return file_error(path, EIO);
  buf.resize(got);
  return buf;
}

}  // namespace

std::string sha256_hex(std::string_view bytes) {
  Sha256 h;
  h.update(bytes);
  return h.hex();
}

Status BlobStore::in_txn(const std::function<Status()>& fn) {
  if (db_.in_transaction()) return fn();
  return db_.transaction(fn);
}

Result<BlobInfo> BlobStore::hash_file(const std::string& path) {
  LIAISON_ASSIGN_OR_RETURN(File f, open_file(path, max_size_));
  Sha256 h;
  BlobInfo out;
  for (;;) {
    LIAISON_ASSIGN_OR_RETURN(std::string buf, read_some(f.get(), kChunk, path));
    if (buf.empty()) break;
    out.size += buf.size();
    if (out.size > max_size_) return too_big(out.size, max_size_);
    h.update(buf);
  }
  out.sha256 = h.hex();
  return out;
}

Result<BlobInfo> BlobStore::put_file(const std::string& path, const std::string& expected_sha) {
  LIAISON_ASSIGN_OR_RETURN(BlobInfo first, hash_file(path));
  if (!expected_sha.empty() && first.sha256 != expected_sha)
    return Status(Code::kIo, "err.file_changed", path);
  LIAISON_ASSIGN_OR_RETURN(std::optional<BlobInfo> held, info(first.sha256));
  if (held && held->complete) return *held;
  BlobInfo out;
  LIAISON_RETURN_IF_ERROR(in_txn([&]() -> Status {
    LIAISON_RETURN_IF_ERROR(discard(first.sha256));
    LIAISON_ASSIGN_OR_RETURN(File f, open_file(path, max_size_));
    // The chunks are written as read, and verified against the first reading at the end.
    for (uint64_t offset = 0;; offset += kChunk) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(kChunk, first.size - offset));
      LIAISON_ASSIGN_OR_RETURN(std::string buf, read_some(f.get(), n, path));
      if (buf.size() != n) return Status(Code::kIo, "err.file_changed", path);
      LIAISON_ASSIGN_OR_RETURN(ChunkOutcome o, write_chunk(first.sha256, first.size, offset, buf));
      if (o.mismatch) return Status(Code::kIo, "err.file_changed", path);
      if (o.info.complete) {
        out = o.info;
        return {};
      }
    }
  }));
  return out;
}

Result<BlobInfo> BlobStore::put(std::string_view bytes) {
  if (bytes.size() > max_size_) return too_big(bytes.size(), max_size_);
  std::string sha = sha256_hex(bytes);
  LIAISON_ASSIGN_OR_RETURN(std::optional<BlobInfo> held, info(sha));
  if (held && held->complete) return *held;
  BlobInfo out;
  LIAISON_RETURN_IF_ERROR(in_txn([&]() -> Status {
    LIAISON_RETURN_IF_ERROR(discard(sha));
    for (uint64_t offset = 0;; offset += kChunk) {
      std::string_view chunk = bytes.substr(static_cast<size_t>(offset), kChunk);
      LIAISON_ASSIGN_OR_RETURN(ChunkOutcome o, write_chunk(sha, bytes.size(), offset, chunk));
      if (o.mismatch) return Status::internal("stored bytes do not match their hash");
      if (o.info.complete) {
        out = o.info;
        return {};
      }
    }
  }));
  return out;
}

Result<bool> BlobStore::has(const std::string& sha) {
  LIAISON_ASSIGN_OR_RETURN(std::optional<BlobInfo> held, info(sha));
  return held && held->complete;
}

Result<std::optional<BlobInfo>> BlobStore::info(const std::string& sha) {
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt q,
                           db_.prepare("SELECT size, received, complete FROM _blob "
                                       "WHERE sha256 = ?"));
  q.bind(1, sha);
  LIAISON_ASSIGN_OR_RETURN(bool found, q.step());
  if (!found) return std::optional<BlobInfo>();
  BlobInfo b{sha, static_cast<uint64_t>(q.column_int(0)), static_cast<uint64_t>(q.column_int(1)),
             q.column_int(2) == 1};
  return std::optional<BlobInfo>(std::move(b));
}

Result<ChunkOutcome> BlobStore::write_chunk(const std::string& sha, uint64_t size, uint64_t offset,
                                            std::string_view data) {
  if (!wire::is_sha256_hex(sha)) return bad_chunk("malformed hash");
  if (size > max_size_) return too_big(size, max_size_);
  LIAISON_ASSIGN_OR_RETURN(std::optional<BlobInfo> held, info(sha));
  if (held && held->complete) return bad_chunk(fmt::format("{} is whole already", sha));
  if (held && held->size != size)
    return bad_chunk(fmt::format("size {}, {} held", size, held->size));
  uint64_t received = held ? held->received : 0;
  if (offset != received) return bad_chunk(fmt::format("offset {}, {} held", offset, received));
  uint64_t want = std::min<uint64_t>(kChunk, size - offset);
  if (data.size() != want) return bad_chunk(fmt::format("{} bytes, {} expected", data.size(), want));
  ChunkOutcome out;
  out.info = BlobInfo{sha, size, offset + data.size(), false};
  LIAISON_RETURN_IF_ERROR(in_txn([&]() -> Status {
    if (!held) {
      LIAISON_ASSIGN_OR_RETURN(storage::Stmt ins,
                               db_.prepare("INSERT INTO _blob(sha256, size, created_at) VALUES(?, "
                                           "?, strftime('%Y-%m-%dT%H:%M:%fZ','now'))"));
      ins.bind(1, sha).bind(2, static_cast<int64_t>(size));
      LIAISON_RETURN_IF_ERROR(ins.run());
    }
    // An empty content has no chunk rows: there are no bytes to keep.
    if (!data.empty()) {
      LIAISON_ASSIGN_OR_RETURN(storage::Stmt ins,
                               db_.prepare("INSERT INTO _blob_chunk(sha256, offset, data) "
                                           "VALUES(?, ?, ?)"));
      ins.bind(1, sha).bind(2, static_cast<int64_t>(offset)).bind_blob_ref(3, data);
      LIAISON_RETURN_IF_ERROR(ins.run());
    }
    bool whole = out.info.received == size;
    bool good = false;
    if (whole) {
      LIAISON_ASSIGN_OR_RETURN(good, matches(sha));
    }
    if (whole && !good) {
      out.mismatch = true;
      out.info.received = 0;
      return discard(sha);
    }
    LIAISON_ASSIGN_OR_RETURN(storage::Stmt up,
                             db_.prepare("UPDATE _blob SET received = ?, complete = ? "
                                         "WHERE sha256 = ?"));
    up.bind(1, static_cast<int64_t>(out.info.received)).bind(2, int64_t{whole ? 1 : 0});
    up.bind(3, sha);
    out.info.complete = whole;
    return up.run();
  }));
  return out;
}

Result<bool> BlobStore::matches(const std::string& sha) {
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt q,
                           db_.prepare("SELECT data FROM _blob_chunk WHERE sha256 = ? "
                                       "ORDER BY offset"));
  q.bind(1, sha);
  Sha256 h;
  for (;;) {
    LIAISON_ASSIGN_OR_RETURN(bool more, q.step());
    if (!more) break;
    h.update(q.column_blob(0));
  }
  return h.hex() == sha;
}

Result<std::string> BlobStore::read_chunk(const std::string& sha, uint64_t offset) {
  LIAISON_ASSIGN_OR_RETURN(std::optional<BlobInfo> held, info(sha));
  if (!held || !held->complete) return Status::not_found("err.blob_missing", sha);
  if (offset % kChunk != 0 || (offset >= held->size && !(offset == 0 && held->size == 0)))
    return bad_chunk(fmt::format("offset {} of {} bytes", offset, held->size));
  if (held->size == 0) return std::string();
  return read_range(sha, offset, std::min<uint64_t>(kChunk, held->size - offset));
}

Result<std::string> BlobStore::read_range(const std::string& sha, uint64_t offset, uint64_t n) {
  // The rows from the one holding offset on; a row holds one chunk, but rows written with an
  // earlier chunk size (256 KiB before protocol 3) hold several, and are read in slices.
  LIAISON_ASSIGN_OR_RETURN(
      storage::Stmt q,
      db_.prepare("SELECT offset, data FROM _blob_chunk WHERE sha256 = ?1 AND offset >= "
                  "(SELECT MAX(offset) FROM _blob_chunk WHERE sha256 = ?1 AND offset <= ?2) "
                  "AND offset < ?3 ORDER BY offset"));
  q.bind(1, sha).bind(2, static_cast<int64_t>(offset)).bind(3, static_cast<int64_t>(offset + n));
  std::string out;
  for (uint64_t pos = offset; out.size() < n;) {
    LIAISON_ASSIGN_OR_RETURN(bool more, q.step());
    if (!more) break;
    auto at = static_cast<uint64_t>(q.column_int(0));
    std::string data = q.column_blob(1);
    if (at > pos || at + data.size() <= pos) break;  // a gap
    size_t take = std::min<size_t>(data.size() - (pos - at), n - out.size());
    out.append(data, pos - at, take);
    pos += take;
  }
  if (out.size() != n)
    return Status::internal(fmt::format("chunk {} of {} is not stored", offset, sha));
  return out;
}

Result<std::string> BlobStore::read_all(const std::string& sha) {
  LIAISON_ASSIGN_OR_RETURN(std::optional<BlobInfo> held, info(sha));
  if (!held || !held->complete) return Status::not_found("err.blob_missing", sha);
  std::string out;
  out.reserve(static_cast<size_t>(held->size));
  for (uint64_t offset = 0; offset < held->size; offset += kChunk) {
    LIAISON_ASSIGN_OR_RETURN(std::string chunk, read_chunk(sha, offset));
    out += chunk;
  }
  return out;
}

Status BlobStore::discard(const std::string& sha) {
  return in_txn([&]() -> Status {
    for (const char* sql : {"DELETE FROM _blob_chunk WHERE sha256 = ?",
                            "DELETE FROM _blob WHERE sha256 = ?"}) {
      LIAISON_ASSIGN_OR_RETURN(storage::Stmt del, db_.prepare(sql));
      del.bind(1, sha);
      LIAISON_RETURN_IF_ERROR(del.run());
    }
    return Status{};
  });
}

Result<std::vector<MissingBlob>> BlobStore::missing(const std::string& after, size_t limit) {
  LIAISON_ASSIGN_OR_RETURN(
      storage::Stmt q,
      db_.prepare("SELECT a.sha256, COALESCE(MAX(b.received), 0) FROM attachment a "
                  "LEFT JOIN _blob b ON b.sha256 = a.sha256 "
                  "WHERE a.sha256 > ? AND COALESCE(b.complete, 0) = 0 "
                  "AND length(a.sha256) = 64 AND a.sha256 NOT GLOB '*[^0-9a-f]*' "
                  "GROUP BY a.sha256 ORDER BY a.sha256 LIMIT ?"));
  q.bind(1, after).bind(2, static_cast<int64_t>(limit));
  std::vector<MissingBlob> out;
  for (;;) {
    LIAISON_ASSIGN_OR_RETURN(bool more, q.step());
    if (!more) break;
    out.push_back({q.column_text(0), static_cast<uint64_t>(q.column_int(1))});
  }
  return out;
}

Result<std::vector<std::string>> BlobStore::offerable(const std::string& peer,
                                                      const std::string& after, size_t limit) {
  LIAISON_ASSIGN_OR_RETURN(
      storage::Stmt q,
      db_.prepare("SELECT b.sha256 FROM _blob b WHERE b.complete = 1 AND b.sha256 > ? "
                  "AND EXISTS (SELECT 1 FROM attachment a WHERE a.sha256 = b.sha256) "
                  "AND NOT EXISTS (SELECT 1 FROM _blob_peer p WHERE p.peer = ? AND "
                  "p.sha256 = b.sha256) ORDER BY b.sha256 LIMIT ?"));
  q.bind(1, after).bind(2, peer).bind(3, static_cast<int64_t>(limit));
  return q.texts();
}

Status BlobStore::mark_peer(const std::string& peer, const std::string& sha,
                            std::string_view state) {
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt up,
                           db_.prepare("INSERT OR REPLACE INTO _blob_peer(peer, sha256, state) "
                                       "VALUES(?, ?, ?)"));
  up.bind(1, peer).bind(2, sha).bind(3, state);
  return up.run();
}

}  // namespace liaison::sync
