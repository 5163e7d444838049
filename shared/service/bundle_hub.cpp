#include "shared/service/bundle_hub.h"

#include <deque>
#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "shared/app/device_keys.h"
#include "shared/app/devices.h"
#include "shared/app/files.h"
#include "shared/service/device_access.h"
#include "shared/sync/bundle.h"
#include "shared/sync/protocol_server.h"

namespace liaison::service {

namespace {

// Room for the header, the scalars and the mac, and per vector entry, refusal and changeset the
// most their encoding costs beyond their text and bytes.
constexpr size_t kFixedRoom = 1024;
constexpr size_t kPerEntry = 32;
constexpr size_t kPerRefusal = 48;
constexpr size_t kPerChangeset = 5;

struct Verified {
  sync::RequestBundle request;
  app::DeviceKey device;
};

// The checks of a request before anything is changed: device, proof, kind, revocation, schema.
Result<Verified> verified_request(sync::Replica& replica, const std::string& bytes,
                                  const BundleOptions& o) {
  LIAISON_ASSIGN_OR_RETURN(sync::BundleHeader head, sync::read_bundle_header(bytes, o.limits));
  LIAISON_ASSIGN_OR_RETURN(std::optional<app::DeviceKey> device,
                           app::find_device_key(replica, head.device));
  if (!device) {
    // An answer names the device it was made for, which this replica need not know.
    if (head.kind == sync::BundleKind::kAnswer) return Status::invalid("err.bundle.not_request");
    return Status::not_found("err.bundle.unknown_device", head.device);
  }
  LIAISON_ASSIGN_OR_RETURN(sync::RequestBundle req,
                           sync::decode_request(bytes, device->key, o.limits));
  if (device->revoked) return Status(Code::kPermissionDenied, "err.bundle.revoked", head.device);
  std::string versions = fmt::format("{} here, {} in the bundle", our_schema(), req.schema);
  if (req.schema > our_schema())
    return Status(Code::kSchemaTooNew, "err.bundle.schema_too_new", versions);
  if (req.schema < our_schema()) return Status::invalid("err.bundle.schema_too_old", versions);
  return Verified{std::move(req), std::move(*device)};
}

// An answer file that exists, or whose directory does not, is refused before the import.
Status check_answer_path(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::exists(std::filesystem::symlink_status(path, ec)))
    return Status(Code::kAlreadyExists, "err.file_exists", path);
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (!dir.empty() && !std::filesystem::is_directory(dir, ec))
    return Status(Code::kIo, "err.file", fmt::format("{} (no such directory)", dir.string()));
  return {};
}

// Records the device's contact as a live session's authentication does, binding its replica on
// the first contact; the principal the session runs as.
Result<sync::Principal> contact(sync::Replica& replica, const Verified& v,
                                const std::string& source) {
  LIAISON_ASSIGN_OR_RETURN(app::DeviceAccess access,
                           app::record_contact(replica, v.device.device,
                                               {v.request.replica, source, std::nullopt}));
  if (!access.ok()) {
    switch (access.refusal) {
      case app::DeviceRefusal::kRevoked:
        return Status(Code::kPermissionDenied, "err.bundle.revoked", v.device.device);
      case app::DeviceRefusal::kUnknown:
        return Status::not_found("err.bundle.unknown_device", v.device.device);
      case app::DeviceRefusal::kMalformed:
        return Status(Code::kCorruption, "err.bundle.damaged", "nil replica id");
      default:
        return Status(Code::kPermissionDenied, "err.bundle.replica_mismatch",
                      app::device_refusal_name(access.refusal));
    }
  }
  return sync::Principal{v.device.device, v.device.role, v.device.station,
                         v.device.spokesperson, v.request.replica};
}

// The server protocol fed, in process, the frames the device would have sent.
class Session {
 public:
  explicit Session(sync::ServerProtocol& protocol) : protocol_(protocol) {}

