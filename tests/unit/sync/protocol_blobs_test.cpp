// Attachment content through the two protocol state machines, with no sockets: uploads and
// downloads cut at every chunk resume from the last chunk and never move a chunk twice; content
// a replica holds is never sent to it; content outside a device's scope is neither served nor
// accepted; content that does not match its hash is discarded.
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <map>
#include <optional>
#include <random>

#include "shared/storage/migrations.h"
#include "shared/sync/blob_store.h"
#include "shared/sync/protocol_client.h"
#include "shared/sync/protocol_server.h"
#include "tests/common/protocol_testing.h"
#include "tests/common/replica_fixture.h"
#include "tests/common/status_testing.h"

namespace liaison::sync {
namespace {

constexpr size_t kChunk = wire::kBlobChunkSize;
constexpr size_t kChunks = 5;
const Uuid kDevice = test::fixed_uuid(0x42);

using test::FakeAuth;
constexpr auto station_guard = test::s01_guard;
constexpr auto station_filter = test::s01_filter;

std::string random_bytes(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(rng() & 0xff);
  return out;
}

// Four whole chunks and a short last one.
std::string scan_bytes(uint64_t seed = 7) { return random_bytes(4 * kChunk + 1000, seed); }

// An opinion of the station with one attachment referring to bytes; with content, the bytes
// are stored too. Returns the content's hash.
Result<std::string> add_scan(Replica& r, std::string_view bytes, bool with_content = true,
                             const std::string& station = "S01") {
  test::OpinionSpec spec;
  spec.station_id = station;
  LIAISON_ASSIGN_OR_RETURN(std::string opinion, test::add_opinion(r, spec));
  const TablePolicy& t = test::policy("attachment");
  BlobStore store(r.db());
  std::string sha = sha256_hex(bytes);
  LIAISON_RETURN_IF_ERROR(r.write([&]() -> Status {
    if (with_content) {
      Result<BlobInfo> put = store.put(bytes);
      if (!put) return put.status();
    }
    Fields f = {{test::col(t, "owner_table"), Value{std::string("opinion")}},
                {test::col(t, "owner_id"), Value{opinion}},
                {test::col(t, "station_id"), Value{station}},
                {test::col(t, "sha256"), Value{sha}},
                {test::col(t, "size"), Value{static_cast<int64_t>(bytes.size())}},
                {test::col(t, "at"), Value{std::string("2025-01-01T10:00:00Z")}}};
    Result<std::string> id = r.insert(t, std::move(f));
    return id.is_ok() ? Status{} : id.status();
  }));
  return sha;
}

std::optional<wire::BlobChunk> as_chunk(const std::string& frame) {
  Result<wire::Message> m = wire::decode_message(frame);
  if (!m) return std::nullopt;
  if (auto* c = std::get_if<wire::BlobChunk>(&m.value())) return *c;
  return std::nullopt;
}

// True for a BLOB_CHUNK or BLOB_FETCH (up), or a BLOB_CHUNK or BLOB_STATE (down).
bool is_chunk_traffic(const std::string& frame, bool up) {
  Result<wire::Message> m = wire::decode_message(frame);
  if (!m) return false;
  if (std::holds_alternative<wire::BlobChunk>(m.value())) return true;
  return up ? std::holds_alternative<wire::BlobFetch>(m.value())
            : std::holds_alternative<wire::BlobStates>(m.value());
}

class BlobProtocolTest : public test::SyncFixture {
 protected:
  using Key = std::pair<std::string, uint64_t>;

