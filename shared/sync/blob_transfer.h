// The attachment-content phases of the sync protocol (docs/protocol.md, "Attachment content"):
// what each side says and checks, over its replica's BlobStore. The protocol state machines
// (protocol_server.h, protocol_client.h) route the BLOB_* messages here and send what comes back.
// No I/O.
//
// Errors come back as a Status whose key is a protocol error code (errc::kBadMessage for a peer
// that breaks the rules, errc::kInternal for a local failure) and whose detail says why.
//
// Not thread-safe: one instance per session, on the thread that owns the replica.
// REQUIRES: the replica (and the server's filter) outlive the instance.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "shared/sync/blob_store.h"
#include "shared/sync/replica.h"
#include "shared/wire/messages.h"

namespace liaison::sync {

// The server's side: takes offered content from the device, and serves what it asks for, both
// only for content that an attachment row the device may see refers to.
class ServerBlobs {
 public:
  // filter: the rows the device may see (empty: every row); read at each call, so it may be set
  // after construction.
  ServerBlobs(Replica& replica, const RowFilter& filter) : replica_(replica), filter_(filter),
                                                           store_(replica.db()) {}

  // Answers BLOB_OFFER with one BLOB_STATE entry per hash: have, want from an offset, refused.
  Result<wire::Message> on_offer(const wire::BlobOffer& m);
  // Stores a chunk of content this session asked for; answers with its state afterwards.
  Result<wire::Message> on_chunk(const wire::BlobChunk& m);
  // Answers BLOB_FETCH with the chunk at the offset, or a BLOB_STATE "unavailable".
  Result<wire::Message> on_fetch(const wire::BlobFetch& m);

  uint64_t chunks_received() const { return chunks_received_; }
  uint64_t chunks_sent() const { return chunks_sent_; }

 private:
  // True when an attachment row here that the device may see refers to sha.
  Result<bool> visible(const std::string& sha);

  Replica& replica_;
  const RowFilter& filter_;
  BlobStore store_;
  std::set<std::string> wanted_;  // content answered "want" in this session, not whole yet
  uint64_t chunks_received_ = 0, chunks_sent_ = 0;
};

// The device's side: offers the content the server may lack and sends what it asks for, then
// fetches the content of its attachment rows that it lacks, resuming where a cut transfer
// stopped.
class ClientBlobs {
 public:
  explicit ClientBlobs(Replica& replica) : store_(replica.db()) {}

  // The server this session talks to (its replica id): what it answered is remembered per peer.
  void set_peer(const Uuid& server) { peer_ = server.str(); }

  // Upload: the next BLOB_OFFER or BLOB_CHUNK, or nullopt when there is nothing left to offer.
  // REQUIRES: no upload message is awaiting its answer.
  Result<std::optional<wire::Message>> next_upload();
  // Takes the server's BLOB_STATE answering the last upload message.
  Status on_upload_state(const wire::BlobStates& m);

  // Download: the next BLOB_FETCH, or nullopt when nothing is left to ask for.
  // REQUIRES: no BLOB_FETCH is awaiting its answer.
  Result<std::optional<wire::Message>> next_download();
  // Takes the server's answer to the last BLOB_FETCH: a chunk, or a BLOB_STATE "unavailable".
  Status on_download_chunk(const wire::BlobChunk& m);
  Status on_download_state(const wire::BlobStates& m);

  uint64_t uploaded() const { return uploaded_; }      // contents the server completed
  uint64_t downloaded() const { return downloaded_; }  // contents completed here
  uint64_t chunks_sent() const { return chunks_sent_; }
  uint64_t chunks_received() const { return chunks_received_; }

 private:
  struct Want {
    std::string sha256;
    uint64_t offset = 0;
  };

  BlobStore store_;
  std::string peer_;
  // Upload.
  std::vector<std::string> offered_;  // the BLOB_OFFER awaiting its answer
  std::deque<Want> wants_;            // what the server asked for; a chunk of the first in flight
  bool chunk_in_flight_ = false;
  std::string offer_after_;           // the greatest hash offered so far
  bool offers_done_ = false;
  // Download.
  std::deque<Want> missing_;          // content to fetch; the first is being fetched
  std::optional<wire::BlobFetch> fetching_;  // the BLOB_FETCH awaiting its answer
  std::string fetch_after_;           // the greatest hash listed so far
  bool listed_all_ = false;
  uint64_t uploaded_ = 0, downloaded_ = 0, chunks_sent_ = 0, chunks_received_ = 0;
};

}  // namespace liaison::sync
