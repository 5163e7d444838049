// The security matrix's rows on who may connect: tokens (none, malformed, unknown, wrong secret,
// revoked before and during a session, copied, another station's), protocol and schema versions,
// and message order (docs/protocol.md, "Authorization", "Sequence").
#include <string>
#include <vector>

#include "tests/integration/sync/net_security_fixture.h"

namespace liaison::net_security {
namespace {

// HELLO, then the device is revoked by the district office, then a PUSH of a new record.
Outcome revoked_mid_session(Matrix& m) {
  TestDevice& d = m.dev("revoked_mid");
  Outcome out;
  auto peer = m.raw_session(d, &out.seen);
  if (out.seen != "WELCOME") return out;
  out.also = {m.revoke("revoked_mid")};
  auto made = create("opinion")(d);
  auto bytes = last_change()(d);
  if (!made || !bytes) return Outcome{"could not write", {}, {}, out.also};
  (void)peer->write(frame(wire::Push{1, bytes.value()}));
  out.seen = answer(*peer);
  return out;
}

}  // namespace

std::vector<Row> auth_rows() {
  return {
      // Tokens (docs/protocol.md, "Authorization").
      {"auth.no_token", "ERROR auth_failed", intruder_with([](Matrix&) { return ""; })},
      {"auth.malformed_token", "ERROR auth_failed",
       intruder_with([](Matrix&) { return "lt1.nobody.secret"; })},
      {"auth.unknown_device", "ERROR auth_failed",
       intruder_with([](Matrix&) {
         return "lt1." + Uuid::v7().str() + "." + std::string(32, 'a');
       })},
      {"auth.wrong_secret", "ERROR auth_failed",
       intruder_with([](Matrix& m) {
         return "lt1." + m.dev("st").device_id() + "." + std::string(32, 'a');
       })},
      {"auth.token_over_256_bytes", "ERROR bad_message",
       intruder_with([](Matrix& m) { return m.dev("st").token + std::string(256, 'a'); })},
      {"auth.copied_token_of_another_station", "ERROR replica_mismatch",
       intruder_with([](Matrix& m) { return m.dev("st2").token; })},
      {"auth.revoked_device", "ERROR revoked",
       [](Matrix& m) {
         std::string key = m.revoke("revoked");
         Outcome out = m.push(m.dev("revoked"), create("opinion"), m.dev("revoked").token);
         out.also = {key};
         return out;
       }},
      {"auth.revoked_during_the_session", "ERROR revoked", revoked_mid_session},
      {"auth.token_of_another_station", "refused other_station",
       as("holds_s02_token", create("opinion"))},
      // Versions and order (docs/protocol.md, "Sequence").
      {"hello.other_protocol_version", "ERROR protocol_version",
       raw("", [](Matrix& m) {
         TestDevice& d = m.dev("st");
         return std::vector<std::string>{hello_frame(d.token, d.id(), {}, 2)};
       })},
      {"hello.newer_schema", "ERROR schema_too_new",
       raw("", [](Matrix& m) {
         TestDevice& d = m.dev("st");
         return std::vector<std::string>{
             hello_frame(d.token, d.id(), {}, wire::kProtocolVersion, 1)};
       })},
      {"hello.older_schema", "ERROR client_too_old",
       raw("", [](Matrix& m) {
         TestDevice& d = m.dev("st");
         return std::vector<std::string>{
             hello_frame(d.token, d.id(), {}, wire::kProtocolVersion, -1)};
       })},
      {"order.push_before_hello", "ERROR bad_message",
       raw("", [](Matrix& m) {
         auto bytes = last_change()(m.dev("st"));
         return std::vector<std::string>{frame(wire::Push{1, bytes ? bytes.value() : ""})};
       })},
      {"order.second_hello", "ERROR bad_message",
       raw("st", [](Matrix& m) {
         TestDevice& d = m.dev("st");
         return std::vector<std::string>{hello_frame(d.token, d.id(), {})};
       })},
  };
}

}  // namespace liaison::net_security