  // One session. With cut_at > 0 the session ends at the cut_at-th BLOB_CHUNK of the session:
  // before it is delivered, or (deliver_cut) after its receiver took it, its answer lost.
  Status run(test::TestReplica& client, test::TestReplica& server, size_t cut_at = 0,
             bool deliver_cut = false, SyncSummary* summary = nullptr) {
    ClientProtocol c(*client, "good", client.clock);
    ServerProtocol s(*server, auth_, station_guard, station_filter, server.clock, "test");
    std::deque<std::string> to_server, to_client;
    for (auto& f : c.start().frames) to_server.push_back(f);
    size_t chunks = 0, in_flight = 0;
    while (!to_server.empty() || !to_client.empty()) {
      bool up = !to_server.empty();
      std::string f = up ? to_server.front() : to_client.front();
      (up ? to_server : to_client).pop_front();
      std::optional<wire::BlobChunk> chunk = as_chunk(f);
      if (chunk) {
        ++chunk_frames_;
        if (++chunks == cut_at && !deliver_cut) return Status::io("cut before the chunk");
      }
      ProtocolOutput out = up ? s.on_frame(f) : c.on_frame(f);
      if (chunk && c.error().is_ok() && !(out.close && up)) {
        ++(up ? server_took_ : client_took_)[Key{chunk->sha256, chunk->offset}];
      }
      if (chunk && chunks == cut_at) return Status::io("cut after the chunk");
      // Chunks (or fetches) the device has sent whose answers it has not taken yet. An offer's
      // answer goes only when none are (nothing else is sent while an offer is out).
      if (!up && in_flight > 0 && is_chunk_traffic(f, false)) --in_flight;
      for (auto& g : out.frames) {
        if (!up && is_chunk_traffic(g, true)) ++in_flight;
        (up ? to_client : to_server).push_back(g);
      }
      most_in_flight_ = std::max(most_in_flight_, in_flight);
    }
    if (summary) *summary = c.summary();
    if (!c.error().is_ok()) return c.error();
    return c.summary().done ? Status{} : Status::internal("session did not finish");
  }

  // Every chunk of the content was taken exactly once by the side that received it.
  static void expect_each_chunk_once(const std::map<Key, int>& took, const std::string& sha) {
    EXPECT_EQ(took.size(), kChunks);
    for (size_t i = 0; i < kChunks; ++i) {
      auto it = took.find(Key{sha, i * kChunk});
      ASSERT_NE(it, took.end()) << "chunk " << i;
      EXPECT_EQ(it->second, 1) << "chunk " << i << " taken more than once";
    }
  }

  static std::string content(test::TestReplica& r, const std::string& sha) {
    BlobStore store(r->db());
    Result<std::string> all = store.read_all(sha);
    return all.is_ok() ? all.value() : "(missing: " + all.status().message() + ")";
  }

