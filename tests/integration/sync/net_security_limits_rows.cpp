// The security matrix's rows on limits: text, oversized and deflate-bomb frames, malformed and
// deeply nested msgpack, oversized changesets, a peer that floods and never reads, idle peers.
#include <sys/socket.h>
#include <sys/time.h>

#include <atomic>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

#include "tests/integration/sync/net_security_fixture.h"

namespace liaison::net_security {
namespace {

// The changeset format's CRC-32 (zlib's): for changesets made byte by byte.
uint32_t crc32(std::string_view bytes) {
  uint32_t c = 0xffffffffu;
  for (unsigned char b : bytes) {
    c ^= b;
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
  }
  return ~c;
}

// A changeset of format 1 around a msgpack body, with a correct checksum.
std::string changeset_bytes(const std::string& body) {
  std::string out = std::string("LCS") + static_cast<char>(wire::kChangesetFormat) + body;
  uint32_t crc = crc32(out);
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((crc >> shift) & 0xff);
  return out;
}

// A HELLO whose vector is an array nested depth deep.
std::string deeply_nested_hello(int depth) {
  // [1, 3, 7, "tok", bin16, 0, [[[...nil...]]]]
  std::string m = "\x97\x01\x03\x07\xa3tok\xc4\x10" + std::string(16, '\x01');
  return m + std::string(1, '\0') + std::string(static_cast<size_t>(depth), '\x91') + "\xc0";
}

// A HELLO naming more origins than a vector may hold.
std::string hello_with_origins(size_t n) {
  wire::VectorEntries vv;
  for (size_t i = 0; i < n; ++i) {
    Uuid u;
    for (size_t b = 0; b < 8; ++b) u.bytes[b] = static_cast<uint8_t>(i >> (8 * b));
    vv.emplace_back(u, 1);
  }
  return hello_frame("lt1.x.y", Uuid::v7(), vv);
}

// A peer that asks, faster than it reads, for the same chunk of content over and over (answers
// of 64 times the server's queue bound in all, 2,048 chunks of 32 KiB): the server stops reading
// once its queue for that peer is half full, never queues more than its bound, and closes the
// peer (which answers no ping) at the idle timeout.
Outcome reader_that_never_reads(Matrix& m) {
  Outcome out;
  TestDevice& d = m.dev("flooder");
  auto peer = std::make_unique<RawPeer>(m.port(), RawPeerOptions{.rcvbuf = 64 * 1024});
  (void)peer->write(hello_frame(d.token, d.id(), sync::to_entries(d.replica->version_vector())));
  if ((out.seen = answer(*peer)) != "WELCOME") return out;
  (void)peer->write(frame(wire::Pull{}));
  for (uint64_t batch = 1; (out.seen = answer(*peer)) != "PULL_END"; ++batch) {
    if (out.seen != "CHANGES") return out;
    (void)peer->write(frame(wire::Pulled{batch}));
  }
  const net::ServerStats start = m.stats();
  constexpr int kFrames = static_cast<int>(64 * kMaxQueued / wire::kBlobChunkSize);
  std::atomic<int> written{0};
  const std::string fetch = frame(wire::BlobFetch{m.blob_sha(), 0});
  auto flood = std::async(std::launch::async, [&] {
    for (int i = 0; i < kFrames && !peer->write(fetch); ++i) written++;
  });
  bool closed = poll_until([&] { return m.stats().open_connections == 0; }, 15s);
  bool flood_over = flood.wait_for(15s) == std::future_status::ready;
  bool drained = poll_until([&] { return m.stats().queued_bytes == 0; });
  const net::ServerStats end = m.stats();
  uint64_t read = end.frames_in - start.frames_in;
  if (!closed) {
    out.seen = "still open";
  } else if (!flood_over) {
    out.seen = "the peer's writes never ended";
  } else if (read >= static_cast<uint64_t>(written.load())) {
    out.seen = "the server read all " + std::to_string(read) + " frames";
  } else if (end.peak_queued_bytes > kMaxQueued || end.peak_queued_bytes <= kMaxQueued / 2) {
    out.seen = "queue peaked at " + std::to_string(end.peak_queued_bytes) + " bytes";
  } else if (!drained) {
    out.seen = "bytes still queued for a closed peer";
  } else {
    out.seen = "closed slow peer";
  }
  return out;
}

// 100 WebSocket peers that never send nor read and 100 TCP peers that never upgrade: an honest
// sync succeeds while they are open, and the idle and handshake timeouts close every one.
Outcome many_idle_connections(Matrix& m) {
  namespace asio = boost::asio;
  constexpr int kEach = 100;
  std::vector<std::unique_ptr<RawPeer>> ws;
  asio::io_context ioc;
  std::vector<std::unique_ptr<asio::ip::tcp::socket>> tcp;
  for (int i = 0; i < kEach; ++i) {
    ws.push_back(std::make_unique<RawPeer>(m.port()));
    if (ws.back()->error())
      return Outcome{"upgrade failed: " + ws.back()->error().message(), {}, {}, {}};
    auto sock = std::make_unique<asio::ip::tcp::socket>(ioc);
    boost::system::error_code ec;
    sock->connect({asio::ip::make_address("127.0.0.1"), m.port()}, ec);
    if (ec) return Outcome{"connect failed: " + ec.message(), {}, {}, {}};
    timeval tv{10, 0};
    ::setsockopt(sock->native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    tcp.push_back(std::move(sock));
  }
  if (!poll_until([&] { return m.stats().open_connections == kEach; }))
    return Outcome{"only " + std::to_string(m.stats().open_connections) + " open", {}, {}, {}};
  auto honest = m.sync(m.dev("honest"), m.dev("honest").token);
  if (!honest) return Outcome{"honest sync failed: " + honest.status().message(), {}, {}, {}};
  if (!poll_until([&] { return m.stats().open_connections == 0; }, 15s))
    return Outcome{"idle WebSocket peers still open", {}, {}, {}};
  for (auto& sock : tcp) {
    char byte;
    boost::system::error_code ec;
    if (sock->read_some(asio::buffer(&byte, 1), ec) != 0 || !ec)
      return Outcome{"a TCP peer got bytes", {}, {}, {}};
    if (ec != asio::error::eof && ec != asio::error::connection_reset)
      return Outcome{"a TCP peer was not cut: " + ec.message(), {}, {}, {}};
  }
  for (auto& peer : ws)
    if (!peer->read()) return Outcome{"an idle peer got a message", {}, {}, {}};
  return Outcome{"closed idle", {}, {}, {}};
}

}  // namespace

std::vector<Row> limits_rows() {
  return {
      // Frames and msgpack (docs/protocol.md, "Limits").
      {"frame.text", "close 1003",
       [](Matrix& m) {
         RawPeer peer(m.port());
         (void)peer.write("HELLO", /*text=*/true);
         return Outcome{answer(peer), {}, {}, {}};
       }},
      {"frame.over_8_mib", "close 1009",
       raw("", [](Matrix&) { return std::vector<std::string>{std::string((8 << 20) + 1, 'x')}; })},
      {"frame.deflate_bomb", "close 1009",
       raw("", [](Matrix&) { return std::vector<std::string>{std::string(16 << 20, '\0')}; },
           {.deflate = true})},
      {"msgpack.not_msgpack", "ERROR bad_message",
       raw("", [](Matrix&) { return std::vector<std::string>{"\xc1garbage"}; })},
      {"msgpack.deeply_nested_message", "ERROR bad_message",
       raw("", [](Matrix&) { return std::vector<std::string>{deeply_nested_hello(100'000)}; })},
      {"msgpack.array_claiming_4g_elements", "ERROR bad_message",
       raw("", [](Matrix&) { return std::vector<std::string>{"\xdd\xff\xff\xff\xff\x01\x02"}; })},
      {"msgpack.vector_over_100000_origins", "ERROR bad_message",
       raw("", [](Matrix&) { return std::vector<std::string>{hello_with_origins(100'001)}; })},
      {"changeset.deeply_nested", "ERROR too_big",
       push_raw("st", [](TestDevice&) -> Result<std::string> {
         return changeset_bytes(std::string(100'000, '\x91') + "\xc0");
       })},
      {"changeset.over_4_mib", "ERROR too_big",
       push_raw("st", last_change([](wire::Changeset& cs) {
         set_texts(cs, std::string(5 << 20, 'x'), 1);
       }))},
      {"changeset.over_2000_changes", "ERROR too_big",
       push_raw("st", last_change([](wire::Changeset& cs) {
         while (cs.changes.size() <= 2000) cs.changes.push_back(cs.changes.front());
       }))},
      {"changeset.bad_checksum", "ERROR bad_message",
       push_raw("st", [](TestDevice& d) -> Result<std::string> {
         LIAISON_ASSIGN_OR_RETURN(std::string bytes, last_change()(d));
         bytes.back() = static_cast<char>(bytes.back() ^ 1);
         return bytes;
       })},

      // Load (docs/protocol.md, "Limits"; shared/net/ws_server.h, "Bounds").
      {"flood.reader_that_never_reads", "closed slow peer", reader_that_never_reads},
      {"idle.200_connections", "closed idle", many_idle_connections},
  };
}

}  // namespace liaison::net_security
