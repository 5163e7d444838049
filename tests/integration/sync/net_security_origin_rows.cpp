// The security matrix's rows on origins and replays: devices relaying changes of origins they
// may not carry (hub_device records claiming another device's replica too), and replayed batches.
#include <algorithm>
#include <string>
#include <vector>

#include "tests/common/replica_fixture.h"
#include "tests/integration/sync/net_security_fixture.h"

namespace liaison::net_security {
namespace {

// HELLO, PULL, the CHANGES confirmed one by one up to PULL_END, then PULLED 1 once more.
Outcome pulled_again(Matrix& m) {
  Outcome out;
  auto peer = m.raw_session(m.dev("st"), &out.seen);
  if (out.seen != "WELCOME") return out;
  (void)peer->write(frame(wire::Pull{}));
  for (uint64_t batch = 1;; ++batch) {
    std::string bytes;
    if (peer->read(&bytes)) return Outcome{"cut while pulling", {}, {}, {}};
    auto msg = wire::decode_message(bytes);
    if (msg && std::holds_alternative<wire::PullEnd>(msg.value())) break;
    if (!msg || !std::holds_alternative<wire::Changes>(msg.value()))
      return Outcome{"unexpected answer while pulling", {}, {}, {}};
    (void)peer->write(frame(wire::Pulled{batch}));
  }
  (void)peer->write(frame(wire::Pulled{1}));
  out.seen = answer(*peer);
  return out;
}

// A station's hub_device record that names as its spokesperson device's replica one already
// bound to another device (another computer of the station, whose replica id every device of
// the station sees in its vector), then a change under that replica's origin relayed by the
// station, taking the sequence number of that device's next change: the replica must not
// become one the station may carry, or the device's real change would be taken for a duplicate
// and lost. The record names the replica when it is created, or (later) in an edit.
Outcome hub_device_claiming_another_devices_replica(Matrix& m, bool later) {
  TestDevice& st = m.dev("st");
  TestDevice& victim = m.dev("honest");
  const Value replica = victim.id().str();
  Write claim_it = [&](TestDevice& d) -> Result<std::vector<Target>> {
    NamedFields set = {{"created_at", T("2000-01-01T00:00:00Z")}};
    if (!later) set.emplace_back("replica_id", replica);
    LIAISON_ASSIGN_OR_RETURN(std::vector<Target> made, create("hub_device", set)(d));
    if (later)
      LIAISON_RETURN_IF_ERROR(
          test::update_row(*d.replica, "hub_device", made[0].id, {{"replica_id", replica}}));
    return made;
  };
  Outcome claim = m.push(st, claim_it, st.token);
  if (claim.seen != "applied" || claim.targets.empty()) return claim;
  const Target& hub = claim.targets[0];
  Outcome out;
  // The record is the station's own (for a spokesperson of its own): applied, and its device
  // granted, bound to no replica.
  out.also = {hub.table + "/" + hub.id, "_log/" + hub.table + "/" + hub.id,
              "_vv/" + st.id().str(), "_device/" + hub.id};
  out.pusher = st.id();
  m.owe("honest");
  uint64_t seq = victim.replica->version_vector()[victim.id()];
  std::string forged = Uuid::v7().str();
  std::vector<std::string> columns = {"station_id", "recorded_by", "spokesperson_id", "at",
                                      "matter", "voter", "source", "created_at"};
  std::vector<wire::FieldChange> fields;
  for (const auto& [name, value] :
       for_device(record("opinion", {{"spokesperson_id", T("SP1")}}), victim)) {
    auto at = std::find(columns.begin(), columns.end(), name);
    if (at != columns.end()) fields.push_back({static_cast<uint32_t>(at - columns.begin()), value});
  }
  wire::Changeset cs = test::forged_changeset("opinion", columns, victim.id(), seq,
                                              victim.replica->hlc_now() + 1, true, forged, fields);
  cs.schema_version = our_schema();
  out.targets = {{"opinion", forged, victim.id()}};
  auto peer = m.raw_session(st, &out.seen);
  if (out.seen != "WELCOME") return out;
  (void)peer->write(frame(wire::Push{1, wire::encode(cs)}));
  out.seen = answer(*peer);
  return out;
}

}  // namespace

std::vector<Row> origin_rows() {
  return {
      // Origins (docs/protocol.md, "Origins"): a push carries only the origins its device may.
      {"origin.station_carries_another_stations_device", "refused forged_origin",
       carries("st2", "honest")},
      {"origin.spokesperson_carries_its_stations_device", "refused forged_origin",
       carries("sp", "honest")},
      {"origin.district_device_carries_a_station_device", "refused forged_origin",
       carries("dd", "honest")},
      {"origin.station_carries_another_stations_spokesperson", "refused forged_origin",
       carries("st2", "sp")},
      {"origin.station_relays_its_own_spokesperson", "applied", carries("st", "sp", false)},
      {"origin.hub_device_claiming_another_devices_replica", "refused forged_origin",
       [](Matrix& m) { return hub_device_claiming_another_devices_replica(m, false); }},
      {"origin.hub_device_edited_to_another_devices_replica", "refused forged_origin",
       [](Matrix& m) { return hub_device_claiming_another_devices_replica(m, true); }},

      // Replays: what the district has is a duplicate whatever it holds now; a captured batch
      // of another device is a forged origin.
      {"replay.own_batch", "duplicates 1", push_raw("st", last_change())},
      {"replay.own_batch_with_other_values", "duplicates 1",
       push_raw("st", last_change([](wire::Changeset& cs) { set_texts(cs, "篡改"); }))},
      {"replay.captured_batch_of_another_device", "refused forged_origin",
       [](Matrix& m) {
         std::string id = m.owe("honest");
         auto bytes = last_change()(m.dev("honest"));
         Outcome out = push_raw("st2", [&](TestDevice&) { return bytes; })(m);
         out.targets = {{"opinion", id, m.dev("honest").id()}};
         out.pusher = m.dev("st2").id();
         return out;
       }},
      {"replay.pulled_again", "ERROR bad_message", pulled_again},
  };
}

}  // namespace liaison::net_security