  FakeAuth auth_;
  std::map<Key, int> server_took_, client_took_;
  size_t chunk_frames_ = 0;
  size_t most_in_flight_ = 0;  // chunks or fetches the device had sent unanswered, at most
};

TEST_F(BlobProtocolTest, AnUploadCutAtEveryChunkResumesFromTheLastChunk) {
  std::string bytes = scan_bytes();
  for (size_t cut = 1; cut <= kChunks; ++cut) {
    for (bool deliver : {false, true}) {
      SCOPED_TRACE(testing::Message() << "cut at chunk " << cut << (deliver ? ", answer lost" : ""));
      server_took_.clear();
      test::ReplicaSet set;
      auto* server = set.make({"server", Role::kDistrict, "", test::kEpochMs, 1});
      auto* client = set.make({"client", Role::kStation, "S01", test::kEpochMs, 2, kDevice});
      ASSERT_OK_AND_ASSIGN(std::string sha, add_scan(**client, bytes));
      EXPECT_FALSE(run(*client, *server, cut, deliver).is_ok());
      // Cut after the last chunk, the server has it all and says so when it is offered again.
      bool whole = cut == kChunks && deliver;
      SyncSummary sum;
      ASSERT_OK(run(*client, *server, 0, false, &sum));
      EXPECT_EQ(sum.blobs_sent, whole ? 0u : 1u);
      EXPECT_EQ(content(*server, sha), bytes);
      expect_each_chunk_once(server_took_, sha);
    }
  }
}

TEST_F(BlobProtocolTest, ADownloadCutAtEveryChunkResumesFromTheLastChunk) {
  std::string bytes = scan_bytes();
  for (size_t cut = 1; cut <= kChunks; ++cut) {
    for (bool deliver : {false, true}) {
      SCOPED_TRACE(testing::Message() << "cut at chunk " << cut << (deliver ? ", answer lost" : ""));
      client_took_.clear();
      test::ReplicaSet set;
      auto* server = set.make({"server", Role::kDistrict, "", test::kEpochMs, 1});
      auto* client = set.make({"client", Role::kStation, "S01", test::kEpochMs, 2, kDevice});
      ASSERT_OK_AND_ASSIGN(std::string sha, add_scan(**server, bytes));
      EXPECT_FALSE(run(*client, *server, cut, deliver).is_ok());
      BlobStore store((*client)->db());
      ASSERT_OK_AND_ASSIGN(std::optional<BlobInfo> part, store.info(sha));
      uint64_t held = part ? part->received : 0;
      uint64_t taken = std::min<uint64_t>((deliver ? cut : cut - 1) * kChunk, bytes.size());
      EXPECT_EQ(held, taken) << "each chunk is kept as it arrives";
      bool whole = taken == bytes.size();
      SyncSummary sum;
      ASSERT_OK(run(*client, *server, 0, false, &sum));
      EXPECT_EQ(sum.blobs_received, whole ? 0u : 1u);
      EXPECT_EQ(content(*client, sha), bytes);
      expect_each_chunk_once(client_took_, sha);
    }
  }
}

// The device keeps a window of chunks in flight each way (the server answers in order), so that
// a round trip per chunk does not idle a slow link; never more.
TEST_F(BlobProtocolTest, ChunksGoAWindowAtATimeEachWay) {
  const size_t window = BatchLimits{}.chunks;
  ASSERT_GT(window, 1u);
  ASSERT_GT(kChunks, window);
  auto& server = make({"server", Role::kDistrict, "", test::kEpochMs, 1});
  auto& client = make({"client", Role::kStation, "S01", test::kEpochMs, 2, kDevice});
  auto& other = make({"other", Role::kStation, "S01", test::kEpochMs, 3, test::fixed_uuid(0x43)});
  std::string bytes = scan_bytes(51);
  ASSERT_OK_AND_ASSIGN(std::string sha, add_scan(*client, bytes));
  SyncSummary sum;
  ASSERT_OK(run(client, server, 0, false, &sum));
  EXPECT_EQ(most_in_flight_, window) << "upload";
  EXPECT_EQ(sum.chunks_sent, kChunks);
  expect_each_chunk_once(server_took_, sha);
  most_in_flight_ = 0;
  ASSERT_OK(run(other, server, 0, false, &sum));
  EXPECT_EQ(most_in_flight_, window) << "download";
  EXPECT_EQ(sum.chunks_received, kChunks);
  EXPECT_EQ(content(other, sha), bytes);
  expect_each_chunk_once(client_took_, sha);
}

TEST_F(BlobProtocolTest, AReplicaThatHasTheContentIsSentNothing) {
  auto& server = make({"server", Role::kDistrict, "", test::kEpochMs, 1});
  auto& client = make({"client", Role::kStation, "S01", test::kEpochMs, 2, kDevice});
  auto& other = make({"other", Role::kStation, "S01", test::kEpochMs, 3, test::fixed_uuid(0x43)});
  std::string bytes = scan_bytes();
  ASSERT_OK_AND_ASSIGN(std::string sha, add_scan(*client, bytes));
  ASSERT_OK(run(client, server));
  EXPECT_EQ(chunk_frames_, kChunks);
  // Nothing moves again, either way.
  ASSERT_OK(run(client, server));
  EXPECT_EQ(chunk_frames_, kChunks);
  // A device that already holds the content (scanned the same page) fetches nothing.
  BlobStore store(other->db());
  ASSERT_OK(store.put(bytes));
  SyncSummary sum;
  ASSERT_OK(run(other, server, 0, false, &sum));
  EXPECT_EQ(chunk_frames_, kChunks);
  EXPECT_EQ(sum.blobs_received, 0u);
  EXPECT_EQ(scalar(other, "SELECT COUNT(*) FROM attachment"), 1);
  // A server that holds it already is offered it once and answers "have".
  auto& server2 = make({"server2", Role::kDistrict, "", test::kEpochMs, 4});
  BlobStore store2(server2->db());
  ASSERT_OK(store2.put(bytes));
  ASSERT_OK(run(client, server2, 0, false, &sum));
  EXPECT_EQ(chunk_frames_, kChunks);
  EXPECT_EQ(content(server2, sha), bytes);
}

// Drives the server state machine by hand, as a device that does not follow the rules would.
class RawDevice {
 public:
  RawDevice(test::TestReplica& server, Authenticator& auth)
      : server_(*server, auth, station_guard, station_filter, server.clock, "test") {}

