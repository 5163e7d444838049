// The content of attachments (scans and photos of paper records) kept in the replica itself
// (schema/0005_blobs.sql): content-addressed by SHA-256 in lowercase hex, stored in chunks of
// wire::kBlobChunkSize bytes so that a transfer cut halfway resumes from the last chunk
// received. Rows written with an earlier, larger chunk size (256 KiB, before protocol 3) stay
// readable: reads slice them, and content held in part resumes at the current size. Content counts as present only once it is whole and its SHA-256 has been checked;
// content that does not match its hash is discarded. The store also remembers, per peer replica,
// which content that peer holds or refused, so that it is not offered again.
//
// Every call that writes runs in one transaction of its own, or inside the caller's when one is
// open (Replica::write()), so a failure leaves the store as it was.
//
// Not thread-safe: a BlobStore uses its Db on the caller's thread (see storage::Db).
// REQUIRES: the Db outlives the BlobStore.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shared/storage/db.h"
#include "shared/util/status.h"
#include "shared/wire/messages.h"

namespace liaison::sync {

// The SHA-256 of bytes in lowercase hex.
std::string sha256_hex(std::string_view bytes);

struct BlobInfo {
  std::string sha256;
  uint64_t size = 0;      // the whole content
  uint64_t received = 0;  // bytes held, from offset 0
  bool complete = false;  // whole and verified
};

// What write_chunk() did.
struct ChunkOutcome {
  BlobInfo info;          // the content as held after the write
  bool mismatch = false;  // the content was whole but did not match its hash: it was discarded
};

// Content that attachment rows here refer to and that is not whole here.
struct MissingBlob {
  std::string sha256;
  uint64_t offset = 0;  // bytes held already (0 when none)
};

class BlobStore {
 public:
  explicit BlobStore(storage::Db& db, uint64_t max_size = wire::kMaxBlobSize)
      : db_(db), max_size_(max_size) {}

  // Hashes the file without storing it. InvalidArgument err.file_missing when it does not
  // exist, LimitExceeded err.attachment_too_big over the size limit, Io err.file otherwise.
  Result<BlobInfo> hash_file(const std::string& path);
  // Stores the whole file (nothing when its content is whole here already) and returns it as
  // held. Errors as hash_file(); when expected_sha is given and the file's content does not
  // match it (the file changed), Io err.file_changed and nothing is stored.
  Result<BlobInfo> put_file(const std::string& path, const std::string& expected_sha = {});
  // Stores bytes (nothing when they are whole here already); LimitExceeded over the limit.
  Result<BlobInfo> put(std::string_view bytes);

  // True when the content is whole (and verified) here.
  Result<bool> has(const std::string& sha);
  // The content as held, whole or in part; nullopt when none of it is here.
  Result<std::optional<BlobInfo>> info(const std::string& sha);

  // Writes the chunk at offset of a content of size bytes; verifies the content when it becomes
  // whole. REQUIRES nothing of the input, which may come from a peer: InvalidArgument
  // err.bad_chunk when sha is malformed, offset is not the bytes held, data is not the chunk
  // that belongs there (kBlobChunkSize bytes, or the rest of the content for the last one),
  // the content is whole already, or size differs from a part held; LimitExceeded
  // err.attachment_too_big when size is over the limit.
  Result<ChunkOutcome> write_chunk(const std::string& sha, uint64_t size, uint64_t offset,
                                   std::string_view data);
  // The chunk at offset of a content held whole. NotFound err.blob_missing when it is not
  // whole here; InvalidArgument err.bad_chunk when offset is not a chunk's start.
  Result<std::string> read_chunk(const std::string& sha, uint64_t offset);
  // The whole content. NotFound err.blob_missing when it is not whole here.
  Result<std::string> read_all(const std::string& sha);
  // Removes the content, whole or in part (nothing when it is not here).
  Status discard(const std::string& sha);

  // Up to limit hashes, in increasing order and greater than after, of content that attachment
  // rows here refer to and that is not whole here, with the bytes held of each.
  Result<std::vector<MissingBlob>> missing(const std::string& after, size_t limit);
  // Up to limit hashes, in increasing order and greater than after, of content held whole here
  // that attachment rows refer to and that peer has neither answered "have" nor "refused" for.
  Result<std::vector<std::string>> offerable(const std::string& peer, const std::string& after,
                                             size_t limit);
  // Records what peer answered about a content: "have" or "refused".
  Status mark_peer(const std::string& peer, const std::string& sha, std::string_view state);

 private:
  Status in_txn(const std::function<Status()>& fn);
  // Bytes [offset, offset + n) of a content held whole, whatever size the rows holding them.
  Result<std::string> read_range(const std::string& sha, uint64_t offset, uint64_t n);
  Result<bool> matches(const std::string& sha);

  storage::Db& db_;
  uint64_t max_size_;
};

}  // namespace liaison::sync
