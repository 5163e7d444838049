// ClientStats::tcp_bytes_*: what crossed the TCP connection, as the kernel counted it, after
// permessage-deflate and with the HTTP upgrade, frame headers and the closing handshake.
#include "tests/integration/net/net_testing.h"

namespace liaison::net::testing {
namespace {

// Sends one message, waits for its answer, closes.
ClientRun send_one(const WsServer& server, std::string message) {
  FnClient h;
  h.open = [&] { return reply_with(message); };
  h.frame = [](const std::string&) { return close_normally(); };
  ClientRun r;
  r.status = run_client(client_options(server), h, &r.stats);
  return r;
}

TEST(WsClientBytes, CompressibleMessagesCrossDeflated) {
  Journal journal;
  auto server = start_server(journal);
  ASSERT_TRUE(server);
  std::string text;
  while (text.size() < 200'000) text += "社区西侧的垃圾分类站清运不及时，气味很大。";
  ClientRun r = send_one(*server, text);  // echoed back
  ASSERT_OK(r.status);
  EXPECT_EQ(r.stats.bytes_sent, text.size());
  EXPECT_EQ(r.stats.bytes_received, text.size());
  // The HTTP upgrade alone is over 150 bytes each way; the text deflates to far less than itself.
  EXPECT_GT(r.stats.tcp_bytes_sent, 150u);
  EXPECT_GT(r.stats.tcp_bytes_received, 150u);
  EXPECT_LT(r.stats.tcp_bytes_sent, text.size() / 10);
  EXPECT_LT(r.stats.tcp_bytes_received, text.size() / 10);
}

TEST(WsClientBytes, IncompressibleBytesAreAllCounted) {
  Journal journal;
  auto server = start_server(journal);
  ASSERT_TRUE(server);
  ClientRun r = send_one(*server, "big:300000:1");
  ASSERT_OK(r.status);
  EXPECT_EQ(r.stats.bytes_received, 300'000u);
  // Random bytes do not deflate: every one of them crossed, with the upgrade and frame headers.
  EXPECT_GT(r.stats.tcp_bytes_received, 300'000u);
  EXPECT_LT(r.stats.tcp_bytes_received, 302'000u);
  EXPECT_GT(r.stats.tcp_bytes_sent, 150u);
  EXPECT_LT(r.stats.tcp_bytes_sent, 1'000u);
}

TEST(WsClientBytes, NothingIsCountedWithoutAConnection) {
  Journal journal;
  auto server = start_server(journal);
  ASSERT_TRUE(server);
  ClientOptions o = client_options(*server);
  server.reset();  // the port is closed now
  FnClient h;
  ClientStats st;
  EXPECT_FALSE(run_client(o, h, &st).is_ok());
  EXPECT_EQ(st.failure, ClientFailure::kConnect);
  EXPECT_EQ(st.tcp_bytes_sent, 0u);
  EXPECT_EQ(st.tcp_bytes_received, 0u);
}

}  // namespace
}  // namespace liaison::net::testing
