// Helpers for the transport tests: a scripted server-side handler that records where and how it
// is called, function-backed client handlers, clients on their own threads, and a deadline-bound
// poll_until. Header-only; no Beast here, so the tests that only use run_client compile fast.
//
// The scripted handler answers by the frame's text:
//   "close:<code>:<reason>"  reply nothing and close with that code and reason
//   "big:<size>:<count>"     reply <count> frames of <size> pseudo-random (incompressible) bytes
//   "throw"                  throw (the server closes with 1011)
//   "block"                  run Journal::block (on the database thread), then echo
//   "seq:<n>"                echo; <n> must be the next number on this connection
//   "bye"                    echo, then close normally (1000)
//   anything else            echo
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>

#include "shared/net/handler.h"
#include "shared/net/ws_client.h"
#include "shared/net/ws_server.h"
#include "tests/common/poll.h"
#include "tests/common/status_testing.h"

namespace liaison::net::testing {

using namespace std::chrono_literals;

using test::poll_until;

// What the server-side handlers of one server saw. Thread-safe.
struct Journal {
  std::atomic<int> opens{0}, closes{0}, frames{0};
  std::atomic<int> overlapping{0};     // a call began while another of the same connection ran
  std::atomic<int> out_of_order{0};    // a "seq:" frame arrived out of order
  std::atomic<int> close_without_open{0};
  std::function<void()> block = [] {};  // set before the server starts
  std::mutex mu;
  std::set<std::thread::id> threads;  // GUARDED_BY(mu)

  void note_thread() {
    std::lock_guard lock(mu);
    threads.insert(std::this_thread::get_id());
  }
  std::set<std::thread::id> seen_threads() {
    std::lock_guard lock(mu);
    return threads;
  }
};

inline std::string random_bytes(size_t size, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(size, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

class ScriptedHandler : public ConnectionHandler {
 public:
  explicit ScriptedHandler(Journal& journal) : j_(journal) { j_.note_thread(); }

  Reply on_open(const PeerInfo&) override {
    Guard g(*this);
    opened_ = true;
    j_.opens++;
    return {};
  }

  Reply on_frame(Incoming in) override {
    const std::string& frame = in.frame;
    Guard g(*this);
    j_.frames++;
    if (frame == "throw") throw std::runtime_error("scripted failure");
    if (frame == "block") j_.block();
    if (frame.rfind("close:", 0) == 0) {
      size_t colon = frame.find(':', 6);
      Reply r;
      r.close = true;
      r.close_code = static_cast<uint16_t>(std::stoi(frame.substr(6, colon - 6)));
      r.close_reason = frame.substr(colon + 1);
      return r;
    }
    if (frame.rfind("big:", 0) == 0) {
      size_t colon = frame.find(':', 4);
      size_t size = std::stoul(frame.substr(4, colon - 4));
      int count = std::stoi(frame.substr(colon + 1));
      Reply r;
      for (int i = 0; i < count; ++i) r.frames.push_back(make_frame(random_bytes(size, ++seed_)));
      return r;
    }
    if (frame == "bye") return Reply{{make_frame(frame)}, true, 1000, "bye"};
    if (frame.rfind("seq:", 0) == 0 && std::stoi(frame.substr(4)) != next_seq_++) {
      j_.out_of_order++;
    }
    return Reply{{make_frame(frame)}};
  }

  void on_close() override {
    Guard g(*this);
    if (!opened_) j_.close_without_open++;
    j_.closes++;
  }

 private:
  // Records the calling thread and whether another call of this handler is running.
  struct Guard {
    explicit Guard(ScriptedHandler& h) : h_(h) {
      h_.j_.note_thread();
      if (h_.in_call_.exchange(true)) h_.j_.overlapping++;
    }
    ~Guard() { h_.in_call_ = false; }
    ScriptedHandler& h_;
  };

  Journal& j_;
  std::atomic<bool> in_call_{false};
  bool opened_ = false;
  int next_seq_ = 0;
  uint32_t seed_ = 1;
};

// A ClientHandler made of two functions.
class FnClient : public ClientHandler {
 public:
  std::function<Reply()> open = [] { return Reply{}; };
  std::function<Reply(const std::string&)> frame = [](const std::string&) { return Reply{}; };

  Reply on_open() override { return open(); }
  Reply on_frame(Incoming in) override { return frame(in.frame); }
};

inline Reply reply_with(std::string bytes) { return Reply{{make_frame(std::move(bytes))}}; }
inline Reply close_normally() { return Reply{{}, true, 1000, "done"}; }

// Sends "<tag>-0" .. "<tag>-<rounds-1>" one at a time, checks each echo, then closes.
class EchoClient : public ClientHandler {
 public:
  EchoClient(std::string tag, int rounds) : tag_(std::move(tag)), rounds_(rounds) {}
  Reply on_open() override { return reply_with(tag_ + "-0"); }
  Reply on_frame(Incoming in) override {
    const std::string& f = in.frame;
    if (f != tag_ + "-" + std::to_string(received_)) mismatches++;
    if (++received_ == rounds_) return close_normally();
    return reply_with(tag_ + "-" + std::to_string(received_));
  }
  int received() const { return received_; }
  int mismatches = 0;

 private:
  std::string tag_;
  int rounds_;
  int received_ = 0;
};

inline ServerOptions test_options() {
  ServerOptions o;
  o.host = "127.0.0.1";
  o.port = 0;
  o.handshake_timeout = 5s;
  o.idle_timeout = 30s;
  return o;
}

inline std::unique_ptr<WsServer> start_server(Journal& journal, ServerOptions o = test_options()) {
  auto server = WsServer::start(std::move(o), [&journal] {
    return std::make_unique<ScriptedHandler>(journal);
  });
  EXPECT_OK(server);
  return server ? std::move(server).value() : nullptr;
}

inline ClientOptions client_options(const WsServer& server, const std::string& path = "/sync") {
  ClientOptions o;
  o.url = std::string(server.tls() ? "wss" : "ws") + "://127.0.0.1:" +
          std::to_string(server.port()) + path;
  o.connect_timeout = 5s;
  o.io_timeout = 30s;
  return o;
}

// The outcome of one run_client on its own thread.
struct ClientRun {
  Status status;
  ClientStats stats;
};

inline std::future<ClientRun> run_async(ClientOptions o, ClientHandler& handler) {
  return std::async(std::launch::async, [o = std::move(o), &handler] {
    ClientRun r;
    r.status = run_client(o, handler, &r.stats);
    return r;
  });
}

// Waits for a client run with a deadline; a run that does not end fails the test and is still
// joined when the future goes (the client's own timeouts end it).
inline ClientRun finish(std::future<ClientRun>& f, std::chrono::seconds timeout = 20s) {
  if (f.wait_for(timeout) != std::future_status::ready) {
    ADD_FAILURE() << "client did not finish within " << timeout.count() << " s";
    return ClientRun{Status::internal("client hung"), {}};
  }
  return f.get();
}

}  // namespace liaison::net::testing
