// The fault-injecting proxy (tools/faultproxy) between plain TCP peers on loopback: it relays
// both ways intact, counts what it relays, and cuts, stalls, fragments, delays and throttles as
// configured. The peers are blocking POSIX sockets on their own threads, so this file needs no
// Asio.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <string>
#include <thread>

#include "tests/integration/sync/net_fixture.h"
#include "tools/faultproxy/fault_proxy.h"
#include "tools/faultproxy/ws_meter.h"

namespace liaison::faultproxy {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// A listening socket on 127.0.0.1 with a free port; closed on destruction.
class Listener {
 public:
  Listener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), len) != 0 || ::listen(fd_, 16) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
      ADD_FAILURE() << "cannot listen";
    port_ = ntohs(a.sin_port);
  }
  ~Listener() { ::close(fd_); }
  uint16_t port() const { return port_; }
  int accept() const { return ::accept(fd_, nullptr, nullptr); }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

int connect_to(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool send_all(int fd, const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

// Reads until the peer ends the stream (or it fails) or max bytes came; returns what came.
std::string read_until_end(int fd, size_t max = SIZE_MAX) {
  std::string out;
  char buf[8192];
  while (out.size() < max) {
    ssize_t n = ::recv(fd, buf, std::min(sizeof buf, max - out.size()), 0);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

std::string pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 7 + i / 251) % 26);
  return s;
}

// One connection through the proxy to a peer that reads everything, then sends `reply` and
// closes. Returns (what the target read, what the client read).
struct Exchange {
  std::string target_got, client_got;
  std::chrono::milliseconds took{0};
};

Exchange exchange(const Listener& target, FaultProxy& proxy, const std::string& request,
                  const std::string& reply) {
  auto server = std::async(std::launch::async, [&] {
    int fd = target.accept();
    std::string got = read_until_end(fd, request.size());
    send_all(fd, reply);
    ::shutdown(fd, SHUT_WR);
    read_until_end(fd);  // until the client is done too
    ::close(fd);
    return got;
  });
  Exchange e;
  auto start = Clock::now();
  int fd = connect_to(proxy.port());
  EXPECT_GE(fd, 0);
  send_all(fd, request);
  e.client_got = read_until_end(fd);
  ::close(fd);
  e.took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  e.target_got = server.get();
  return e;
}

std::unique_ptr<FaultProxy> start_proxy(const Listener& target, const FaultConfig& faults = {}) {
  ProxyOptions o;
  o.target_port = target.port();
  o.faults = faults;
  auto p = FaultProxy::start(o);
  EXPECT_TRUE(p.is_ok()) << (p.is_ok() ? "" : p.status().message());
  return p.is_ok() ? std::move(p).value() : nullptr;
}

TEST(FaultProxy, RelaysBothWaysIntactAndCountsEveryByte) {
  Listener target;
  auto proxy = start_proxy(target);
  ASSERT_TRUE(proxy);
  std::string request = pattern(300'000), reply = pattern(200'000).substr(7);
  Exchange e = exchange(target, *proxy, request, reply);
  EXPECT_EQ(e.target_got, request);
  EXPECT_EQ(e.client_got, reply);
  ASSERT_TRUE(test::poll_until([&] { return proxy->stats().open == 0; }));
  ProxyStats s = proxy->stats();
  EXPECT_EQ(s.accepted, 1u);
  EXPECT_EQ(s.cuts, 0u);
  EXPECT_EQ(s.bytes_up, request.size());
  EXPECT_EQ(s.bytes_down, reply.size());
  auto c = proxy->connections();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].number, 1u);
  EXPECT_EQ(c[0].bytes_up, request.size());
  EXPECT_EQ(c[0].bytes_down, reply.size());
  EXPECT_EQ(c[0].cut, CutCause::kNone);
  // One turn each way: the request, then the reply.
  ASSERT_EQ(c[0].turns.size(), 2u);
  EXPECT_TRUE(c[0].turns[0].up);
  EXPECT_EQ(c[0].turns[0].end, request.size());
  EXPECT_FALSE(c[0].turns[1].up);
  EXPECT_EQ(c[0].turns[1].end, reply.size());
}

