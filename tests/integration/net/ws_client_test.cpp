// run_client's failures, each one clear Status with its ClientFailure kind, and the URL parser.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests/integration/net/net_testing.h"

namespace liaison::net::testing {
namespace {

// A listening socket on 127.0.0.1 that never accepts: connects succeed (the kernel completes
// them), then nothing is ever said.
class SilentListener {
 public:
  SilentListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) == 0 && ::listen(fd_, 8) == 0 &&
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      port_ = ntohs(addr.sin_port);
    }
  }
  ~SilentListener() { close(); }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

ClientRun run_once(const std::string& url, std::chrono::seconds connect_timeout = 5s) {
  FnClient h;
  ClientOptions o;
  o.url = url;
  o.connect_timeout = connect_timeout;
  ClientRun r;
  r.status = run_client(o, h, &r.stats);
  return r;
}

TEST(WsClient, ConnectionRefusedOnAClosedPort) {
  SilentListener listener;
  uint16_t port = listener.port();
  ASSERT_NE(port, 0);
  listener.close();
  ClientRun r = run_once("ws://127.0.0.1:" + std::to_string(port) + "/sync");
  EXPECT_EQ(r.stats.failure, ClientFailure::kConnect);
  EXPECT_EQ(r.status.code(), Code::kIo);
  EXPECT_NE(r.status.message().find("cannot connect to 127.0.0.1:"), std::string::npos)
      << r.status.message();
  EXPECT_NE(r.status.message().find("refused"), std::string::npos) << r.status.message();
}

TEST(WsClient, SilentServerTimesOutTheHandshake) {
  SilentListener listener;
  ClientRun r = run_once("ws://127.0.0.1:" + std::to_string(listener.port()) + "/sync", 1s);
  EXPECT_EQ(r.stats.failure, ClientFailure::kHandshake);
  EXPECT_NE(r.status.message().find("no answer within 1 s"), std::string::npos)
      << r.status.message();
}

TEST(WsClient, WrongPathIsRefusedWith404) {
  Journal journal;
  auto server = start_server(journal);
  ASSERT_TRUE(server);
  ClientRun r = run_once(client_options(*server, "/elsewhere").url);
  EXPECT_EQ(r.stats.failure, ClientFailure::kHandshake);
  EXPECT_EQ(r.stats.http_status, 404);
  EXPECT_NE(r.status.message().find("HTTP 404"), std::string::npos) << r.status.message();
  EXPECT_EQ(journal.opens, 0);
}

TEST(WsClient, ServerCloseCodeAndReasonReachTheCaller) {
  Journal journal;
  auto server = start_server(journal);
  ASSERT_TRUE(server);
  FnClient h;
  h.open = [] { return reply_with("close:1008:auth.denied"); };
  ClientStats st;
  Status s = run_client(client_options(*server), h, &st);
  EXPECT_EQ(st.failure, ClientFailure::kClosedByServer);
  EXPECT_EQ(st.close_code, 1008);
  EXPECT_EQ(st.close_reason, "auth.denied");
  EXPECT_NE(s.message().find("code 1008"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("auth.denied"), std::string::npos) << s.message();
}

TEST(WsClient, MessageOverMaxFrameIsRefused) {
  Journal journal;
  auto server = start_server(journal);
  ASSERT_TRUE(server);
  FnClient h;
  h.open = [] { return reply_with("big:5000:1"); };
  ClientOptions o = client_options(*server);
  o.max_frame = 1000;
  ClientStats st;
  Status s = run_client(o, h, &st);
  EXPECT_EQ(st.failure, ClientFailure::kFrameTooBig);
  EXPECT_EQ(s.code(), Code::kLimitExceeded) << s.message();
}

TEST(WsClient, BadUrlsAreRejectedBeforeAnyConnection) {
  for (const char* url : {"http://127.0.0.1/sync", "127.0.0.1:80", "ws://", "ws://:80/x",
                          "ws://host:0/", "ws://host:70000/", "ws://host:8a/", "ws://u@host/",
                          "ws://host/a b", "ws://host/#frag", "ws://[::1/", "wss://ho$t/"}) {
    ClientRun r = run_once(url);
    EXPECT_EQ(r.stats.failure, ClientFailure::kBadUrl) << url;
    EXPECT_EQ(r.status.code(), Code::kInvalidArgument) << url;
    EXPECT_NE(r.status.message().find("bad server URL"), std::string::npos) << url;
  }
}

TEST(WsClient, UrlsParse) {
  Result<WsUrl> a = parse_ws_url("ws://example.org");
  ASSERT_OK(a);
  EXPECT_FALSE(a->tls);
  EXPECT_EQ(a->host, "example.org");
  EXPECT_EQ(a->port, "80");
  EXPECT_EQ(a->target, "/");

  Result<WsUrl> b = parse_ws_url("WSS://[::1]:8443/sync?station=s1");
  ASSERT_OK(b);
  EXPECT_TRUE(b->tls);
  EXPECT_EQ(b->host, "::1");
  EXPECT_EQ(b->port, "8443");
  EXPECT_EQ(b->target, "/sync?station=s1");

  Result<WsUrl> c = parse_ws_url("wss://sync.example.org?x=1");
  ASSERT_OK(c);
  EXPECT_EQ(c->port, "443");
  EXPECT_EQ(c->target, "/?x=1");
}

}  // namespace
}  // namespace liaison::net::testing
