// `liaison sync`'s retries (service::sync_with_server) through the fault-injecting proxy: an
// attempt that moved the sync forward costs no retry, so a sync whose every connection is cut
// after some progress still completes with one retry; attempts in a row that move nothing stop
// the sync after retries + 1 of them.
//
// A photo of a station's record is at the district; a second device of the station fetches it
// through the proxy, which cuts every connection after a number of bytes towards the device:
// enough for a few chunks of content (progress each time), or fewer than one chunk (none).
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "shared/app/attachments.h"
#include "shared/app/opinions.h"
#include "shared/app/reference.h"
#include "shared/sync/blob_store.h"
#include "tests/common/temp_dir.h"
#include "tests/common/status_testing.h"
#include "tests/integration/sync/net_fixture.h"
#include "tools/faultproxy/fault_proxy.h"

namespace liaison {
namespace {

using faultproxy::FaultConfig;
using faultproxy::FaultProxy;
using sync::Replica;

constexpr size_t kPhotoChunks = 12;  // and a short last one

class NetRetryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(district_.ok());
    app::StationInput in;
    in.id = "S01";
    in.name = "站S01";
    ASSERT_OK(app::add_station(district_.replica(), in));
    for (int i = 0; i < 2; ++i) {
      auto token = district_.add_device("station", "S01");
      ASSERT_OK(token);
      tokens_.push_back(*token);
    }
    ASSERT_TRUE(district_.start().is_ok());
    // The first device attaches the photo and syncs it straight to the district.
    auto a = Replica::create(dir_.file("a.db"), {Uuid{}, sync::Role::kStation, "S01"});
    ASSERT_OK(a);
    std::mt19937_64 rng(7);
    std::string photo(kPhotoChunks * wire::kBlobChunkSize + 777, '\0');
    for (char& c : photo) c = static_cast<char>(rng() & 0xff);
    { std::ofstream(dir_.file("photo.jpg"), std::ios::binary) << photo; }
    app::OpinionInput op;
    op.voter = "赵六";
    op.matter = "路面塌陷，附现场照片。";
    auto opinion = app::add_opinion(**a, op);
    ASSERT_OK(opinion);
    auto attached = app::attach_file(**a, opinion.value(), dir_.file("photo.jpg"));
    ASSERT_OK(attached);
    sha_ = attached->sha256;
    size_ = photo.size();
    ASSERT_OK(service::sync_with_server(**a, test::once(url(district_.port()), tokens_[0])));
    auto b = Replica::create(dir_.file("b.db"), {Uuid{}, sync::Role::kStation, "S01"});
    ASSERT_OK(b);
    b_ = std::move(b).value();
  }

  static std::string url(uint16_t port) {
    return "ws://127.0.0.1:" + std::to_string(port) + "/sync";
  }

  // A proxy to the district that cuts every connection after `down` bytes towards the device.
  std::unique_ptr<FaultProxy> cutting_proxy(uint64_t down) {
    faultproxy::ProxyOptions o;
    o.target_port = district_.port();
    o.faults.down.cut = faultproxy::Trigger::at(down);
    auto p = FaultProxy::start(o);
    EXPECT_TRUE(p.is_ok());
    return p.is_ok() ? std::move(p).value() : nullptr;
  }

  // The second device's sync through the proxy, with `retries` and short waits.
  Result<service::SyncResult> sync_b(const FaultProxy& proxy, int retries) {
    service::SyncOptions o = test::once(url(proxy.port()), tokens_[1]);
    o.retry.retries = retries;
    o.retry.max_attempts = 0;  // as `liaison sync`
    o.retry.start = std::chrono::milliseconds(10);
    return service::sync_with_server(*b_, o);
  }

  // Bytes of the photo the second device holds.
  uint64_t held() {
    sync::BlobStore store(b_->db());
    auto info = store.info(sha_);
    EXPECT_TRUE(info.is_ok());
    return info.is_ok() && info.value() ? info.value()->received : 0;
  }

  test::TempDir dir_;
  test::ServedDistrict district_{dir_.file("district.db")};
  std::vector<std::string> tokens_;
  std::unique_ptr<Replica> b_;
  std::string sha_;
  uint64_t size_ = 0;
};

TEST_F(NetRetryTest, ASyncCutAfterProgressEveryTimeCompletesWithTwoRetries) {
  // Room for three chunks and a bit per connection: each stores some, none gets them all.
  auto proxy = cutting_proxy(3 * wire::kBlobChunkSize + 20'000);
  ASSERT_TRUE(proxy);
  // Two retries, not one: a cut may cost a connection the chunks it had received but not yet
  // read (the device's next request draws a reset, which drops them), so now and then one
  // connection moves nothing.
  auto r = sync_b(*proxy, /*retries=*/2);
  ASSERT_OK(r);
  // More attempts than two retries allow when every cut counts.
  EXPECT_GE(r->attempts, 4);
  EXPECT_EQ(r->summary.blobs_received, 1u);
  EXPECT_EQ(r->summary.chunks_received, kPhotoChunks + 1);  // each chunk once
  EXPECT_EQ(held(), size_);
  ASSERT_TRUE(test::poll_until([&] { return proxy->stats().open == 0; }));
  EXPECT_EQ(proxy->stats().accepted, static_cast<uint64_t>(r->attempts));
  EXPECT_EQ(proxy->stats().cuts, static_cast<uint64_t>(r->attempts - 1));
  sync::BlobStore store(b_->db());
  auto whole = store.has(sha_);
  ASSERT_OK(whole);
  EXPECT_TRUE(whole.value());
}

TEST_F(NetRetryTest, AttemptsInARowWithoutProgressStopAfterRetriesPlusOne) {
  // The records fit in the first connection (progress); no connection holds a whole chunk, so
  // after it nothing moves.
  auto proxy = cutting_proxy(wire::kBlobChunkSize / 2);
  ASSERT_TRUE(proxy);
  constexpr int kRetries = 2;
  auto r = sync_b(*proxy, kRetries);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), Code::kIo);
  EXPECT_EQ(r.status().key(), "err.sync_failed");
  ASSERT_TRUE(test::poll_until([&] { return proxy->stats().open == 0; }));
  // The first attempt pulled the records and cost nothing; then 1 + kRetries in a row moved
  // nothing.
  EXPECT_EQ(proxy->stats().accepted, static_cast<uint64_t>(1 + 1 + kRetries));
  EXPECT_EQ(proxy->stats().cuts, proxy->stats().accepted);
  EXPECT_EQ(test::query_count(*b_, "SELECT COUNT(*) FROM attachment"), 1);
  EXPECT_EQ(held(), 0u);
}

}  // namespace
}  // namespace liaison
