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

}  // namespace

ClientProtocol::ClientProtocol(Replica& replica, std::string token, Clock& clock,
                               BatchLimits limits)
    : replica_(replica), token_(std::move(token)), clock_(clock), limits_(limits) {}

ProtocolOutput ClientProtocol::fail(const std::string& code, const std::string& message) {
  state_ = State::kFinished;
  error_ = Status(Code::kInvalidArgument, code, message);
  return error_output(code, message);
}

ProtocolOutput ClientProtocol::start() {
  wire::Hello h;
  h.schema = static_cast<uint32_t>(storage::latest_version(storage::embedded_migrations()));
  h.token = token_;
  h.replica = replica_.info().id;
  h.clock_ms = clock_.now_ms();
  h.vv = to_entries(replica_.version_vector());
  return send(std::move(h));
}

ProtocolOutput ClientProtocol::on_frame(const std::string& frame) {
  if (state_ == State::kFinished) return {};
  wire::MessageLimits limits;
  limits.max_frame = limits_.frame;
  Result<wire::Message> decoded = wire::decode_message(frame, limits);
  if (!decoded) return fail(errc::kBadMessage, decoded.status().detail());
  wire::Message& m = decoded.value();
  if (auto* e = std::get_if<wire::Error>(&m)) {
    state_ = State::kFinished;
    error_ = Status(Code::kPermissionDenied, e->code, e->message);
    ProtocolOutput out;
    out.close = true;
    return out;
  }
  if (state_ == State::kWelcome) {
    if (auto* w = std::get_if<wire::Welcome>(&m)) return on_welcome(*w);
  } else if (state_ == State::kPushing) {
    if (auto* a = std::get_if<wire::Ack>(&m)) return on_ack(*a);
  } else if (auto* c = std::get_if<wire::Changes>(&m)) {
    return on_changes(*c);
  } else if (auto* d = std::get_if<wire::Done>(&m)) {
    (void)d;
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
  if (Status s = store_known(); !s.is_ok()) return fail(errc::kInternal, s.message());
  state_ = State::kPushing;
  return push_next();
}

ProtocolOutput ClientProtocol::push_next() {
  Result<wire::Changeset> cs = replica_.changes_since(known_, limits_.changes);
  if (!cs) return fail(errc::kInternal, cs.status().message());
  if (cs->changes.empty() && cs->ranges.empty()) {
    state_ = State::kPulling;
    return send(wire::Pull{});
  }
  std::string bytes = wire::encode(*cs);
  in_flight_ = std::move(cs).value();
  return send(wire::Push{++batch_, std::move(bytes)});
}

ProtocolOutput ClientProtocol::on_ack(const wire::Ack& m) {
  if (m.batch != batch_) return fail(errc::kBadMessage, "ACK for another batch");
  summary_.pushed += m.applied;
  summary_.refused += m.refused.size();
  merge_ranges(known_, in_flight_);
  Status s = replica_.db().transaction([&]() -> Status {
    LIAISON_RETURN_IF_ERROR(store_known());
    LIAISON_ASSIGN_OR_RETURN(storage::Stmt ins,
                             replica_.db().prepare("INSERT INTO _server_refused(origin, seq, tbl, "
                                                   "row_id, reason, at) VALUES(?,?,?,?,?,?)"));
    for (const wire::Refusal& r : m.refused) {
      ins.bind(1, r.origin.str()).bind(2, static_cast<int64_t>(r.seq)).bind(3, r.table);
      ins.bind(4, r.row).bind(5, r.reason).bind(6, replica_.now_iso());
      LIAISON_RETURN_IF_ERROR(ins.run());
    }
    return Status{};
  });
  if (!s.is_ok()) return fail(errc::kInternal, s.message());
  return push_next();
}

ProtocolOutput ClientProtocol::on_changes(wire::Changes& m) {
  wire::Limits limits;
  limits.max_bytes = limits_.frame;
  Result<wire::Changeset> cs = wire::decode(m.changeset, limits);
  if (!cs) return fail(errc::kBadMessage, cs.status().detail());
  size_t n = cs->changes.size();
  // The server holds whatever it sends: those sequences are acknowledged too.
  merge_ranges(known_, *cs);
  // The server checked these against this device's scope; the merge rules still apply.
  Result<ApplyStats> st = replica_.apply(std::move(cs).value());
  if (!st) return fail(errc::kInternal, st.status().message());
  if (Status s = store_known(); !s.is_ok()) return fail(errc::kInternal, s.message());
  summary_.pulled += n - st->duplicates;
  summary_.conflicts += st->conflicts;
  return send(wire::Pulled{m.batch});
}

Status ClientProtocol::store_known() {
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt up,
                           replica_.db().prepare("INSERT INTO _server_known(origin, seq) "
                                                 "VALUES(?, ?) ON CONFLICT(origin) DO UPDATE SET "
                                                 "seq = MAX(seq, excluded.seq)"));
  for (const auto& [origin, seq] : known_) {
    up.bind(1, origin.str()).bind(2, static_cast<int64_t>(seq));
    LIAISON_RETURN_IF_ERROR(up.run());
  }
  return {};
}

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