TEST(FaultProxy, CutsAfterExactlyTheConfiguredBytesEachWay) {
  Listener target;
  auto proxy = start_proxy(target);
  ASSERT_TRUE(proxy);
  std::string request = pattern(50'000), reply = pattern(60'000);
  for (uint64_t n : {0u, 1u, 1000u, 16'385u, 49'999u}) {
    FaultConfig up;
    up.up.cut = Trigger::at(n);
    ASSERT_TRUE(proxy->set_faults(up).is_ok());
    Exchange e = exchange(target, *proxy, request, reply);
    EXPECT_EQ(e.target_got, request.substr(0, n)) << n;
    EXPECT_EQ(e.client_got, "") << n;
    EXPECT_EQ(proxy->connections().back().cut, CutCause::kUpBytes) << n;

    FaultConfig down;
    down.down.cut = Trigger::at(n);
    ASSERT_TRUE(proxy->set_faults(down).is_ok());
    e = exchange(target, *proxy, request, reply);
    EXPECT_EQ(e.target_got, request) << n;
    EXPECT_EQ(e.client_got, reply.substr(0, n)) << n;
    EXPECT_EQ(proxy->connections().back().cut, CutCause::kDownBytes) << n;
    EXPECT_EQ(proxy->connections().back().bytes_down, n);
  }
  EXPECT_EQ(proxy->stats().cuts, 10u);
}

TEST(FaultProxy, FaultyConnectionRangeLetsTheOthersThrough) {
  Listener target;
  FaultConfig f;
  f.down.cut = Trigger::at(10);
  f.faulty_from = 2;
  f.faulty_to = 2;
  auto proxy = start_proxy(target, f);
  ASSERT_TRUE(proxy);
  std::string reply = pattern(5000);
  EXPECT_EQ(exchange(target, *proxy, "x", reply).client_got, reply);
  EXPECT_EQ(exchange(target, *proxy, "x", reply).client_got, reply.substr(0, 10));
  EXPECT_EQ(exchange(target, *proxy, "x", reply).client_got, reply);
  auto c = proxy->connections();
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0].cut, CutCause::kNone);
  EXPECT_EQ(c[1].cut, CutCause::kDownBytes);
  EXPECT_EQ(c[2].cut, CutCause::kNone);
}

// A conversation of `rounds` requests of `size` bytes, each answered by as many bytes, through
// the proxy. Returns the bytes the client received.
std::string ping_pong(const Listener& target, FaultProxy& proxy, int rounds, size_t size) {
  auto server = std::async(std::launch::async, [&] {
    int fd = target.accept();
    for (int i = 0; i < rounds; ++i) {
      if (read_until_end(fd, size).size() != size) break;
      if (!send_all(fd, std::string(size, static_cast<char>('A' + i)))) break;
    }
    ::close(fd);
  });
  int fd = connect_to(proxy.port());
  std::string got;
  for (int i = 0; i < rounds; ++i) {
    if (!send_all(fd, std::string(size, static_cast<char>('a' + i)))) break;
    std::string answer = read_until_end(fd, size);
    got += answer;
    if (answer.size() != size) break;
  }
  ::close(fd);
  server.get();
  return got;
}

TEST(FaultProxy, TurnRelativeTriggersStrikeInTheirTurnAndTurnsAreCounted) {
  Listener target;
  FaultConfig f;
  f.down.cut = Trigger::in_turn(3, 5);  // 5 bytes into the third answer
  auto proxy = start_proxy(target, f);
  ASSERT_TRUE(proxy);
  std::string got = ping_pong(target, *proxy, 4, 1000);
  EXPECT_EQ(got, std::string(1000, 'A') + std::string(1000, 'B') + std::string(5, 'C'));
  auto c = proxy->connections().at(0);
  EXPECT_EQ(c.cut, CutCause::kDownBytes);
  // Turns alternate: three requests, two whole answers and the cut one.
  ASSERT_EQ(c.turns.size(), 6u);
  for (size_t i = 0; i < c.turns.size(); ++i) {
    EXPECT_EQ(c.turns[i].up, i % 2 == 0) << i;
    EXPECT_EQ(c.turns[i].end, i == 5 ? 2005u : 1000 * (i / 2 + 1)) << i;
  }
  ASSERT_TRUE(proxy->set_faults({}).is_ok());
  EXPECT_EQ(ping_pong(target, *proxy, 4, 1000).size(), 4000u);
  ASSERT_TRUE(test::poll_until([&] { return proxy->stats().open == 0; }));
  EXPECT_EQ(proxy->connections().at(1).turns.size(), 8u);
}

TEST(FaultProxy, FragmentsAndJitterKeepTheBytesInOrder) {
  Listener target;
  FaultConfig f;
  f.seed = 42;
  for (DirectionFaults* d : {&f.up, &f.down}) {
    d->fragment = 7;
    d->jitter = 2ms;
  }
  auto proxy = start_proxy(target, f);
  ASSERT_TRUE(proxy);
  std::string request = pattern(20'000), reply = pattern(30'000);
  Exchange e = exchange(target, *proxy, request, reply);
  EXPECT_EQ(e.target_got, request);
  EXPECT_EQ(e.client_got, reply);
}

