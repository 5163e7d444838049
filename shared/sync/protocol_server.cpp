#include "shared/sync/protocol_server.h"

#include <fmt/format.h>

#include "shared/storage/migrations.h"
#include "shared/sync/watermarks.h"

namespace liaison::sync {

namespace {

uint32_t our_schema() {
  return static_cast<uint32_t>(storage::latest_version(storage::embedded_migrations()));
}

ProtocolOutput send(wire::Message m) {
  ProtocolOutput out;
  out.frames.push_back(wire::encode_message(m));
  return out;
}

}  // namespace

ServerProtocol::ServerProtocol(Replica& replica, Authenticator& auth, GuardFactory guards,
                               FilterFactory filters, Clock& clock, std::string peer_address,
                               BatchLimits limits)
    : replica_(replica),
      auth_(auth),
      guards_(std::move(guards)),
      filters_(std::move(filters)),
      clock_(clock),
      peer_address_(std::move(peer_address)),
      limits_(limits),
      blobs_(replica, filter_) {}

ProtocolOutput ServerProtocol::fail(const std::string& code, const std::string& message) {
  state_ = State::kFinished;
  AuditEvent e = event(AuditEvent::Kind::kError);
  e.code = code;
  e.message = message;
  auth_.note(e);
  return error_output(code, message);
}

AuditEvent ServerProtocol::event(AuditEvent::Kind kind) const {
  AuditEvent e;
  e.kind = kind;
  if (principal_) e.device_id = principal_->device_id;
  e.replica = hello_replica_;
  e.address = peer_address_;
  return e;
}

ProtocolOutput ServerProtocol::reply(Result<wire::Message> m) {
  if (!m) return fail(m.status().key(), m.status().detail());
  return send(std::move(m).value());
}

ReceivedFrame ServerProtocol::decode(std::string_view frame, const BatchLimits& limits) {
  wire::Limits changeset_limits;
  changeset_limits.max_bytes = limits.bytes;
  changeset_limits.max_changes = limits.changes;
  return decode_frame<wire::Push>(frame, limits.frame, changeset_limits);
}

ProtocolOutput ServerProtocol::on_received(ReceivedFrame frame) {
  if (state_ == State::kFinished) return fail(errc::kBadMessage, "message after the end");
  Result<wire::Message>& decoded = frame.message;
  if (!decoded) return fail(errc::kBadMessage, decoded.status().detail());
  wire::Message& m = decoded.value();
  if (state_ == State::kHello) {
    if (auto* hello = std::get_if<wire::Hello>(&m)) return on_hello(*hello);
    return fail(errc::kBadMessage, fmt::format("{} before HELLO", wire::message_name(m)));
  }
  // Revocation takes effect on the next message.
  if (!auth_.still_valid(principal_->device_id)) return fail(errc::kRevoked, "device revoked");
  if (state_ == State::kSync) {
    if (auto* push = std::get_if<wire::Push>(&m)) return on_push(*push, std::move(frame.changeset));
    if (auto* offer = std::get_if<wire::BlobOffer>(&m)) return reply(blobs_.on_offer(*offer));
    if (auto* chunk = std::get_if<wire::BlobChunk>(&m)) return reply(blobs_.on_chunk(*chunk));
    if (std::holds_alternative<wire::Pull>(m)) {
      state_ = State::kPulling;
      return send_changes();
    }
  } else if (state_ == State::kContent) {
    if (auto* fetch = std::get_if<wire::BlobFetch>(&m)) return reply(blobs_.on_fetch(*fetch));
    if (std::holds_alternative<wire::End>(m)) {
      state_ = State::kFinished;
      AuditEvent e = event(AuditEvent::Kind::kEnd);
      e.count = pushed_;
      e.refused = refused_;
      auth_.note(e);
      ProtocolOutput out = send(wire::Done{pushed_, pulled_, refused_});
      out.close = true;
      return out;
    }
  } else if (auto* pulled = std::get_if<wire::Pulled>(&m)) {
    return on_pulled(*pulled);
  }
  return fail(errc::kBadMessage, fmt::format("unexpected {}", wire::message_name(m)));
}

ProtocolOutput ServerProtocol::on_hello(const wire::Hello& m) {
  hello_replica_ = m.replica;
  if (std::optional<ProtocolOutput> refused = check_versions(m)) return std::move(*refused);
  int64_t skew = m.clock_ms - clock_.now_ms();
  Result<Principal> who = auth_.authenticate(m.token, m.replica, peer_address_, skew);
  if (!who) {
    const std::string& key = who.status().key();
    bool known = key == errc::kRevoked || key == errc::kReplicaMismatch;
    return fail(known ? key : errc::kAuthFailed, who.status().detail());
  }
  return welcome(std::move(who).value(), m);
}

ProtocolOutput ServerProtocol::start_authenticated(const Principal& device,
                                                   const wire::Hello& hello) {
  if (state_ != State::kHello) return fail(errc::kBadMessage, "the session has started already");
  hello_replica_ = hello.replica;
  if (std::optional<ProtocolOutput> refused = check_versions(hello)) return std::move(*refused);
  return welcome(device, hello);
}

std::optional<ProtocolOutput> ServerProtocol::check_versions(const wire::Hello& m) {
  if (m.protocol != wire::kProtocolVersion)
    return fail(errc::kProtocolVersion,
                fmt::format("protocol {} here, {} there", wire::kProtocolVersion, m.protocol));
  if (m.schema > our_schema())
    return fail(errc::kSchemaTooNew, fmt::format("schema {} here, {} there", our_schema(), m.schema));
  if (m.schema < our_schema())
    return fail(errc::kClientTooOld, fmt::format("schema {} here, {} there", our_schema(), m.schema));
  return std::nullopt;
}

ProtocolOutput ServerProtocol::welcome(Principal device, const wire::Hello& m) {
  // Another process may have written to this replica since the last session (a station's
  // `liaison sync` next to its hub).
  if (Status s = replica_.refresh(); !s.is_ok()) return fail(errc::kInternal, s.detail());
  principal_ = std::move(device);
  guard_ = guards_(*principal_);
  filter_ = filters_(*principal_);
  Result<OriginRules> rules = auth_.origin_rules(*principal_);
  if (!rules) return fail(errc::kInternal, rules.status().detail());
  origins_ = std::move(rules).value();
  device_has_ = from_entries(m.vv);
  if (Status s = record_peer_vector(replica_, principal_->device_id, device_has_); !s.is_ok())
    return fail(errc::kInternal, s.detail());
  wire::Welcome w;
  w.schema = our_schema();
  w.server_replica = replica_.info().id;
  w.clock_ms = clock_.now_ms();
  w.device = principal_->device_id;
  w.role = role_name(principal_->role);
  w.station = principal_->station_id;
  w.spokesperson = principal_->spokesperson_id;
  // What the server has of every origin the device knows, its own included: the device pushes
  // from there, so nothing the server holds is sent again.
  w.known = known_entries(replica_, device_has_, m.replica);
  state_ = State::kSync;
  AuditEvent e = event(AuditEvent::Kind::kSession);
  e.skew_ms = m.clock_ms - w.clock_ms;
  auth_.note(e);
  return send(std::move(w));
}

ProtocolOutput ServerProtocol::on_push(const wire::Push& m, Result<wire::Changeset> cs) {
  if (!cs) {
    bool big = cs.status().code() == Code::kLimitExceeded;
    return fail(big ? errc::kTooBig : errc::kBadMessage, cs.status().detail());
  }
  std::vector<Refusal> foreign = drop_foreign(*cs);
  AuditEvent e = event(AuditEvent::Kind::kPush);
  for (const wire::Range& r : cs->ranges) {
    if (r.origin < cs->origins.size()) e.ranges.push_back({cs->origins[r.origin], r.from, r.to});
  }
  // The device has what it pushed: never send it back.
  merge_ranges(device_has_, *cs);
  Result<ApplyStats> st = replica_.apply(std::move(cs).value(), guard_);
  if (!st) {
    Code c = st.status().code();
    if (c == Code::kCorruption || c == Code::kSchemaTooNew)
      return fail(errc::kBadMessage, st.status().detail());
    return fail(errc::kInternal, st.status().detail());
  }
  if (!foreign.empty()) {
    if (Status s = replica_.note_refused(foreign); !s.is_ok()) return fail(errc::kInternal, s.detail());
    st->refusals.insert(st->refusals.begin(), foreign.begin(), foreign.end());
  }
  wire::Ack ack{m.batch, st->applied + st->pending, st->duplicates, {}};
  for (const Refusal& r : st->refusals)
    ack.refused.push_back({r.origin, r.seq, r.table, r.row_id, r.reason});
  pushed_ += ack.applied;
  refused_ += ack.refused.size();
  e.count = ack.applied;
  e.duplicates = ack.duplicates;
  e.refused = ack.refused.size();
  e.refusals = std::move(st->refusals);
  auth_.note(e);
  return send(std::move(ack));
}

std::vector<Refusal> ServerProtocol::drop_foreign(wire::Changeset& cs) {
  std::vector<Refusal> refused;
  if (!origins_.may_carry) return refused;
  std::vector<bool> foreign(cs.origins.size(), false);
  bool any = false;
  for (size_t i = 0; i < cs.origins.size(); ++i) {
    foreign[i] = cs.origins[i] != principal_->replica_id && !origins_.may_carry(cs.origins[i]);
    any = any || foreign[i];
  }
  if (!any) return refused;
  // Neither the changes nor the ranges of such an origin count: a range alone would make this
  // replica believe it holds sequences that the real origin has not sent yet.
  std::vector<wire::Change> kept;
  for (wire::Change& c : cs.changes) {
    if (c.origin < foreign.size() && foreign[c.origin]) {
      std::string table = c.table < cs.tables.size() ? cs.tables[c.table].name : "";
      refused.push_back({cs.origins[c.origin], c.seq, table, c.row_id, "forged_origin"});
    } else {
      kept.push_back(std::move(c));
    }
  }
  cs.changes = std::move(kept);
  std::erase_if(cs.ranges, [&](const wire::Range& r) {
    return r.origin < foreign.size() && foreign[r.origin];
  });
  return refused;
}

ProtocolOutput ServerProtocol::on_pulled(const wire::Pulled& m) {
  if (unconfirmed_.empty() || m.batch != batch_ - unconfirmed_.size() + 1)
    return fail(errc::kBadMessage, "PULLED for another batch");
  // The device has applied everything up to this batch: its acknowledged watermark moves.
  if (Status s = record_peer_vector(replica_, principal_->device_id, unconfirmed_.front());
      !s.is_ok())
    return fail(errc::kInternal, s.detail());
  unconfirmed_.pop_front();
  if (more_) return send_changes();
  if (!unconfirmed_.empty()) return {};
  // Every change is sent and applied: the device may now fetch attachment content, then END.
  state_ = State::kContent;
  AuditEvent e = event(AuditEvent::Kind::kPull);
  e.count = pulled_;
  auth_.note(e);
  return send(wire::PullEnd{});
}

ProtocolOutput ServerProtocol::send_changes() {
  // Up to the window ahead of the device: it applies one batch while the next is built here.
  ProtocolOutput out;
  while (unconfirmed_.size() < std::max<size_t>(limits_.window, 1)) {
    Result<wire::Changes> c = next_changes();
    if (!c) return fail(c.status().key(), c.status().detail());
    out.frames.push_back(wire::encode_message(wire::Message(std::move(c).value())));
    if (!more_) break;
  }
  return out;
}

Result<wire::Changes> ServerProtocol::next_changes() {
  if (!feed_) {
    if (Status s = replica_.refresh(); !s.is_ok())
      return Status(Code::kInternal, errc::kInternal, s.detail());
    // Outside the district, a device sees only its own station's records (scope.h), and a
    // station device every one of them: its snapshot is planned without asking the filter.
    std::string station = principal_->role == Role::kDistrict ? "" : principal_->station_id;
    bool whole_station = principal_->role == Role::kStation;
    Result<std::unique_ptr<ChangeFeed>> feed = ChangeFeed::plan(
        replica_, device_has_, filter_, station, origins_.hidden, whole_station);
    if (!feed) return Status(Code::kInternal, errc::kInternal, feed.status().detail());
    feed_ = std::move(feed).value();
    // What the device can never see counts as acknowledged by it (for compaction), without
    // being announced.
    for (const auto& [origin, seq] : feed_->skipped()) {
      uint64_t& have = device_has_[origin];
      have = std::max(have, seq);
    }
  }
  Result<wire::Changeset> cs = next_batch(*feed_, limits_);
  if (!cs) return Status(Code::kInternal, errc::kInternal, cs.status().detail());
  merge_ranges(device_has_, *cs);
  // More while the feed lasts, or when the server has received changes since it was planned
  // (the next batch then comes from a new feed).
  more_ = !feed_->done();
  if (!more_) {
    feed_.reset();
    for (const auto& [origin, seq] : replica_.version_vector()) {
      auto it = device_has_.find(origin);
      if (it != device_has_.end() && it->second >= seq) continue;
      if (!origins_.hidden || !origins_.hidden(origin)) more_ = true;
    }
  }
  pulled_ += cs->changes.size();
  std::string bytes = wire::encode(*cs);
  if (bytes.size() > limits_.bytes)
    return Status(Code::kInternal, errc::kInternal, fmt::format("a batch of {} bytes", bytes.size()));
  unconfirmed_.push_back(device_has_);
  return wire::Changes{++batch_, std::move(bytes), more_};
}

ProtocolOutput ServerProtocol::shutting_down() {
  return fail(errc::kShuttingDown, "the server is stopping");
}

}  // namespace liaison::sync
