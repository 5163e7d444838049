// Writes the seed corpus of the fuzz targets (tests/fuzz/corpus/<target>/): small valid inputs
// taken from one real session between the two protocol state machines, run on the same
// replicas and batch limits as the targets (fuzz_support.h), so the seeds stay in step with
// them. Run it after a change to the protocol or to those replicas:
//
//   build-fuzz/tests/fuzz/fuzz_make_corpus tests/fuzz/corpus
//
// It replaces the seeds it writes and leaves every other file (the kept crash inputs) alone.
// Exits non-zero when the session does not end with DONE or a message type has no seed.
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "shared/sync/protocol_client.h"
#include "shared/sync/protocol_server.h"
#include "shared/wire/changeset.h"
#include "shared/wire/messages.h"
#include "tests/common/protocol_testing.h"
#include "tests/fuzz/fuzz_support.h"

namespace liaison::fuzz {
namespace {

namespace fs = std::filesystem;

struct Session {
  std::vector<std::string> to_server, to_client;
  bool done = false;
};

// One sync of device with server, frames recorded.
Session run_session(sync::Replica& device, Clock& device_clock, sync::Replica& server,
                    Clock& server_clock, const std::string& token) {
  Session s;
  test::FakeAuth auth;
  sync::ClientProtocol client(device, token, device_clock, batch_limits());
  sync::ServerProtocol srv(server, auth, test::s01_guard, test::s01_filter, server_clock, "seed",
                           batch_limits());
  std::vector<std::string> pending = client.start().frames;
  while (!pending.empty()) {
    std::vector<std::string> answers;
    for (const std::string& f : pending) {
      s.to_server.push_back(f);
      for (std::string& a : srv.on_frame(f).frames) answers.push_back(std::move(a));
    }
    pending.clear();
    for (const std::string& f : answers) {
      s.to_client.push_back(f);
      for (std::string& a : client.on_frame(f).frames) pending.push_back(std::move(a));
    }
  }
  s.done = client.summary().done;
  return s;
}

// The first sync of the targets' device with their server, both as the targets start.
Session first_session(ReplicaSnapshot& device, ReplicaSnapshot& server, const std::string& token) {
  sync::Replica& d = device.fresh();
  sync::Replica& r = server.fresh();
  return run_session(d, device.clock(), r, server.clock(), token);
}

// A later sync: the device synced with the early server, then set the category of opinion #1,
// which the server set too since. The device's push then holds an update of a row the server
// has (a conflict there), and the server's CHANGES come from its log as updates.
Session resync_session(ReplicaSnapshot& device, ReplicaSnapshot& early, ReplicaSnapshot& server) {
  sync::Replica& d = device.fresh();
  sync::Replica& e = early.fresh();
  check(run_session(d, device.clock(), e, early.clock(), kToken).done, "the first sync failed");
  set_category(d, 1, "roads");
  sync::Replica& r = server.fresh();
  return run_session(d, device.clock(), r, server.clock(), kToken);
}

void write(const fs::path& dir, const std::string& name, const std::string& bytes) {
  fs::create_directories(dir);
  std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  check(out.good(), fmt::format("cannot write {}", (dir / name).string()));
}

std::string lower_name(const wire::Message& m) {
  std::string name = wire::message_name(m);
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

// Every frame of the session, named by its position and type, and an ERROR made here; every
// message type must be among them.
void message_seeds(const fs::path& dir, const Session& s) {
  std::vector<std::string> all = s.to_server;
  all.insert(all.end(), s.to_client.begin(), s.to_client.end());
  all.push_back(wire::encode_message(wire::Error{"bad_message", "unexpected PULL", "fatal"}));
  std::set<size_t> types;
  for (size_t i = 0; i < all.size(); ++i) {
    Result<wire::Message> m = wire::decode_message(all[i]);
    check(m.is_ok(), "the session sent a frame it cannot decode");
    types.insert(m.value().index());
    write(dir, fmt::format("{:02}_{}", i + 1, lower_name(m.value())), all[i]);
  }
  check(types.size() == std::variant_size_v<wire::Message>,
        fmt::format("only {} message types in the session", types.size()));
}

// The changesets of the sessions' PUSH and CHANGES, and one that uses every part of the format.
void changeset_seeds(const fs::path& dir, const Session& first, const Session& again) {
  int n = 0;
  for (const auto* frames :
       {&first.to_server, &first.to_client, &again.to_server, &again.to_client}) {
    for (const std::string& f : *frames) {
      Result<wire::Message> m = wire::decode_message(f);
      if (const auto* p = std::get_if<wire::Push>(&m.value()))
        write(dir, fmt::format("push_{}", ++n), p->changeset);
      else if (const auto* c = std::get_if<wire::Changes>(&m.value()))
        write(dir, fmt::format("changes_{}", ++n), c->changeset);
    }
  }
  wire::Changeset cs;
  cs.schema_version = 5;
  Uuid a, b;
  a.bytes.fill(0xa1);
  b.bytes.fill(0xb2);
  cs.sender = a;
  cs.origins = {a, b};
  cs.ranges = {{0, 0, 3}, {1, 7, 9}};
  cs.tables = {{"opinion", {"id", "voter", "phone", "category"}}, {"station", {"id", "voters"}}};
  cs.changes = {
      {0, "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", 0, 1, 0x0190a1b2c3d40001, true,
       {{1, std::string("张三"), 0, 0}, {2, Value{}, 0, 0}, {3, 2.5, 0, 0}}},
      {0, "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", 0, 3, 0x0190a1b2c3d40005, false,
       {{3, std::string("roads"), 0x0190a1b2c3d40001, 1}}},
      {1, "S01", 1, 8, 0x0190a1b2c3d50000, true, {{1, int64_t{-3200}, 0, 0}}},
      {1, "S01", 1, 9, 0x0190a1b2c3d50009, false, {{1, int64_t{4'000'000'000}, 8, 1}}}};
  write(dir, "every_part", wire::encode(cs));
  write(dir, "empty", wire::encode(wire::Changeset{}));
}

int run(const fs::path& out) {
  ReplicaSnapshot device(Side::kDevice);
  ReplicaSnapshot server(Side::kServer);
  ReplicaSnapshot early(Side::kServerEarly);
  Session s = first_session(device, server, kToken);
  check(s.done, "the seed session did not end with DONE");
  Session again = resync_session(device, early, server);
  check(again.done, "the second seed session did not end with DONE");

  write(out / "fuzz_server", "full_session", write_script({true, s.to_server}));
  write(out / "fuzz_server", "full_session_raw", write_script({false, s.to_server}));
  write(out / "fuzz_server", "resync_session", write_script({true, again.to_server}));
  write(out / "fuzz_server", "hello_only", write_script({false, {s.to_server.front()}}));
  Session refused = first_session(device, server, "wrong");
  write(out / "fuzz_server", "bad_token", write_script({false, refused.to_server}));

  write(out / "fuzz_client", "full_session", write_script({true, s.to_client}));
  write(out / "fuzz_client", "full_session_raw", write_script({false, s.to_client}));
  write(out / "fuzz_client", "resync_session", write_script({true, again.to_client}));
  write(out / "fuzz_client", "welcome_then_error",
        write_script({false,
                      {s.to_client.front(),
                       wire::encode_message(wire::Error{"internal", "disk full", "retry"})}}));

  message_seeds(out / "fuzz_messages", s);
  changeset_seeds(out / "fuzz_changeset", s, again);
  std::printf("seed sessions: %zu and %zu frames to the server, %zu and %zu to the device\n",
              s.to_server.size(), again.to_server.size(), s.to_client.size(),
              again.to_client.size());
  return 0;
}

}  // namespace
}  // namespace liaison::fuzz

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
    return 2;
  }
  return liaison::fuzz::run(argv[1]);
}