  std::vector<wire::Message> send(const wire::Message& m) {
    ProtocolOutput out = server_.on_frame(wire::encode_message(m));
    closed_ = out.close;
    std::vector<wire::Message> replies;
    for (const std::string& f : out.frames) {
      Result<wire::Message> d = wire::decode_message(f);
      EXPECT_TRUE(d.is_ok());
      if (d) replies.push_back(std::move(d).value());
    }
    return replies;
  }
  void hello() {
    wire::Hello h;
    h.schema = static_cast<uint32_t>(storage::latest_version(storage::embedded_migrations()));
    h.token = "good";
    h.replica = kDevice;
    std::vector<wire::Message> r = send(h);
    ASSERT_EQ(r.size(), 1u);
    ASSERT_TRUE(std::holds_alternative<wire::Welcome>(r[0]));
  }
  // PULL, then PULLED for every batch, up to PULL_END.
  void pull_all() {
    std::vector<wire::Message> r = send(wire::Pull{});
    for (int i = 0; i < 100 && !r.empty(); ++i) {
      if (std::holds_alternative<wire::PullEnd>(r[0])) return;
      auto* c = std::get_if<wire::Changes>(&r[0]);
      ASSERT_NE(c, nullptr) << wire::message_name(r[0]);
      r = send(wire::Pulled{c->batch});
    }
    FAIL() << "no PULL_END";
  }
  bool closed() const { return closed_; }

 private:
  ServerProtocol server_;
  bool closed_ = false;
};

// A copy: the answer is a temporary of the caller's expression.
std::optional<wire::BlobEntry> single_entry(const std::vector<wire::Message>& r) {
  if (r.size() != 1) return std::nullopt;
  auto* s = std::get_if<wire::BlobStates>(&r[0]);
  if (!s || s->entries.size() != 1) return std::nullopt;
  return s->entries[0];
}

bool is_error(const std::vector<wire::Message>& r, const std::string& code) {
  if (r.size() != 1) return false;
  auto* e = std::get_if<wire::Error>(&r[0]);
  return e && e->code == code;
}

TEST_F(BlobProtocolTest, ContentOutsideTheScopeIsNotServed) {
  auto& server = make({"server", Role::kDistrict, "", test::kEpochMs, 1});
  auto& client = make({"client", Role::kStation, "S01", test::kEpochMs, 2, kDevice});
  std::string theirs = scan_bytes(11), ours = scan_bytes(12);
  ASSERT_OK_AND_ASSIGN(std::string their_sha, add_scan(*server, theirs, true, "S02"));
  ASSERT_OK_AND_ASSIGN(std::string our_sha, add_scan(*server, ours, true, "S01"));
  SyncSummary sum;
  ASSERT_OK(run(client, server, 0, false, &sum));
  EXPECT_EQ(sum.blobs_received, 1u);
  EXPECT_EQ(content(client, our_sha), ours);
  EXPECT_EQ(scalar(client, "SELECT COUNT(*) FROM _blob WHERE sha256 = '" + their_sha + "'"), 0);
  // Asked for by hash anyway: answered like content that does not exist.
  RawDevice raw(server, auth_);
  raw.hello();
  raw.pull_all();
  std::optional<wire::BlobEntry> e = single_entry(raw.send(wire::BlobFetch{their_sha, 0}));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->state, wire::BlobState::kUnavailable);
  e = single_entry(raw.send(wire::BlobFetch{sha256_hex("nothing"), 0}));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->state, wire::BlobState::kUnavailable);
  // Content in scope is served, from a chunk's start only.
  std::vector<wire::Message> r = raw.send(wire::BlobFetch{our_sha, kChunk});
  ASSERT_EQ(r.size(), 1u);
  auto* chunk = std::get_if<wire::BlobChunk>(&r[0]);
  ASSERT_NE(chunk, nullptr);
  EXPECT_EQ(chunk->data, ours.substr(kChunk, kChunk));
  EXPECT_TRUE(is_error(raw.send(wire::BlobFetch{our_sha, 5}), "bad_message"));
  EXPECT_TRUE(raw.closed());
}

