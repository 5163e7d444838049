// The two stages of a received frame on both sides: decode() on an I/O thread, one frame ahead of
// the handler at most, on_frame() with what decode() made, in order, on the handler's thread.
#include <vector>

#include "tests/integration/net/net_testing.h"

namespace liaison::net::testing {
namespace {

// The number of a "seq:<n>" frame, as decode() read it.
struct Numbered final : Decoded {
  explicit Numbered(int n) : number(n) {}
  int number;
};

struct DecodeJournal {
  std::atomic<int> decodes{0};
  std::atomic<int> wrong{0};  // on_frame without its decoded frame, or out of order
  std::mutex mu;
  std::set<std::thread::id> decode_threads, frame_threads;  // GUARDED_BY(mu)
  std::vector<int> decodes_at_frame;                        // GUARDED_BY(mu)
};

// Decodes "seq:<n>"; frame 0 waits until frame 1 has been decoded, which only a transport that
// reads ahead of its handler can do.
class DecodingHandler final : public ConnectionHandler {
 public:
  explicit DecodingHandler(DecodeJournal& j) : j_(j) {}
  Reply on_open(const PeerInfo&) override { return {}; }
  void decode(Incoming& in) const override {
    {
      std::lock_guard lock(j_.mu);
      j_.decode_threads.insert(std::this_thread::get_id());
    }
    in.decoded = std::make_unique<Numbered>(std::stoi(in.frame.substr(4)));
    ++j_.decodes;
  }
  Reply on_frame(Incoming in) override {
    auto* d = dynamic_cast<Numbered*>(in.decoded.get());
    if (!d || d->number != next_++) ++j_.wrong;
    {
      std::lock_guard lock(j_.mu);
      j_.frame_threads.insert(std::this_thread::get_id());
      j_.decodes_at_frame.push_back(j_.decodes.load());
    }
    if (d && d->number == 0 && !poll_until([&] { return j_.decodes >= 2; })) ++j_.wrong;
    return Reply{{make_frame(in.frame)}};
  }
  void on_close() override {}

 private:
  DecodeJournal& j_;
  int next_ = 0;
};

TEST(WsDecode, ServerDecodesOnAnIoThreadOneFrameAheadOfTheHandler) {
  DecodeJournal j;
  auto started = WsServer::start(test_options(), [&j] { return std::make_unique<DecodingHandler>(j); });
  ASSERT_OK(started);
  auto& server = *started;
  constexpr int kFrames = 8;
  FnClient c;
  c.open = [] {  // every frame at once: all of them are there to be read
    Reply r;
    for (int n = 0; n < kFrames; ++n) r.frames.push_back(make_frame("seq:" + std::to_string(n)));
    return r;
  };
  c.frame = [received = 0](const std::string&) mutable {
    return ++received == kFrames ? close_normally() : Reply{};
  };
  auto run = run_async(client_options(*server), c);
  ClientRun r = finish(run);
  EXPECT_OK(r.status);
  EXPECT_EQ(j.decodes, kFrames);
  EXPECT_EQ(j.wrong, 0);  // frame 1 was decoded while frame 0's call was running
  std::lock_guard lock(j.mu);
  EXPECT_EQ(j.frame_threads, std::set<std::thread::id>{server->database_thread_id()});
  EXPECT_EQ(j.decode_threads.count(server->database_thread_id()), 0u);
  // When frame n's call starts, frames up to n + 1 at most have been decoded: one ahead.
  ASSERT_EQ(j.decodes_at_frame.size(), size_t{kFrames});
  for (int n = 0; n < kFrames; ++n) EXPECT_LE(j.decodes_at_frame[n], n + 2) << "frame " << n;
}

// Records where each call of a client handler runs, and decodes "seq:<n>" echoes.
class ThreadsClient final : public ClientHandler {
 public:
  explicit ThreadsClient(int frames) : frames_(frames) {}
  Reply on_open() override {
    note(calls);
    Reply r;
    for (int n = 0; n < frames_; ++n) r.frames.push_back(make_frame("seq:" + std::to_string(n)));
    return r;
  }
  void decode(Incoming& in) const override {
    note(decodes);
    in.decoded = std::make_unique<Numbered>(std::stoi(in.frame.substr(4)));
  }
  Reply on_frame(Incoming in) override {
    note(calls);
    auto* d = dynamic_cast<Numbered*>(in.decoded.get());
    if (!d || d->number != received_) ++wrong;
    return ++received_ == frames_ ? close_normally() : Reply{};
  }
  mutable std::mutex mu;
  mutable std::set<std::thread::id> calls, decodes;  // GUARDED_BY(mu)
  int wrong = 0;

 private:
  void note(std::set<std::thread::id>& where) const {
    std::lock_guard lock(mu);
    where.insert(std::this_thread::get_id());
  }
  int frames_;
  int received_ = 0;
};

TEST(WsDecode, ClientCallsRunOnTheCallersThreadAndDecodeOnAnother) {
  Journal journal;
  auto server = start_server(journal);
  ASSERT_TRUE(server);
  ThreadsClient c(6);
  ClientStats st;
  EXPECT_OK(run_client(client_options(*server), c, &st));
  EXPECT_EQ(st.frames_received, 6u);
  EXPECT_EQ(c.wrong, 0);
  std::lock_guard lock(c.mu);
  EXPECT_EQ(c.calls, std::set<std::thread::id>{std::this_thread::get_id()});
  ASSERT_EQ(c.decodes.size(), 1u);
  EXPECT_NE(*c.decodes.begin(), std::this_thread::get_id());
}

TEST(WsDecode, ServerClosingBehindItsLastMessageWhileTheClientWorksOnItEndsNormally) {
  Journal journal;
  auto server = start_server(journal);
  ASSERT_TRUE(server);
  FnClient c;
  c.open = [] { return reply_with("bye"); };
  // The server closes right behind its answer; the client's I/O thread reads that close while
  // the handler still works on the answer, then the handler ends the session itself.
  c.frame = [&](const std::string& f) {
    EXPECT_EQ(f, "bye");
    EXPECT_TRUE(poll_until([&] { return journal.closes == 1; }));
    return close_normally();
  };
  ClientStats st;
  Status s = run_client(client_options(*server), c, &st);
  EXPECT_OK(s);
  EXPECT_EQ(st.failure, ClientFailure::kNone);
}

TEST(WsDecode, ServerClosingWhileTheClientStillExpectsMoreIsReported) {
  Journal journal;
  auto server = start_server(journal);
  ASSERT_TRUE(server);
  FnClient c;
  c.open = [] { return reply_with("bye"); };
  c.frame = [&](const std::string&) {
    EXPECT_TRUE(poll_until([&] { return journal.closes == 1; }));
    return Reply{};  // the session is not over for the client
  };
  ClientStats st;
  Status s = run_client(client_options(*server), c, &st);
  EXPECT_FALSE(s.is_ok());
  EXPECT_EQ(st.failure, ClientFailure::kClosedByServer);
  EXPECT_EQ(st.close_code, 1000);
}

}  // namespace
}  // namespace liaison::net::testing
