// Attachment content over the network: a station attaches a scan of about 1 MB, syncs with a
// real district server on loopback, and a second device of the same station gets identical
// bytes with its next sync; a device of another station gets neither the row nor the content.
#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "shared/app/attachments.h"
#include "shared/app/devices.h"
#include "shared/app/opinions.h"
#include "shared/app/reference.h"
#include "shared/service/sync_client.h"
#include "shared/service/sync_server.h"
#include "tests/common/status_testing.h"
#include "tests/integration/sync/net_fixture.h"
#include "tests/common/temp_dir.h"

namespace liaison {
namespace {

using sync::Replica;

class NetAttachTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(district_.ok());
    for (const char* id : {"S01", "S02"}) {
      app::StationInput in;
      in.id = id;
      in.name = std::string("站") + id;
      ASSERT_OK(app::add_station(district_.replica(), in));
    }
    // Tokens are issued before the server's thread owns the replica.
    for (const char* station : {"S01", "S01", "S02"}) {
      auto token = district_.add_device("station", station);
      ASSERT_OK(token);
      tokens_.push_back(*token);
    }
    ASSERT_TRUE(district_.start().is_ok());
  }

  std::unique_ptr<Replica> station(const std::string& name, const std::string& station_id) {
    auto r = Replica::create(dir_.file(name + ".db"), {Uuid{}, sync::Role::kStation, station_id});
    EXPECT_TRUE(r.is_ok());
    return r.is_ok() ? std::move(r).value() : nullptr;
  }

  Result<service::SyncResult> sync(Replica& r, const std::string& token) {
    std::string url = "ws://127.0.0.1:" + std::to_string(district_.port()) + "/sync";
    return service::sync_with_server(r, test::once(url, token));
  }

  static int64_t count(Replica& r, const std::string& sql) { return test::query_count(r, sql); }

  test::TempDir dir_;
  test::ServedDistrict district_{dir_.file("district.db")};
  std::vector<std::string> tokens_;
};

TEST_F(NetAttachTest, AScanReachesTheStationsOtherDeviceAndNoOtherStation) {
  // A scanned letter of about 1 MB: a PDF header and random bytes (31 chunks).
  std::mt19937_64 rng(2026);
  std::string bytes = "%PDF-1.4\n";
  while (bytes.size() < 1'000'000) bytes += static_cast<char>(rng() & 0xff);
  std::string scan = dir_.file("来信扫描.pdf");
  std::ofstream(scan, std::ios::binary) << bytes;

  auto a = station("a", "S01");
  auto b = station("b", "S01");
  auto c = station("c", "S02");
  ASSERT_TRUE(a && b && c);
  app::OpinionInput in;
  in.voter = "王五";
  in.matter = "附上选民来信原件扫描件。";
  auto opinion = app::add_opinion(*a, in);
  ASSERT_OK(opinion);
  auto attached = app::attach_file(*a, opinion.value(), scan);
  ASSERT_OK(attached);

  auto up = sync(*a, tokens_[0]);
  ASSERT_OK(up);
  EXPECT_EQ(up->summary.blobs_sent, 1u);
  auto down = sync(*b, tokens_[1]);
  ASSERT_OK(down);
  EXPECT_EQ(down->summary.blobs_received, 1u);
  std::string out = dir_.file("got.pdf");
  auto got = app::export_attachment(*b, attached->id, out);
  ASSERT_OK(got);
  EXPECT_EQ(got->sha256, attached->sha256);
  EXPECT_EQ(got->mime.value_or(""), "application/pdf");
  EXPECT_EQ(test::read_file_bytes(out), bytes);

  auto other = sync(*c, tokens_[2]);
  ASSERT_OK(other);
  EXPECT_EQ(other->summary.blobs_received, 0u);
  EXPECT_EQ(count(*c, "SELECT COUNT(*) FROM attachment"), 0);
  EXPECT_EQ(count(*c, "SELECT COUNT(*) FROM _blob"), 0);

  // Syncing again moves no content either way.
  auto again_a = sync(*a, tokens_[0]);
  auto again_b = sync(*b, tokens_[1]);
  ASSERT_OK(again_a);
  ASSERT_OK(again_b);
  EXPECT_EQ(again_a->summary.blobs_sent, 0u);
  EXPECT_EQ(again_b->summary.blobs_received, 0u);
  EXPECT_LT(again_a->bytes_sent + again_b->bytes_received, 4096u);

  district_.stop();
  EXPECT_EQ(count(district_.replica(), "SELECT COUNT(*) FROM _blob WHERE complete = 1 AND sha256 = '" +
                                  attached->sha256 + "'"),
            1);
}

}  // namespace
}  // namespace liaison
