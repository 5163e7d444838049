// WsServer with real run_client connections over 127.0.0.1: concurrency, the database thread,
// frame and queue limits, the port file and the shutdown stages.
#include <csignal>
#include <fstream>
#include <vector>

#include "tests/common/run.h"
#include "tests/integration/net/net_testing.h"

namespace liaison::net::testing {
namespace {

TEST(WsServer, FiftyConcurrentClientsEachExchangeFrames) {
  Journal journal;
  auto server = start_server(journal);
  ASSERT_TRUE(server);
  constexpr int kClients = 50, kRounds = 4;
  std::vector<std::unique_ptr<EchoClient>> handlers;
  std::vector<std::future<ClientRun>> runs;
  for (int i = 0; i < kClients; ++i) {
    handlers.push_back(std::make_unique<EchoClient>("c" + std::to_string(i), kRounds));
    runs.push_back(run_async(client_options(*server), *handlers.back()));
  }
  for (int i = 0; i < kClients; ++i) {
    ClientRun r = finish(runs[i]);
    EXPECT_OK(r.status) << "client " << i;
    EXPECT_EQ(r.stats.frames_received, uint64_t{kRounds});
    EXPECT_EQ(handlers[i]->received(), kRounds);
    EXPECT_EQ(handlers[i]->mismatches, 0);
  }
  EXPECT_TRUE(poll_until([&] { return journal.closes == kClients; }));
  EXPECT_EQ(journal.opens, kClients);
  ServerStats s = server->stats();
  EXPECT_EQ(s.accepted, uint64_t{kClients});
  EXPECT_EQ(s.frames_in, uint64_t{kClients * kRounds});
  EXPECT_EQ(s.frames_out, uint64_t{kClients * kRounds});
  EXPECT_TRUE(poll_until([&] { return server->stats().open_connections == 0; }));
}

TEST(WsServer, HandlersRunOnlyOnTheDatabaseThreadOneCallAtATimeInOrder) {
  Journal journal;
  auto server = start_server(journal);
  ASSERT_TRUE(server);
  constexpr int kClients = 8, kFrames = 20;
  std::vector<std::unique_ptr<FnClient>> handlers;
  std::vector<std::future<ClientRun>> runs;
  for (int i = 0; i < kClients; ++i) {
    auto h = std::make_unique<FnClient>();
    // All frames at once, so the server has several queued for one connection.
    h->open = [] {
      Reply r;
      for (int n = 0; n < kFrames; ++n) r.frames.push_back(make_frame("seq:" + std::to_string(n)));
      return r;
    };
    h->frame = [received = 0](const std::string&) mutable {
      return ++received == kFrames ? close_normally() : Reply{};
    };
    runs.push_back(run_async(client_options(*server), *h));
    handlers.push_back(std::move(h));
  }
  for (auto& run : runs) EXPECT_OK(finish(run).status);
  ASSERT_TRUE(poll_until([&] { return journal.closes == kClients; }));
  EXPECT_EQ(journal.seen_threads(), std::set<std::thread::id>{server->database_thread_id()});
  EXPECT_NE(server->database_thread_id(), std::this_thread::get_id());
  EXPECT_EQ(journal.overlapping, 0);
  EXPECT_EQ(journal.out_of_order, 0);
  EXPECT_EQ(journal.close_without_open, 0);
}

TEST(WsServer, OversizedFrameClosesThatConnectionWith1009AndOthersGoOn) {
  Journal journal;
  ServerOptions o = test_options();
  o.max_frame = 64 * 1024;
  auto server = start_server(journal, o);
  ASSERT_TRUE(server);

  // B exchanges one frame, then waits for the gate before its second.
  std::promise<void> gate;
  std::shared_future<void> opened_gate = gate.get_future().share();
  std::atomic<bool> b_first{false};
  FnClient b;
  b.open = [] { return reply_with("b-0"); };
  b.frame = [&, n = 0](const std::string&) mutable {
    if (++n == 2) return close_normally();
    b_first = true;
    opened_gate.wait();
    return reply_with("b-1");
  };
  auto b_run = run_async(client_options(*server), b);
  ASSERT_TRUE(poll_until([&] { return b_first.load(); }));

  FnClient a;
  a.open = [] { return reply_with(std::string(64 * 1024 + 1, 'x')); };
  auto a_run = run_async(client_options(*server), a);
  ClientRun ar = finish(a_run);
  EXPECT_EQ(ar.stats.failure, ClientFailure::kClosedByServer) << ar.status.message();
  EXPECT_EQ(ar.stats.close_code, 1009);

  gate.set_value();
  ClientRun br = finish(b_run);
  EXPECT_OK(br.status);
  EXPECT_EQ(br.stats.frames_received, 2u);
  // The server counts after its closing handshake, which may end after the client returned.
  EXPECT_TRUE(poll_until([&] { return server->stats().closed_too_big == 1; }));
}

TEST(WsServer, ReplyOverTheQueueLimitClosesWith1008) {
  Journal journal;
  ServerOptions o = test_options();
  o.max_queued_bytes = 1 << 20;
  auto server = start_server(journal, o);
  ASSERT_TRUE(server);
  FnClient c;
  c.open = [] { return reply_with("big:262144:5"); };  // 1.25 MB in one Reply
  auto run = run_async(client_options(*server), c);
  ClientRun r = finish(run);
  EXPECT_EQ(r.stats.failure, ClientFailure::kClosedByServer) << r.status.message();
  EXPECT_EQ(r.stats.close_code, 1008);
  EXPECT_NE(r.status.message().find("1008"), std::string::npos) << r.status.message();
  ServerStats s = server->stats();
  EXPECT_EQ(s.closed_slow, 1u);
  EXPECT_LE(s.peak_queued_bytes, o.max_queued_bytes);
  EXPECT_TRUE(poll_until([&] { return server->stats().queued_bytes == 0; }));
}

TEST(WsServer, ThrowingHandlerClosesWith1011) {
  Journal journal;
  auto server = start_server(journal);
  ASSERT_TRUE(server);
  FnClient c;
  c.open = [] { return reply_with("throw"); };
  auto run = run_async(client_options(*server), c);
  ClientRun r = finish(run);
  EXPECT_EQ(r.stats.close_code, 1011) << r.status.message();
  EXPECT_EQ(server->stats().handler_errors, 1u);
  EXPECT_TRUE(poll_until([&] { return journal.closes == 1; }));
}

TEST(WsServer, PortFileHoldsTheBoundPort) {
  test::TempDir dir;
  Journal journal;
  ServerOptions o = test_options();
  o.port_file = dir.file("server.port");
  auto server = start_server(journal, o);
  ASSERT_TRUE(server);
  std::ifstream in(o.port_file);
  int port = 0;
  in >> port;
  EXPECT_NE(server->port(), 0);
  EXPECT_EQ(port, server->port());
}

TEST(WsServer, ListensOnAHostName) {
  Journal journal;
  ServerOptions o = test_options();
  o.host = "localhost";
  auto server = start_server(journal, o);
  ASSERT_TRUE(server);
  EchoClient h("n", 2);
  ClientOptions c = client_options(*server);
  c.url = "ws://localhost:" + std::to_string(server->port()) + "/sync";
  EXPECT_OK(run_client(c, h));
  EXPECT_EQ(h.received(), 2);
}

TEST(WsServer, ShutdownRefusesNewConnectionsAndLetsAnExchangeFinish) {
  Journal journal;
  auto server = start_server(journal);
  ASSERT_TRUE(server);
  std::promise<void> gate;
  std::shared_future<void> released = gate.get_future().share();
  std::atomic<bool> midway{false};
  FnClient a;
  a.open = [] { return reply_with("a-0"); };
  a.frame = [&, n = 0](const std::string&) mutable {
    if (++n == 2) return close_normally();
    midway = true;
    released.wait();
    return reply_with("a-1");
  };
  auto a_run = run_async(client_options(*server), a);
  ASSERT_TRUE(poll_until([&] { return midway.load(); }));

  auto started = std::chrono::steady_clock::now();
  auto stopped = std::async(std::launch::async, [&] { server->shutdown(30s); });
  ClientOptions probe_options = client_options(*server);
  EXPECT_TRUE(poll_until([&] {
    FnClient probe;
    probe.open = [] { return close_normally(); };
    ClientStats st;
    Status s = run_client(probe_options, probe, &st);
    return st.failure == ClientFailure::kConnect;
  }));

  gate.set_value();
  ClientRun ar = finish(a_run);
  EXPECT_OK(ar.status);
  EXPECT_EQ(ar.stats.frames_received, 2u);
  ASSERT_EQ(stopped.wait_for(20s), std::future_status::ready);
  // The exchange ended by itself, so shutdown did not wait for the grace period.
  EXPECT_LT(std::chrono::steady_clock::now() - started, 20s);
  EXPECT_EQ(journal.opens, journal.closes);
}

TEST(WsServer, ShutdownClosesWhatIsLeftAfterTheGracePeriodWithGoingAway) {
  Journal journal;
  auto server = start_server(journal);
  ASSERT_TRUE(server);
  FnClient idle;  // sends nothing and waits for the server
  auto run = run_async(client_options(*server), idle);
  ASSERT_TRUE(poll_until([&] { return journal.opens == 1; }));
  server->shutdown(200ms);
  ClientRun r = finish(run);
  EXPECT_EQ(r.stats.failure, ClientFailure::kClosedByServer) << r.status.message();
  EXPECT_EQ(r.stats.close_code, 1001);
  EXPECT_EQ(journal.closes, 1);  // shutdown() returned after every on_close
}

TEST(WsServer, ShutdownClosesAConnectionWhoseHandlerIsBusyThenCallsOnClose) {
  Journal journal;
  std::promise<void> gate;
  std::shared_future<void> released = gate.get_future().share();
  std::atomic<bool> busy{false};
  journal.block = [&] {
    busy = true;
    released.wait();
  };
  auto server = start_server(journal);
  ASSERT_TRUE(server);
  FnClient c;
  c.open = [] { return reply_with("block"); };
  auto run = run_async(client_options(*server), c);
  ASSERT_TRUE(poll_until([&] { return busy.load(); }));

  auto stopped = std::async(std::launch::async, [&] { server->shutdown(0ms); });
  // The connection is closed while its handler call is still running...
  ClientRun r = finish(run);
  EXPECT_EQ(r.stats.close_code, 1001) << r.status.message();
  EXPECT_EQ(journal.closes, 0);
  // ...and on_close follows the call once it returns.
  gate.set_value();
  ASSERT_EQ(stopped.wait_for(20s), std::future_status::ready);
  EXPECT_EQ(journal.closes, 1);
  EXPECT_EQ(journal.overlapping, 0);
}

TEST(WsServer, SigtermStartsShutdownAndWaitReturns) {
  Journal journal;
  auto server = start_server(journal);
  ASSERT_TRUE(server);
  ASSERT_OK(server->shutdown_on_signals(100ms));
  auto waited = std::async(std::launch::async, [&] { server->wait(); });
  std::raise(SIGTERM);
  EXPECT_EQ(waited.wait_for(20s), std::future_status::ready);
}

TEST(WsServer, StartFailsClearlyWhenThePortIsTaken) {
  Journal journal;
  auto first = start_server(journal);
  ASSERT_TRUE(first);
  ServerOptions o = test_options();
  o.port = first->port();
  auto second =
      WsServer::start(o, [&journal] { return std::make_unique<ScriptedHandler>(journal); });
  ASSERT_FALSE(second.is_ok());
  EXPECT_EQ(second.status().code(), Code::kIo);
  EXPECT_NE(second.status().message().find("cannot listen on"), std::string::npos);
}

}  // namespace
}  // namespace liaison::net::testing