  // The server's answers to out; an ERROR ends the session as a Status.
  Result<std::deque<wire::Message>> answers(const sync::ProtocolOutput& out) {
    std::deque<wire::Message> got;
    for (const std::string& frame : out.frames) {
      Result<wire::Message> m = wire::decode_message(frame);
      if (!m) return Status::internal("server frame: " + m.status().detail());
      if (auto* e = std::get_if<wire::Error>(&m.value())) return error(*e);
      got.push_back(std::move(m).value());
    }
    return got;
  }
  Result<std::deque<wire::Message>> send(wire::Message m) {
    return answers(protocol_.on_frame(wire::encode_message(m)));
  }
  static Status error(const wire::Error& e) {
    if (e.code == sync::errc::kRevoked) return Status(Code::kPermissionDenied, "err.bundle.revoked");
    return Status(Code::kPermissionDenied, "err.bundle.session", e.code + ": " + e.message);
  }
  static Status unexpected(const wire::Message& m) {
    return Status::internal(fmt::format("unexpected {}", wire::message_name(m)));
  }

 private:
  sync::ServerProtocol& protocol_;
};

struct Exchange {
  std::vector<wire::Refusal> refused;
  std::vector<std::string> changesets;
  std::vector<sync::BundleBlobState> blob_states;
  std::vector<sync::BundleBlob> blobs;
  bool ended = false;  // the server sent PULL_END: content may be fetched, then END
  bool complete = true;
  uint64_t pushed = 0, refused_count = 0, pulled = 0;  // the protocol's counts, as in DONE
};

// PUSH each changeset of the request and take its ACK.
Status push_all(Session& s, const sync::RequestBundle& req, Exchange& ex) {
  for (size_t i = 0; i < req.changesets.size(); ++i) {
    LIAISON_ASSIGN_OR_RETURN(std::deque<wire::Message> acks,
                             s.send(wire::Push{i + 1, req.changesets[i]}));
    auto* ack = acks.size() == 1 ? std::get_if<wire::Ack>(&acks.front()) : nullptr;
    if (ack == nullptr || ack->batch != i + 1) return Status::internal("no ACK for a PUSH");
    for (wire::Refusal& r : ack->refused) ex.refused.push_back(std::move(r));
  }
  return {};
}

// The one BLOB_STATE entry answering a BLOB_CHUNK.
Result<wire::BlobEntry> chunk_answer(const std::deque<wire::Message>& got) {
  auto* st = got.size() == 1 ? std::get_if<wire::BlobStates>(&got.front()) : nullptr;
  if (st == nullptr || st->entries.size() != 1) return Status::internal("no BLOB_STATE for a chunk");
  return st->entries.front();
}

// Offers the content the request carries, as the device's upload would, and sends the chunks
// the server wants from the offset it holds; records what became of each.
Status offer_blobs(Session& s, const sync::RequestBundle& req, Exchange& ex) {
  for (size_t first = 0; first < req.blobs.size(); first += wire::kMaxBlobEntries) {
    size_t n = std::min(wire::kMaxBlobEntries, req.blobs.size() - first);
    wire::BlobOffer offer;
    for (size_t i = 0; i < n; ++i) offer.hashes.push_back(req.blobs[first + i].sha256);
    LIAISON_ASSIGN_OR_RETURN(std::deque<wire::Message> got, s.send(std::move(offer)));
    auto* states = got.size() == 1 ? std::get_if<wire::BlobStates>(&got.front()) : nullptr;
    if (states == nullptr || states->entries.size() != n)
      return Status::internal("no BLOB_STATE for an offer");
    for (size_t i = 0; i < n; ++i) {
      const sync::BundleBlob& blob = req.blobs[first + i];
      wire::BlobEntry e = states->entries[i];
      while (e.state == wire::BlobState::kWant) {
        // The bundle holds the content whole: the chunk at the offset the server holds.
        uint64_t k = (e.offset - blob.offset) / wire::kBlobChunkSize;
        if (e.offset < blob.offset || k >= blob.chunks.size())
          return Status(Code::kCorruption, "err.bundle.damaged", "attachment content cut short");
        LIAISON_ASSIGN_OR_RETURN(
            got, s.send(wire::BlobChunk{blob.sha256, blob.size, e.offset, blob.chunks[k]}));
        LIAISON_ASSIGN_OR_RETURN(e, chunk_answer(got));
      }
      ex.blob_states.push_back({blob.sha256, e.state});
    }
  }
  return {};
}

// The content hashes of the attachment rows among changesets.
std::vector<std::string> attachment_hashes(const std::vector<std::string>& changesets) {
  std::vector<std::string> out;
  for (const std::string& bytes : changesets) {
    Result<wire::Changeset> cs = wire::decode(bytes);
    if (!cs) continue;
    for (const wire::Change& c : cs->changes) {
      const wire::TableHeader& t = cs->tables[c.table];
      if (t.name != "attachment") continue;
      for (const wire::FieldChange& f : c.fields) {
        const auto* sha = std::get_if<std::string>(&f.value);
        if (sha && t.columns[f.column] == "sha256") out.push_back(*sha);
      }
    }
  }
  return out;
}

// After PULL_END: fetches, as the device's download would, the content it said it lacks and
// that of the attachment rows the answer brings it, while it fits in room.
Status fetch_blobs(Session& s, const sync::RequestBundle& req, size_t room, Exchange& ex) {
  std::vector<wire::BlobEntry> wanted = req.missing;
  std::set<std::string> seen;
  for (const wire::BlobEntry& e : wanted) seen.insert(e.sha256);
  for (const std::string& sha : attachment_hashes(ex.changesets))
    if (seen.insert(sha).second) wanted.push_back({sha, wire::BlobState::kWant, 0});
  size_t used = 0;
  for (const wire::BlobEntry& w : wanted) {
    sync::BundleBlob blob{w.sha256, 0, w.offset, {}};
    uint64_t at = w.offset;
    for (;;) {
      LIAISON_ASSIGN_OR_RETURN(std::deque<wire::Message> got, s.send(wire::BlobFetch{w.sha256, at}));
      auto* chunk = got.size() == 1 ? std::get_if<wire::BlobChunk>(&got.front()) : nullptr;
      if (chunk == nullptr) break;  // unavailable here (or not for this device)
      if (used + chunk->data.size() + kPerChangeset > room) {
        ex.complete = false;  // the rest comes with the next round
        return {};
      }
      blob.size = chunk->size;
      at += chunk->data.size();
      used += chunk->data.size() + kPerChangeset;
      blob.chunks.push_back(std::move(chunk->data));
      if (at >= blob.size) break;
    }
    if (!blob.chunks.empty()) ex.blobs.push_back(std::move(blob));
  }
  return {};
}

// Bytes of the CHANGES among messages.
size_t changes_bytes(const std::deque<wire::Message>& messages) {
  size_t n = 0;
  for (const wire::Message& m : messages)
    if (auto* c = std::get_if<wire::Changes>(&m)) n += c->changeset.size() + kPerChangeset;
  return n;
}

// PULL, and confirm each CHANGES as the device would once it applied it, while another batch
// fits in room; then END when the server has sent everything.
Status pull_all(Session& s, const BundleOptions& o, size_t room, Exchange& ex) {
  LIAISON_ASSIGN_OR_RETURN(std::deque<wire::Message> queue, s.send(wire::Pull{}));
  size_t held = changes_bytes(queue);  // received so far, in ex or still queued
  bool more = true, stopped = false, ended = false;
  while (!queue.empty()) {
    wire::Message m = std::move(queue.front());
    queue.pop_front();
    if (std::holds_alternative<wire::PullEnd>(m)) {
      ended = true;
      continue;
    }
    auto* c = std::get_if<wire::Changes>(&m);
    if (c == nullptr) return Session::unexpected(m);
    ex.changesets.push_back(std::move(c->changeset));
    more = c->more;
    // A confirmation lets the server send one more batch: only while one more fits.
    size_t count = ex.changesets.size() + queue.size();
    stopped = stopped || (more && (held + o.batch_bytes + kPerChangeset > room ||
                                   count + 1 > o.limits.max_changesets));
    if (stopped) continue;
    LIAISON_ASSIGN_OR_RETURN(std::deque<wire::Message> next, s.send(wire::Pulled{c->batch}));
    held += changes_bytes(next);
    for (wire::Message& n : next) queue.push_back(std::move(n));
  }
  ex.complete = !more;
  ex.ended = ended;
  return {};
}

// END, once the server has sent PULL_END.
Status end_session(Session& s, const Exchange& ex) {
  if (!ex.ended) return {};
  LIAISON_ASSIGN_OR_RETURN(std::deque<wire::Message> done, s.send(wire::End{}));
  if (done.size() != 1 || !std::holds_alternative<wire::Done>(done.front()))
    return Status::internal("no DONE after END");
  return {};
}

size_t answer_room(const BundleOptions& o, const sync::RequestBundle& req, const Exchange& ex) {
  size_t fixed = kFixedRoom + (req.vv.size() + 1) * kPerEntry;
  for (const wire::Refusal& r : ex.refused)
    fixed += kPerRefusal + r.table.size() + r.row.size() + r.reason.size();
  return o.limits.max_bytes > fixed ? o.limits.max_bytes - fixed : 0;
}

// Runs the device's session as it would have gone live: WELCOME, every PUSH, the pull.
Result<Exchange> run_session(sync::Replica& replica, const Verified& v, sync::Principal who,
                             const std::string& source, const BundleOptions& o, Clock& clock) {
  DeviceAuthenticator auth(replica);
  sync::BatchLimits batch;
  batch.changes = o.batch_changes;
  batch.bytes = o.batch_bytes;
  sync::ServerProtocol protocol(replica, auth, scope_guards(replica), scope_filters(replica), clock,
                                source, batch);
  Session s(protocol);
  wire::Hello hello;
  hello.schema = v.request.schema;
  hello.replica = v.request.replica;
  hello.clock_ms = clock.now_ms();
  hello.vv = v.request.vv;
  LIAISON_ASSIGN_OR_RETURN(std::deque<wire::Message> welcome,
                           s.answers(protocol.start_authenticated(who, hello)));
  if (welcome.size() != 1 || !std::holds_alternative<wire::Welcome>(welcome.front()))
    return Status::internal("no WELCOME");
  Exchange ex;
  LIAISON_RETURN_IF_ERROR(push_all(s, v.request, ex));
  LIAISON_RETURN_IF_ERROR(offer_blobs(s, v.request, ex));
  LIAISON_RETURN_IF_ERROR(pull_all(s, o, answer_room(o, v.request, ex), ex));
  if (ex.ended) {
    size_t used = 0;
    for (const std::string& cs : ex.changesets) used += cs.size() + kPerChangeset;
    size_t room = answer_room(o, v.request, ex);
    LIAISON_RETURN_IF_ERROR(fetch_blobs(s, v.request, room > used ? room - used : 0, ex));
  }
  LIAISON_RETURN_IF_ERROR(end_session(s, ex));
  ex.pushed = protocol.pushed();
  ex.refused_count = protocol.refused();
  ex.pulled = protocol.pulled();
  return ex;
}

}  // namespace

