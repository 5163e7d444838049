#include "shared/service/bundle_device.h"

#include <fmt/format.h>

#include "shared/app/device_keys.h"
#include "shared/app/files.h"
#include "shared/service/sync_client.h"
#include "shared/sync/blob_store.h"
#include "shared/sync/bundle.h"

namespace liaison::service {

namespace {

// Room for the header, the scalars and the mac, and per vector entry and per changeset (or chunk
// of content: a bin header too) the most their encoding costs beyond their bytes.
constexpr size_t kFixedRoom = 1024;
constexpr size_t kPerEntry = 32;
constexpr size_t kPerChangeset = 5;

// This device's id and bundle key, from the token it syncs with.
Result<app::TokenKey> device_key(sync::Replica& replica) {
  if (replica.info().token.empty()) return Status::invalid("err.bundle.no_token");
  return app::token_key(replica.info().token);
}

sync::BatchLimits batch_limits(const BundleOptions& o) {
  sync::BatchLimits b;
  b.changes = o.batch_changes;
  b.bytes = o.batch_bytes;
  return b;
}

// Appends the feed's batches to the bundle while they fit; returns whether the feed is done.
Result<bool> add_changesets(sync::ChangeFeed& feed, const BundleOptions& o,
                            sync::RequestBundle& b, uint64_t& records) {
  size_t entries = b.vv.size() + b.server_known.size();
  size_t fixed = kFixedRoom + entries * kPerEntry;
  size_t room = o.limits.max_bytes > fixed ? o.limits.max_bytes - fixed : 0;
  size_t used = 0;
  sync::BatchLimits limits = batch_limits(o);
  while (b.changesets.size() < o.limits.max_changesets && used + limits.bytes <= room) {
    LIAISON_ASSIGN_OR_RETURN(wire::Changeset cs, sync::next_batch(feed, limits));
    if (cs.changes.empty() && cs.ranges.empty()) break;
    records += cs.changes.size();
    b.changesets.push_back(wire::encode(cs));
    used += b.changesets.back().size() + kPerChangeset;
  }
  return feed.done();
}

// The chunks of content held whole here, from offset on.
Result<std::vector<std::string>> chunks_of(sync::BlobStore& store, const std::string& sha,
                                           uint64_t size, uint64_t offset) {
  std::vector<std::string> out;
  for (uint64_t at = offset; at < size || (size == 0 && out.empty()); at += wire::kBlobChunkSize) {
    LIAISON_ASSIGN_OR_RETURN(std::string chunk, store.read_chunk(sha, at));
    out.push_back(std::move(chunk));
    if (size == 0) break;
  }
  return out;
}

// Appends the attachment content the server may lack (held whole here, not answered "have" or
// "refused" by it through an earlier answer) while it fits in room, and the hashes of the
// content this device lacks; returns whether every such content fitted.
Result<bool> add_blobs(sync::Replica& replica, const BundleOptions& o, size_t room,
                       sync::RequestBundle& b) {
  sync::BlobStore store(replica.db());
  bool all = true;
  size_t used = 0;
  for (std::string after;;) {
    LIAISON_ASSIGN_OR_RETURN(std::vector<std::string> hashes,
                             store.offerable(kBundlePeer, after, wire::kMaxBlobEntries));
    if (hashes.empty()) break;
    after = hashes.back();
    for (const std::string& sha : hashes) {
      LIAISON_ASSIGN_OR_RETURN(std::optional<sync::BlobInfo> held, store.info(sha));
      if (!held || !held->complete) continue;
      size_t cost = held->size + kFixedRoom +
                    (held->size / wire::kBlobChunkSize + 1) * kPerChangeset;
      if (used + cost > room || b.blobs.size() >= o.limits.max_blobs) {
        all = false;
        continue;
      }
      LIAISON_ASSIGN_OR_RETURN(std::vector<std::string> chunks,
                               chunks_of(store, sha, held->size, 0));
      used += cost;
      b.blobs.push_back({sha, held->size, 0, std::move(chunks)});
    }
  }
  for (std::string after;;) {
    LIAISON_ASSIGN_OR_RETURN(std::vector<sync::MissingBlob> missing,
                             store.missing(after, wire::kMaxBlobEntries));
    if (missing.empty()) break;
    after = missing.back().sha256;
    for (const sync::MissingBlob& m : missing) {
      if (b.missing.size() >= o.limits.max_blobs) return false;
      b.missing.push_back({m.sha256, wire::BlobState::kWant, m.offset});
    }
  }
  return all;
}

// Stores the content an answer carried, from the bytes held here on (content whole here
// already, or that another sync has advanced past the answer's offset, is skipped where it
// overlaps); remembers what the server said of the content the request carried. Returns the
// contents completed here.
Result<uint64_t> store_blobs(sync::Replica& replica, const sync::AnswerBundle& a) {
  sync::BlobStore store(replica.db());
  for (const sync::BundleBlobState& st : a.blob_states) {
    if (st.state == wire::BlobState::kHave)
      LIAISON_RETURN_IF_ERROR(store.mark_peer(kBundlePeer, st.sha256, "have"));
    else if (st.state == wire::BlobState::kRefused)
      LIAISON_RETURN_IF_ERROR(store.mark_peer(kBundlePeer, st.sha256, "refused"));
  }
  uint64_t completed = 0;
  for (const sync::BundleBlob& blob : a.blobs) {
    uint64_t at = blob.offset;
    for (const std::string& chunk : blob.chunks) {
      LIAISON_ASSIGN_OR_RETURN(std::optional<sync::BlobInfo> held, store.info(blob.sha256));
      uint64_t have = held ? held->received : 0;
      if (held && held->complete) break;
      if (at == have) {
        Result<sync::ChunkOutcome> w = store.write_chunk(blob.sha256, blob.size, at, chunk);
        if (!w) return Status(w.status().code(), "err.bundle.damaged", w.status().detail());
        if (w->info.complete) ++completed;
        if (w->mismatch) break;
      }
      at += chunk.size();
    }
  }
  return completed;
}

Status wrong_device(const std::string& detail) {
  return Status::invalid("err.bundle.wrong_device", detail);
}

// The checks of an answer before anything is changed: kind, device, proof, replica, schema.
Result<sync::AnswerBundle> verified_answer(sync::Replica& replica, const std::string& bytes,
                                           const BundleOptions& o) {
  LIAISON_ASSIGN_OR_RETURN(sync::BundleHeader head, sync::read_bundle_header(bytes, o.limits));
  LIAISON_ASSIGN_OR_RETURN(app::TokenKey me, device_key(replica));
  if (head.device != me.device) {
    // A request of another device (a spokesperson's, brought to its station) needs --answer.
    if (head.kind == sync::BundleKind::kRequest) return Status::invalid("err.bundle.not_answer");
    return wrong_device("device " + head.device);
  }
  LIAISON_ASSIGN_OR_RETURN(sync::AnswerBundle a, sync::decode_answer(bytes, me.key, o.limits));
  if (a.replica != replica.info().id) return wrong_device("replica " + a.replica.str());
  if (a.schema > our_schema())
    return Status(Code::kSchemaTooNew, "err.bundle.schema_too_new",
                  fmt::format("{} here, {} in the bundle", our_schema(), a.schema));
  if (std::optional<std::string> why = sync::rewound(replica, sync::from_entries(a.known)))
    return Status(Code::kPermissionDenied, "err.sync.replica_rewound", *why);
  return a;
}

// What the client protocol does with WELCOME's known, the ACKs' refusals and the CHANGES.
Status apply_answer(sync::Replica& replica, const sync::AnswerBundle& a, const BundleOptions& o,
                    sync::SyncSummary& sum) {
  sync::VersionVector known = sync::from_entries(a.known);
  LIAISON_RETURN_IF_ERROR(replica.db().transaction([&]() -> Status {
    LIAISON_RETURN_IF_ERROR(sync::store_server_known(replica, known));
    return sync::store_server_refusals(replica, a.refused);
  }));
  wire::Limits limits;
  limits.max_bytes = o.limits.max_changeset_bytes;
  for (const std::string& bytes : a.changesets) {
    Result<wire::Changeset> cs = wire::decode(bytes, limits);
    if (!cs) return Status(cs.status().code(), "err.bundle.damaged", cs.status().detail());
    LIAISON_ASSIGN_OR_RETURN(sync::PulledStats st,
                             sync::apply_from_server(replica, std::move(cs).value(), known));
    LIAISON_RETURN_IF_ERROR(sync::store_server_known(replica, known));
    sum.pulled += st.pulled;
    sum.conflicts += st.conflicts;
  }
  return {};
}

}  // namespace

Result<ExportedBundle> export_bundle(sync::Replica& replica, const std::string& out_path,
                                     const BundleOptions& options) {
  LIAISON_ASSIGN_OR_RETURN(app::TokenKey me, device_key(replica));
  // Another process may have written to the replica since it was opened.
  LIAISON_RETURN_IF_ERROR(replica.refresh());
  LIAISON_ASSIGN_OR_RETURN(sync::VersionVector known, sync::server_known(replica));
  sync::RequestBundle b;
  b.device = me.device;
  b.replica = replica.info().id;
  b.created_at = replica.now_iso();
  b.schema = our_schema();
  b.vv = sync::to_entries(replica.version_vector());
  b.server_known = sync::to_entries(known);
  // Planned as the pushes of a live sync are: from what the server is known to have.
  LIAISON_ASSIGN_OR_RETURN(std::unique_ptr<sync::ChangeFeed> feed,
                           sync::ChangeFeed::plan(replica, known));
  ExportedBundle out;
  LIAISON_ASSIGN_OR_RETURN(out.complete, add_changesets(*feed, options, b, out.records));
  // Attachment content after the changesets, in the room they left.
  size_t used = 0;
  for (const std::string& cs : b.changesets) used += cs.size() + kPerChangeset;
  size_t room = options.limits.max_bytes > used + kFixedRoom ? options.limits.max_bytes - used - kFixedRoom : 0;
  LIAISON_ASSIGN_OR_RETURN(bool all_blobs, add_blobs(replica, options, room, b));
  out.complete = out.complete && all_blobs;
  out.blobs = b.blobs.size();
  std::string bytes = sync::encode_bundle(b, me.key);
  LIAISON_RETURN_IF_ERROR(app::write_new_file(out_path, bytes));
  out.bytes = bytes.size();
  return out;
}

Result<ImportedAnswer> import_answer(sync::Replica& replica, const std::string& path,
                                     const BundleOptions& options) {
  LIAISON_ASSIGN_OR_RETURN(std::string bytes, read_bundle_file(path, options.limits));
  LIAISON_RETURN_IF_ERROR(replica.refresh());  // the rewound check reads the vector
  LIAISON_ASSIGN_OR_RETURN(sync::AnswerBundle a, verified_answer(replica, bytes, options));
  ImportedAnswer out;
  out.complete = a.complete;
  out.summary.pushed = a.pushed;
  out.summary.refused = a.refused.size();
  LIAISON_ASSIGN_OR_RETURN(int64_t run, begin_sync_run(replica, bundle_source(path)));
  Status s = apply_answer(replica, a, options, out.summary);
  if (s.is_ok()) {
    Result<uint64_t> stored = store_blobs(replica, a);
    if (stored) out.summary.blobs_received = stored.value();
    else s = stored.status();
  }
  if (!s.is_ok()) {
    (void)end_sync_run(replica, run, out.summary, s.key(), /*clock_known=*/false);
    return s;
  }
  out.summary.done = true;
  LIAISON_RETURN_IF_ERROR(end_sync_run(replica, run, out.summary, "ok", /*clock_known=*/false));
  return out;
}

}  // namespace liaison::service