TEST(FaultProxy, DelayAndBandwidthSlowTheLinkDown) {
  Listener target;
  // 200 KB/s each way and 100 ms each way: 40 KB up and 40 KB down take at least 0.2 s each
  // plus the two one-way delays.
  FaultConfig f = bad_link(1'600'000, 200ms);
  auto proxy = start_proxy(target, f);
  ASSERT_TRUE(proxy);
  std::string request = pattern(40'000), reply = pattern(40'000);
  Exchange e = exchange(target, *proxy, request, reply);
  EXPECT_EQ(e.client_got, reply);
  EXPECT_GE(e.took, 580ms);
  EXPECT_LT(e.took, 5000ms);
}

TEST(FaultProxy, StallHoldsTheDirectionForItsDuration) {
  Listener target;
  FaultConfig f;
  f.down.stall = Trigger::at(100);
  f.down.stall_for = 300ms;
  auto proxy = start_proxy(target, f);
  ASSERT_TRUE(proxy);
  std::string reply = pattern(1000);
  Exchange e = exchange(target, *proxy, "x", reply);
  EXPECT_EQ(e.client_got, reply);
  EXPECT_GE(e.took, 300ms);
}

TEST(FaultProxy, PeriodicAndManualCutsEndOpenConnections) {
  Listener target;
  FaultConfig f;
  f.cut_every = 100ms;
  auto proxy = start_proxy(target, f);
  ASSERT_TRUE(proxy);
  int client = connect_to(proxy->port());
  int server = target.accept();
  ASSERT_GE(client, 0);
  // The cut ends the stream on both sides.
  EXPECT_EQ(read_until_end(client), "");
  EXPECT_EQ(read_until_end(server), "");
  ::close(client);
  ::close(server);
  EXPECT_EQ(proxy->connections().at(0).cut, CutCause::kPeriodic);

  ASSERT_TRUE(proxy->set_faults({}).is_ok());
  client = connect_to(proxy->port());
  server = target.accept();
  ASSERT_TRUE(send_all(client, "ping"));
  EXPECT_EQ(read_until_end(server, 4), "ping");
  proxy->cut_all();
  EXPECT_EQ(read_until_end(client), "");
  ::close(client);
  ::close(server);
  EXPECT_EQ(proxy->connections().at(1).cut, CutCause::kManual);
}

TEST(FaultProxy, UnreachableTargetClosesTheClientAndIsCounted) {
  uint16_t closed_port;
  {
    Listener gone;
    closed_port = gone.port();
  }
  ProxyOptions o;
  o.target_port = closed_port;
  auto proxy = FaultProxy::start(o);
  ASSERT_TRUE(proxy.is_ok());
  int client = connect_to(proxy.value()->port());
  ASSERT_GE(client, 0);
  EXPECT_EQ(read_until_end(client), "");
  ::close(client);
  ASSERT_TRUE(test::poll_until([&] { return proxy.value()->stats().connect_failures == 1; }));
  EXPECT_TRUE(proxy.value()->connections().at(0).connect_failed);
}