Result<HubImport> import_request(sync::Replica& replica, const std::string& request_path,
                                 const std::string& answer_path, const BundleOptions& options,
                                 Clock* clock) {
  LIAISON_RETURN_IF_ERROR(check_answer_path(answer_path));
  LIAISON_ASSIGN_OR_RETURN(std::string bytes, read_bundle_file(request_path, options.limits));
  LIAISON_ASSIGN_OR_RETURN(Verified v, verified_request(replica, bytes, options));
  std::string source = bundle_source(request_path);
  LIAISON_ASSIGN_OR_RETURN(sync::Principal who, contact(replica, v, source));
  Clock& now = clock != nullptr ? *clock : SystemClock::instance();
  LIAISON_ASSIGN_OR_RETURN(Exchange ex, run_session(replica, v, who, source, options, now));

  sync::AnswerBundle a;
  a.device = v.device.device;
  a.replica = v.request.replica;
  a.server_replica = replica.info().id;
  a.created_at = replica.now_iso();
  a.schema = our_schema();
  // The server's entries for the device's origins after the import, as WELCOME lists them.
  a.known = sync::known_entries(replica, sync::from_entries(v.request.vv), v.request.replica);
  a.refused = std::move(ex.refused);
  a.changesets = std::move(ex.changesets);
  a.pushed = ex.pushed;
  a.complete = ex.complete;
  a.blob_states = std::move(ex.blob_states);
  a.blobs = std::move(ex.blobs);
  std::string answer = sync::encode_bundle(a, v.device.key);
  if (Status w = app::write_new_file(answer_path, answer); !w.is_ok())
    return Status(Code::kIo, "err.bundle.answer_not_written", w.detail());
  return HubImport{v.device.device, ex.pushed, ex.refused_count, ex.pulled, answer.size(),
                   a.complete};
}

}  // namespace liaison::service
