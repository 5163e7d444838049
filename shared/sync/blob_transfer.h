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
// stopped. Up to `window` chunks are in flight each way: the server answers in order, so the
// device sends the next chunks (or asks for them) without waiting for the last answer.
class ClientBlobs {
 public:
  // window: chunks in flight each way (BatchLimits::chunks); 0 is taken as 1.
  ClientBlobs(Replica& replica, size_t window)
      : store_(replica.db()), window_(window == 0 ? 1 : window) {}

  // The server this session talks to (its replica id): what it answered is remembered per peer.
  void set_peer(const Uuid& server) { peer_ = server.str(); }

  // Upload: what to send now: a BLOB_OFFER (only when nothing is in flight), or BLOB_CHUNKs up
  // to the window. Empty while answers are awaited, or when everything is done (!uploading()).
  Result<std::vector<wire::Message>> next_upload();
  // Takes the server's BLOB_STATE answering the oldest upload message in flight.
  Status on_upload_state(const wire::BlobStates& m);
  // True while an upload message awaits its answer.
  bool uploading() const { return !offered_.empty() || !sent_.empty(); }

  // Download: the BLOB_FETCHes to send now, up to the window; the first fetch of a content goes
  // alone, its answer tells the content's size. Empty while answers are awaited, or when
  // nothing is left to ask for (!fetching()).
  Result<std::vector<wire::Message>> next_download();
  // Take the server's answer to the oldest BLOB_FETCH in flight: a chunk, or a BLOB_STATE
  // "unavailable".
  Status on_download_chunk(const wire::BlobChunk& m);
  Status on_download_state(const wire::BlobStates& m);
  // True while a BLOB_FETCH awaits its answer.
  bool fetching() const { return !fetching_.empty(); }

  uint64_t uploaded() const { return uploaded_; }      // contents the server completed
  uint64_t downloaded() const { return downloaded_; }  // contents completed here
  uint64_t chunks_sent() const { return chunks_sent_; }          // chunks the server stored
  uint64_t chunks_received() const { return chunks_received_; }  // chunks stored here

 private:
  struct Want {
    std::string sha256;
    uint64_t offset = 0;  // the next chunk to send or ask for
    uint64_t size = 0;    // download: known once a chunk of it came in this session
    bool sized = false;
    bool waiting = false;  // download: its first fetch, which tells the size, is in flight
  };
  // A chunk sent (upload) or asked for (download) whose answer is awaited.
  struct InFlight {
    std::string sha256;
    uint64_t offset = 0;
    uint64_t end = 0;    // upload: the offset after the chunk
    bool last = false;   // upload: the content's last chunk
    bool first = false;  // download: the fetch that tells the size
  };

  // The next chunk of the first content the server wants.
  Result<wire::Message> next_chunk();
  // Stops asking for sha in this session; answers still in flight for it are ignored.
  void give_up(const std::string& sha);

  BlobStore store_;
  size_t window_;
  std::string peer_;
  // Upload.
  std::vector<std::string> offered_;  // the BLOB_OFFER awaiting its answer
  std::deque<Want> wants_;            // what the server asked for; the first is being sent
  std::deque<InFlight> sent_;         // chunks awaiting their answer, oldest first
  std::string offer_after_;           // the greatest hash offered so far
  bool offers_done_ = false;
  // Download.
  std::deque<Want> missing_;          // content to ask for; the first is being asked for
  std::deque<InFlight> fetching_;     // BLOB_FETCHes awaiting their answer, oldest first
  std::set<std::string> given_up_;    // content not asked for again in this session
  std::string fetch_after_;           // the greatest hash listed so far
  bool listed_all_ = false;
  uint64_t uploaded_ = 0, downloaded_ = 0, chunks_sent_ = 0, chunks_received_ = 0;
};

}  // namespace liaison::sync
