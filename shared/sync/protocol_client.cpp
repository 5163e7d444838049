#include "shared/sync/protocol_client.h"

#include <fmt/format.h>

#include "shared/storage/migrations.h"

namespace liaison::sync {

namespace {

ProtocolOutput send(wire::Message m) {
  ProtocolOutput out;
  out.frames.push_back(wire::encode_message(m));
  return out;
}

ProtocolOutput send_all(const std::vector<wire::Message>& messages) {
  ProtocolOutput out;
  for (const wire::Message& m : messages) out.frames.push_back(wire::encode_message(m));
  return out;
}

// first's frames, then next's, with next's close.
ProtocolOutput then(ProtocolOutput first, ProtocolOutput next) {
  for (std::string& f : next.frames) first.frames.push_back(std::move(f));
  first.close = next.close;
  first.close_code = next.close_code;
  first.close_reason = std::move(next.close_reason);
  return first;
}

}  // namespace

ClientProtocol::ClientProtocol(Replica& replica, std::string token, Clock& clock,
                               BatchLimits limits)
    : replica_(replica), token_(std::move(token)), clock_(clock), limits_(limits),
      blobs_(replica, limits.chunks) {}

ProtocolOutput ClientProtocol::fail(const std::string& code, const std::string& message) {
  state_ = State::kFinished;
  error_ = Status(Code::kInvalidArgument, code, message);
  return error_output(code, message);
}

ProtocolOutput ClientProtocol::start() {
  // Another process may have written to this replica since it was opened (a station's hub).
  if (Status s = replica_.refresh(); !s.is_ok()) return fail(errc::kInternal, s.message());
  wire::Hello h;
  h.schema = static_cast<uint32_t>(storage::latest_version(storage::embedded_migrations()));
  h.token = token_;
  h.replica = replica_.info().id;
  h.clock_ms = clock_.now_ms();
  h.vv = to_entries(replica_.version_vector());
  return send(std::move(h));
}

ReceivedFrame ClientProtocol::decode(std::string_view frame, const BatchLimits& limits) {
  wire::Limits changeset_limits;
  changeset_limits.max_bytes = limits.frame;
  return decode_frame<wire::Changes>(frame, limits.frame, changeset_limits);
}

ProtocolOutput ClientProtocol::on_received(ReceivedFrame frame) {
  if (state_ == State::kFinished) return {};
  Result<wire::Message>& decoded = frame.message;
  if (!decoded) return fail(errc::kBadMessage, decoded.status().detail());
  wire::Message& m = decoded.value();
  if (auto* e = std::get_if<wire::Error>(&m)) {
    state_ = State::kFinished;
    error_ = Status(Code::kPermissionDenied, e->code, e->message);
    ProtocolOutput out;
    out.close = true;
    return out;
  }
  // The server answers in order: ACKs of pushes still in flight come before the answers to
  // whatever followed them.
  if (auto* a = std::get_if<wire::Ack>(&m); a && !in_flight_.empty()) return on_ack(*a);
  if (std::holds_alternative<wire::PullEnd>(m) && pull_end_due_ &&
      (state_ == State::kFetching || state_ == State::kEnding)) {
    pull_end_due_ = false;
    return {};
  }
  if (state_ == State::kWelcome) {
    if (auto* w = std::get_if<wire::Welcome>(&m)) return on_welcome(*w);
  } else if (state_ == State::kUploading) {
    if (auto* b = std::get_if<wire::BlobStates>(&m))
      return on_blob_status(blobs_.on_upload_state(*b), false);
  } else if (state_ == State::kFetching) {
    if (auto* c = std::get_if<wire::BlobChunk>(&m))
      return on_blob_status(blobs_.on_download_chunk(*c), true);
    if (auto* b = std::get_if<wire::BlobStates>(&m))
      return on_blob_status(blobs_.on_download_state(*b), true);
  } else if (state_ == State::kPulling) {
    if (auto* c = std::get_if<wire::Changes>(&m)) return on_changes(*c, std::move(frame.changeset));
    if (std::holds_alternative<wire::PullEnd>(m)) return fetch_next();
  } else if (state_ == State::kEnding && std::holds_alternative<wire::Done>(m) &&
             !pull_end_due_) {
    state_ = State::kFinished;
    summary_.done = true;
    ProtocolOutput out;
    out.close = true;
    return out;
  }
  return fail(errc::kBadMessage, fmt::format("unexpected {}", wire::message_name(m)));
}

ProtocolOutput ClientProtocol::on_welcome(const wire::Welcome& m) {
  if (m.protocol != wire::kProtocolVersion)
    return fail(errc::kProtocolVersion, fmt::format("server speaks protocol {}", m.protocol));
  summary_.clock_skew_ms = clock_.now_ms() - m.clock_ms;
  known_ = from_entries(m.known);
  // The server holding more of this replica's own changes than this file has made means the
  // file was restored from an older copy: new changes would reuse sequence numbers the server
  // already holds and be taken for duplicates. Nothing is sent; docs/protocol.md says what to do.
  if (std::optional<std::string> why = rewound(replica_, known_))
    return fail(errc::kReplicaRewound, *why);
  if (Status s = store_known(); !s.is_ok()) return fail(errc::kInternal, s.message());
  blobs_.set_peer(m.server_replica);
  state_ = State::kPushing;
  return push_more();
}

ProtocolOutput ClientProtocol::push_more() {
  ProtocolOutput out;
  while (state_ == State::kPushing && in_flight_.size() < std::max<size_t>(limits_.window, 1)) {
    if (!feed_) {
      if (Status s = replica_.refresh(); !s.is_ok()) return fail(errc::kInternal, s.message());
      Result<std::unique_ptr<ChangeFeed>> feed = ChangeFeed::plan(replica_, known_);
      if (!feed) return fail(errc::kInternal, feed.status().message());
      feed_ = std::move(feed).value();
    }
    Result<wire::Changeset> cs = next_batch(*feed_, limits_);
    if (!cs) return fail(errc::kInternal, cs.status().message());
    if (cs->changes.empty() && cs->ranges.empty()) {
      // Everything is pushed: what follows goes out behind the last PUSH, without waiting
      // for its ACK (the server handles messages in order).
      feed_.reset();
      return then(std::move(out), upload_next());
    }
    std::string bytes = wire::encode(*cs);
    cs->changes.clear();
    in_flight_.push_back(std::move(cs).value());
    out.frames.push_back(wire::encode_message(wire::Message(wire::Push{++batch_, std::move(bytes)})));
  }
  return out;
}

ProtocolOutput ClientProtocol::on_ack(const wire::Ack& m) {
  if (m.batch != batch_ - in_flight_.size() + 1) return fail(errc::kBadMessage, "ACK for another batch");
  ++summary_.acks;
  summary_.pushed += m.applied;
  summary_.refused += m.refused.size();
  merge_ranges(known_, in_flight_.front());
  in_flight_.pop_front();
  Status s = replica_.db().transaction([&]() -> Status {
    LIAISON_RETURN_IF_ERROR(store_known());
    return store_server_refusals(replica_, m.refused);
  });
  if (!s.is_ok()) return fail(errc::kInternal, s.message());
  return push_more();
}

ProtocolOutput ClientProtocol::on_changes(const wire::Changes& m, Result<wire::Changeset> cs) {
  if (!cs) return fail(errc::kBadMessage, cs.status().detail());
  Result<PulledStats> st = apply_from_server(replica_, std::move(cs).value(), known_);
  if (!st) return fail(errc::kInternal, st.status().message());
  if (Status s = store_known(); !s.is_ok()) return fail(errc::kInternal, s.message());
  summary_.pulled += st->pulled;
  summary_.conflicts += st->conflicts;
  ProtocolOutput out = send(wire::Pulled{m.batch});
  if (m.more) return out;
  // The last batch: what follows the pull goes out with its PULLED, ahead of PULL_END.
  pull_end_due_ = true;
  return then(std::move(out), fetch_next());
}

ProtocolOutput ClientProtocol::upload_next() {
  Result<std::vector<wire::Message>> next = blobs_.next_upload();
  if (!next) return fail(next.status().key(), next.status().detail());
  if (next->empty() && !blobs_.uploading()) {
    state_ = State::kPulling;
    return send(wire::Pull{});
  }
  state_ = State::kUploading;
  return send_all(next.value());
}

ProtocolOutput ClientProtocol::fetch_next() {
  Result<std::vector<wire::Message>> next = blobs_.next_download();
  if (!next) return fail(next.status().key(), next.status().detail());
  if (next->empty() && !blobs_.fetching()) {
    state_ = State::kEnding;
    return send(wire::End{});
  }
  state_ = State::kFetching;
  return send_all(next.value());
}

ProtocolOutput ClientProtocol::on_blob_status(const Status& s, bool fetching) {
  if (!s.is_ok()) return fail(s.key(), s.detail());
  summary_.blobs_sent = blobs_.uploaded();
  summary_.blobs_received = blobs_.downloaded();
  summary_.chunks_sent = blobs_.chunks_sent();
  summary_.chunks_received = blobs_.chunks_received();
  return fetching ? fetch_next() : upload_next();
}

bool made_progress(const SyncSummary& s) {
  return s.acks > 0 || s.pulled > 0 || s.chunks_sent > 0 || s.chunks_received > 0;
}

Status ClientProtocol::store_known() { return store_server_known(replica_, known_, &stored_); }

Result<VersionVector> server_known(Replica& replica) {
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt q,
                           replica.db().prepare("SELECT origin, seq FROM _server_known"));
  VersionVector vv;
  for (;;) {
    LIAISON_ASSIGN_OR_RETURN(bool more, q.step());
    if (!more) break;
    if (auto origin = Uuid::parse(q.column_text(0)))
      vv[*origin] = static_cast<uint64_t>(q.column_int(1));
  }
  return vv;
}

