#include "shared/sync/blob_transfer.h"

#include <fmt/format.h>

#include "shared/sync/protocol.h"

namespace liaison::sync {

namespace {

// How many attachment rows referring to one content are checked against the device's scope.
constexpr int kRowsChecked = 64;

Status bad_message(std::string detail) {
  return Status(Code::kInvalidArgument, errc::kBadMessage, std::move(detail));
}

Status internal(const Status& s) {
  return Status(Code::kInternal, errc::kInternal, s.message());
}

// A store failure: the peer's fault for rejected input, ours otherwise.
Status from_store(const Status& s) {
  if (s.code() == Code::kInvalidArgument || s.code() == Code::kLimitExceeded)
    return bad_message(s.message());
  return internal(s);
}

wire::Message one_state(const std::string& sha, wire::BlobState state, uint64_t offset) {
  return wire::BlobStates{{wire::BlobEntry{sha, state, offset}}};
}

}  // namespace

// --- server ---------------------------------------------------------------------------------

Result<bool> ServerBlobs::visible(const std::string& sha) {
  static const TablePolicy& kAttachment = *find_table("attachment");
  Result<storage::Stmt> q = replica_.db().prepare("SELECT id FROM attachment WHERE sha256 = ? "
                                                  "ORDER BY id LIMIT ?");
  if (!q) return internal(q.status());
  q->bind(1, sha).bind(2, int64_t{kRowsChecked});
  std::vector<std::string> ids;
  for (;;) {
    Result<bool> more = q->step();
    if (!more) return internal(more.status());
    if (!more.value()) break;
    ids.push_back(q->column_text(0));
  }
  for (const std::string& id : ids) {
    Result<std::optional<Row>> row = replica_.load(kAttachment, id);
    if (!row) return internal(row.status());
    if (row.value() && (!filter_ || filter_(kAttachment, **row))) return true;
  }
  return false;
}

Result<wire::Message> ServerBlobs::on_offer(const wire::BlobOffer& m) {
  wire::BlobStates out;
  for (const std::string& sha : m.hashes) {
    // Scope first: whether the server holds content the device may not see stays unsaid.
    LIAISON_ASSIGN_OR_RETURN(bool may, visible(sha));
    if (!may) {
      out.entries.push_back({sha, wire::BlobState::kRefused, 0});
      continue;
    }
    Result<std::optional<BlobInfo>> held = store_.info(sha);
    if (!held) return internal(held.status());
    if (held.value() && held.value()->complete) {
      out.entries.push_back({sha, wire::BlobState::kHave, held.value()->size});
      continue;
    }
    wanted_.insert(sha);
    uint64_t offset = held.value() ? held.value()->received : 0;
    out.entries.push_back({sha, wire::BlobState::kWant, offset});
  }
  return wire::Message(std::move(out));
}

Result<wire::Message> ServerBlobs::on_chunk(const wire::BlobChunk& m) {
  if (!wanted_.count(m.sha256))
    return bad_message(fmt::format("BLOB_CHUNK for {}, which was not asked for", m.sha256));
  Result<ChunkOutcome> o = store_.write_chunk(m.sha256, m.size, m.offset, m.data);
  if (!o) return from_store(o.status());
  ++chunks_received_;
  if (o->mismatch) {
    wanted_.erase(m.sha256);
    return one_state(m.sha256, wire::BlobState::kMismatch, 0);
  }
  if (o->info.complete) {
    wanted_.erase(m.sha256);
    return one_state(m.sha256, wire::BlobState::kHave, o->info.size);
  }
  return one_state(m.sha256, wire::BlobState::kWant, o->info.received);
}

Result<wire::Message> ServerBlobs::on_fetch(const wire::BlobFetch& m) {
  Result<std::optional<BlobInfo>> held = store_.info(m.sha256);
  if (!held) return internal(held.status());
  // Content the device may not see is answered like content that is not here.
  bool may = false;
  if (held.value() && held.value()->complete) {
    LIAISON_ASSIGN_OR_RETURN(may, visible(m.sha256));
  }
  if (!may) return one_state(m.sha256, wire::BlobState::kUnavailable, 0);
  Result<std::string> data = store_.read_chunk(m.sha256, m.offset);
  if (!data) return from_store(data.status());
  ++chunks_sent_;
  return wire::Message(
      wire::BlobChunk{m.sha256, held.value()->size, m.offset, std::move(data).value()});
}

// --- device: upload -------------------------------------------------------------------------

Result<wire::Message> ClientBlobs::next_chunk() {
  Want& w = wants_.front();
  Result<std::optional<BlobInfo>> held = store_.info(w.sha256);
  if (!held) return internal(held.status());
  if (!held.value() || !held.value()->complete)
    return internal(Status::internal(fmt::format("offered content {} is gone", w.sha256)));
  uint64_t size = held.value()->size;
  // An offset the server named that starts no chunk is refused here (bad_message).
  Result<std::string> data = store_.read_chunk(w.sha256, w.offset);
  if (!data) return from_store(data.status());
  uint64_t end = w.offset + data->size();
  sent_.push_back({w.sha256, w.offset, end, end >= size, false});
  wire::Message out = wire::BlobChunk{w.sha256, size, w.offset, std::move(data).value()};
  if (end >= size) {
    wants_.pop_front();
  } else {
    w.offset = end;
  }
  return out;
}

Result<std::vector<wire::Message>> ClientBlobs::next_upload() {
  std::vector<wire::Message> out;
  if (!offered_.empty()) return out;  // the offer's answer names what to send
  while (sent_.size() < window_ && !wants_.empty()) {
    LIAISON_ASSIGN_OR_RETURN(wire::Message chunk, next_chunk());
    out.push_back(std::move(chunk));
  }
  if (!out.empty() || !sent_.empty() || offers_done_) return out;
  Result<std::vector<std::string>> hashes =
      store_.offerable(peer_, offer_after_, wire::kMaxBlobEntries);
  if (!hashes) return internal(hashes.status());
  if (hashes->empty()) {
    offers_done_ = true;
    return out;
  }
  offer_after_ = hashes->back();
  offered_ = hashes.value();
  out.push_back(wire::BlobOffer{std::move(hashes).value()});
  return out;
}

Status ClientBlobs::on_upload_state(const wire::BlobStates& m) {
  if (!offered_.empty()) {
    if (m.entries.size() != offered_.size()) return bad_message("BLOB_STATE does not answer the offer");
    for (size_t i = 0; i < offered_.size(); ++i) {
      const wire::BlobEntry& e = m.entries[i];
      if (e.sha256 != offered_[i]) return bad_message("BLOB_STATE does not answer the offer");
      Status s;
      switch (e.state) {
        case wire::BlobState::kHave: s = store_.mark_peer(peer_, e.sha256, "have"); break;
        case wire::BlobState::kRefused: s = store_.mark_peer(peer_, e.sha256, "refused"); break;
        case wire::BlobState::kWant: wants_.push_back({e.sha256, e.offset}); break;
        default: return bad_message("BLOB_STATE: not an answer to an offer");
      }
      if (!s.is_ok()) return internal(s);
    }
    offered_.clear();
    return {};
  }
  if (sent_.empty()) return bad_message("unexpected BLOB_STATE");
  InFlight c = std::move(sent_.front());
  sent_.pop_front();
  if (m.entries.size() != 1 || m.entries[0].sha256 != c.sha256)
    return bad_message("BLOB_STATE does not answer the chunk");
  const wire::BlobEntry& e = m.entries[0];
  if (!c.last && e.state == wire::BlobState::kWant) {
    // The server took the chunk; the next is on its way already, so it must want that one.
    if (e.offset != c.end) return bad_message("BLOB_STATE: not the next offset");
    ++chunks_sent_;
    return {};
  }
  if (c.last && e.state == wire::BlobState::kHave) {
    if (Status s = store_.mark_peer(peer_, c.sha256, "have"); !s.is_ok()) return internal(s);
    ++chunks_sent_;
    ++uploaded_;
    return {};
  }
  // Discarded there; not offered again in this session, the next sync tries again.
  if (c.last && e.state == wire::BlobState::kMismatch) return {};
  return bad_message("BLOB_STATE: not an answer to a chunk");
}

// --- device: download -----------------------------------------------------------------------

Result<std::vector<wire::Message>> ClientBlobs::next_download() {
  std::vector<wire::Message> out;
  while (fetching_.size() < window_) {
    if (missing_.empty() && !listed_all_) {
      Result<std::vector<MissingBlob>> list = store_.missing(fetch_after_, wire::kMaxBlobEntries);
      if (!list) return internal(list.status());
      if (list->size() < wire::kMaxBlobEntries) listed_all_ = true;
      if (!list->empty()) fetch_after_ = list->back().sha256;
      for (const MissingBlob& b : *list) missing_.push_back({b.sha256, b.offset});
    }
    if (missing_.empty()) break;
    Want& w = missing_.front();
    if (w.waiting) break;  // the answer to its first fetch tells how far to ask
    if (w.sized && w.offset >= w.size) {
      missing_.pop_front();  // every chunk asked for
      continue;
    }
    w.waiting = !w.sized;
    fetching_.push_back({w.sha256, w.offset, 0, false, !w.sized});
    out.push_back(wire::BlobFetch{w.sha256, w.offset});
    if (w.sized) w.offset += wire::kBlobChunkSize;
  }
  return out;
}

void ClientBlobs::give_up(const std::string& sha) {
  given_up_.insert(sha);
  if (!missing_.empty() && missing_.front().sha256 == sha) missing_.pop_front();
}

Status ClientBlobs::on_download_chunk(const wire::BlobChunk& m) {
  if (fetching_.empty()) return bad_message("unexpected BLOB_CHUNK");
  InFlight f = std::move(fetching_.front());
  fetching_.pop_front();
  if (m.sha256 != f.sha256 || m.offset != f.offset)
    return bad_message("BLOB_CHUNK does not answer the fetch");
  if (given_up_.count(m.sha256)) return {};  // asked for before it was given up
  if (f.first) {
    // Nothing more of it was asked for before this answer, so it is still the first.
    if (missing_.empty() || missing_.front().sha256 != m.sha256)
      return internal(Status::internal("the content asked for is gone"));
    Want& w = missing_.front();
    w.waiting = false;
    Result<std::optional<BlobInfo>> held = store_.info(m.sha256);
    if (!held) return internal(held.status());
    if (held.value() && held.value()->size != m.size) {
      // A part held from elsewhere that cannot be this content: start it over.
      if (Status s = store_.discard(m.sha256); !s.is_ok()) return internal(s);
      w.offset = 0;
      if (m.offset != 0) return {};
    }
    w.sized = true;
    w.size = m.size;
    w.offset = m.offset + wire::kBlobChunkSize;
  }
  Result<ChunkOutcome> o = store_.write_chunk(m.sha256, m.size, m.offset, m.data);
  if (!o) return from_store(o.status());
  if (o->mismatch) {
    give_up(m.sha256);  // discarded; asked for again at the next sync
    return {};
  }
  ++chunks_received_;
  if (o->info.complete) ++downloaded_;
  return {};
}

Status ClientBlobs::on_download_state(const wire::BlobStates& m) {
  if (fetching_.empty()) return bad_message("unexpected BLOB_STATE");
  InFlight f = std::move(fetching_.front());
  fetching_.pop_front();
  if (m.entries.size() != 1 || m.entries[0].sha256 != f.sha256 ||
      m.entries[0].state != wire::BlobState::kUnavailable)
    return bad_message("BLOB_STATE does not answer the fetch");
  give_up(f.sha256);
  return {};
}

}  // namespace liaison::sync