TEST_F(BlobProtocolTest, ContentNoVisibleRowRefersToIsRefused) {
  auto& server = make({"server", Role::kDistrict, "", test::kEpochMs, 1});
  std::string theirs = scan_bytes(21);
  ASSERT_OK_AND_ASSIGN(std::string their_sha, add_scan(*server, theirs, false, "S02"));
  std::string stray = sha256_hex("no row refers to this");
  RawDevice raw(server, auth_);
  raw.hello();
  std::vector<wire::Message> r = raw.send(wire::BlobOffer{{stray, their_sha}});
  ASSERT_EQ(r.size(), 1u);
  auto* states = std::get_if<wire::BlobStates>(&r[0]);
  ASSERT_NE(states, nullptr);
  ASSERT_EQ(states->entries.size(), 2u);
  EXPECT_EQ(states->entries[0].state, wire::BlobState::kRefused);
  EXPECT_EQ(states->entries[1].state, wire::BlobState::kRefused);
  // Sent anyway: the session ends and nothing is stored.
  std::string data(10, 'x');
  EXPECT_TRUE(is_error(raw.send(wire::BlobChunk{stray, data.size(), 0, data}), "bad_message"));
  EXPECT_TRUE(raw.closed());
  EXPECT_EQ(scalar(server, "SELECT COUNT(*) FROM _blob"), 0);
}

TEST_F(BlobProtocolTest, ContentThatDoesNotMatchItsHashIsDiscarded) {
  auto& server = make({"server", Role::kDistrict, "", test::kEpochMs, 1});
  std::string bytes = random_bytes(kChunk + 50, 31);
  ASSERT_OK_AND_ASSIGN(std::string sha, add_scan(*server, bytes, false, "S01"));
  RawDevice raw(server, auth_);
  raw.hello();
  std::optional<wire::BlobEntry> e = single_entry(raw.send(wire::BlobOffer{{sha}}));
  ASSERT_TRUE(e.has_value());
  ASSERT_EQ(e->state, wire::BlobState::kWant);
  EXPECT_EQ(e->offset, 0u);
  e = single_entry(raw.send(wire::BlobChunk{sha, bytes.size(), 0, bytes.substr(0, kChunk)}));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->state, wire::BlobState::kWant);
  EXPECT_EQ(e->offset, kChunk);
  std::string forged(50, 'f');
  e = single_entry(raw.send(wire::BlobChunk{sha, bytes.size(), kChunk, forged}));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->state, wire::BlobState::kMismatch);
  EXPECT_EQ(scalar(server, "SELECT COUNT(*) FROM _blob"), 0);
  EXPECT_EQ(scalar(server, "SELECT COUNT(*) FROM _blob_chunk"), 0);
  // No longer asked for in this session.
  EXPECT_TRUE(is_error(raw.send(wire::BlobChunk{sha, bytes.size(), 0, bytes.substr(0, kChunk)}),
                       "bad_message"));
}

TEST_F(BlobProtocolTest, AChunkAtAnotherOffsetThanTheServerHoldsEndsTheSession) {
  auto& server = make({"server", Role::kDistrict, "", test::kEpochMs, 1});
  std::string bytes = scan_bytes(41);
  ASSERT_OK_AND_ASSIGN(std::string sha, add_scan(*server, bytes, false, "S01"));
  RawDevice raw(server, auth_);
  raw.hello();
  ASSERT_TRUE(single_entry(raw.send(wire::BlobOffer{{sha}})).has_value());
  EXPECT_TRUE(is_error(raw.send(wire::BlobChunk{sha, bytes.size(), kChunk,
                                                bytes.substr(kChunk, kChunk)}),
                       "bad_message"));
  EXPECT_EQ(scalar(server, "SELECT COUNT(*) FROM _blob_chunk"), 0);
}

}  // namespace
}  // namespace liaison::sync