Status store_server_known(Replica& replica, const VersionVector& known, VersionVector* stored) {
  std::optional<storage::Stmt> up;
  for (const auto& [origin, seq] : known) {
    if (stored != nullptr && seq <= (*stored)[origin]) continue;
    if (!up) {
      LIAISON_ASSIGN_OR_RETURN(up, replica.db().prepare(
                                       "INSERT INTO _server_known(origin, seq) VALUES(?, ?) ON "
                                       "CONFLICT(origin) DO UPDATE SET seq = MAX(seq, excluded.seq)"));
    }
    up->bind(1, origin.str()).bind(2, static_cast<int64_t>(seq));
    LIAISON_RETURN_IF_ERROR(up->run());
    if (stored != nullptr) (*stored)[origin] = seq;
  }
  return {};
}

Status store_server_refusals(Replica& replica, const std::vector<wire::Refusal>& refused) {
  if (refused.empty()) return {};
  LIAISON_ASSIGN_OR_RETURN(
      storage::Stmt ins,
      replica.db().prepare("INSERT INTO _server_refused(origin, seq, tbl, row_id, reason, at) "
                           "SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE NOT EXISTS (SELECT 1 FROM "
                           "_server_refused WHERE origin = ?1 AND seq = ?2 AND reason = ?5)"));
  for (const wire::Refusal& r : refused) {
    ins.bind(1, r.origin.str()).bind(2, static_cast<int64_t>(r.seq)).bind(3, r.table);
    ins.bind(4, r.row).bind(5, r.reason).bind(6, replica.now_iso());
    LIAISON_RETURN_IF_ERROR(ins.run());
  }
  return {};
}

std::optional<std::string> rewound(Replica& replica, const VersionVector& known) {
  const Uuid& self = replica.info().id;
  auto own = known.find(self);
  uint64_t made = replica.version_vector()[self];
  if (own == known.end() || own->second <= made) return std::nullopt;
  return fmt::format("the server holds changes {} to {} of this replica, which this copy does "
                     "not have", made + 1, own->second);
}

Result<PulledStats> apply_from_server(Replica& replica, wire::Changeset cs, VersionVector& known) {
  size_t n = cs.changes.size();
  // The server holds whatever it sends: those sequences are acknowledged too.
  merge_ranges(known, cs);
  LIAISON_ASSIGN_OR_RETURN(ApplyStats st, replica.apply(std::move(cs)));
  return PulledStats{n - st.duplicates, st.conflicts};
}

Result<uint64_t> unacknowledged_changes(Replica& replica) {
  LIAISON_ASSIGN_OR_RETURN(VersionVector known, server_known(replica));
  uint64_t total = 0;
  for (const auto& [origin, seq] : replica.version_vector()) {
    auto it = known.find(origin);
    uint64_t acked = it == known.end() ? 0 : it->second;
    if (seq > acked) total += seq - acked;
  }
  return total;
}

}  // namespace liaison::sync