TEST(FaultConfig, PlansFollowTheSeedAndTheConnectionNumberOnly) {
  FaultConfig f;
  f.seed = 9;
  f.up.cut = Trigger::between(100, 100'000, 0.5);
  f.down.stall = Trigger::between(0, 10, 1.0);
  int cut = 0;
  for (uint64_t n = 1; n <= 200; ++n) {
    ConnectionPlan a = draw_plan(f, n), b = draw_plan(f, n);
    EXPECT_EQ(a.cut_up, b.cut_up);
    EXPECT_EQ(a.up_seed, b.up_seed);
    ASSERT_TRUE(a.stall_down.has_value());
    EXPECT_LE(a.stall_down->bytes, 10u);
    EXPECT_FALSE(a.cut_down.has_value());
    if (a.cut_up) {
      ++cut;
      EXPECT_EQ(a.cut_up->turn, 0u);
      EXPECT_GE(a.cut_up->bytes, 100u);
      EXPECT_LE(a.cut_up->bytes, 100'000u);
    }
  }
  EXPECT_GT(cut, 60);  // about half of 200
  EXPECT_LT(cut, 140);
  FaultConfig other = f;
  other.seed = 10;
  int same = 0;
  for (uint64_t n = 1; n <= 50; ++n) same += draw_plan(f, n).up_seed == draw_plan(other, n).up_seed;
  EXPECT_EQ(same, 0);
  f.faulty_from = 5;
  f.faulty_to = 6;
  EXPECT_FALSE(draw_plan(f, 4).stall_down.has_value());
  EXPECT_TRUE(draw_plan(f, 5).stall_down.has_value());
  EXPECT_FALSE(draw_plan(f, 7).stall_down.has_value());
}

TEST(FaultConfig, BadConfigurationsAndOptionTextsAreRefused) {
  FaultConfig f;
  f.up.cut = Trigger::between(10, 5);
  EXPECT_FALSE(validate(f).is_ok());
  f = {};
  f.down.stall.chance = 1.5;
  EXPECT_FALSE(validate(f).is_ok());
  f = {};
  f.faulty_from = 0;
  EXPECT_FALSE(validate(f).is_ok());
  EXPECT_TRUE(validate(bad_link(50'000, 500ms)).is_ok());
  ProxyOptions o;
  o.faults.up.delay = -1ms;
  EXPECT_FALSE(FaultProxy::start(o).is_ok());

  auto r = parse_byte_range("100-2k");
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->min, 100u);
  EXPECT_EQ(r->max, 2048u);
  r = parse_byte_range("3M");
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->min, 3u << 20);
  EXPECT_EQ(r->max, 3u << 20);
  for (const char* bad : {"", "-", "5-1", "x", "1-", "99999999999999999999"})
    EXPECT_FALSE(parse_byte_range(bad).is_ok()) << bad;
  auto hp = parse_host_port("[::1]:8750");
  ASSERT_TRUE(hp.is_ok());
  EXPECT_EQ(hp->first, "::1");
  EXPECT_EQ(hp->second, 8750);
  for (const char* bad : {"host", ":80", "host:", "host:65536", "host:8a"})
    EXPECT_FALSE(parse_host_port(bad).is_ok()) << bad;
}

// A WebSocket frame: fin, opcode, a payload of n bytes, masked (as a client sends) or not.
std::string ws_frame(bool fin, uint8_t opcode, size_t n, bool masked) {
  std::string f;
  f.push_back(static_cast<char>((fin ? 0x80 : 0) | opcode));
  uint8_t mask = masked ? 0x80 : 0;
  if (n < 126) {
    f.push_back(static_cast<char>(mask | n));
  } else if (n < 65536) {
    f.push_back(static_cast<char>(mask | 126));
    f.push_back(static_cast<char>(n >> 8));
    f.push_back(static_cast<char>(n & 0xff));
  } else {
    f.push_back(static_cast<char>(mask | 127));
    for (int i = 7; i >= 0; --i) f.push_back(static_cast<char>((uint64_t{n} >> (8 * i)) & 0xff));
  }
  if (masked) f += "abcd";
  return f + std::string(n, 'x');
}

TEST(WsMeter, FindsTheEndOfEveryDataMessageWhateverTheReadSizes) {
  std::string http = "GET /sync HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n\r\n";
  std::string stream = http;
  std::vector<uint64_t> want;
  stream += ws_frame(true, 2, 40, true);  // a small binary message
  want.push_back(stream.size());
  stream += ws_frame(true, 9, 4, true);   // a ping: not a message
  stream += ws_frame(false, 2, 300, true);  // a message in three frames, a pong between
  stream += ws_frame(true, 10, 0, true);
  stream += ws_frame(false, 0, 70000, true);
  stream += ws_frame(true, 0, 5, true);
  want.push_back(stream.size());
  stream += ws_frame(true, 2, 0, false);  // empty, unmasked
  want.push_back(stream.size());
  stream += ws_frame(true, 8, 2, true);   // close: not a message
  for (size_t piece : {size_t{1}, size_t{3}, size_t{7}, size_t{4096}, stream.size()}) {
    WsMeter m;
    for (size_t i = 0; i < stream.size(); i += piece)
      m.feed(stream.data() + i, std::min(piece, stream.size() - i));
    EXPECT_EQ(m.ends(), want) << piece;
    EXPECT_FALSE(m.lost());
    uint64_t at = 0;
    ASSERT_TRUE(m.start_of(1, &at));
    EXPECT_EQ(at, http.size());
    ASSERT_TRUE(m.start_of(3, &at));
    EXPECT_EQ(at, want[1]);
    EXPECT_FALSE(m.start_of(5, &at));
  }
  WsMeter bad;
  std::string junk = http + "\x83\x01z";  // reserved opcode 3
  bad.feed(junk.data(), junk.size());
  EXPECT_TRUE(bad.lost());
}

}  // namespace
}  // namespace liaison::faultproxy
