// Sync over wss:// end to end: a self-signed certificate made in the test's temp dir, a
// SyncServer with TLS on loopback, sync_with_server with a wss:// URL. A client that trusts the
// certificate syncs both ways; one that does not (or speaks plain ws://) fails with a clear
// error and changes nothing on either side.
#include <gtest/gtest.h>

#include "shared/app/opinions.h"
#include "shared/app/reference.h"
#include "tests/common/temp_dir.h"
#include "tests/integration/net/test_cert.h"
#include "tests/common/status_testing.h"
#include "tests/integration/sync/net_fixture.h"

namespace liaison {
namespace {

using sync::Replica;

class NetTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cert_ = dir_.file("cert.pem");
    std::string key = dir_.file("key.pem");
    ASSERT_EQ(net::testing::make_self_signed_cert(cert_, key), "");
    ASSERT_TRUE(district_.ok());
    app::StationInput s;
    s.id = "S01";
    s.name = "站S01";
    ASSERT_OK(app::add_station(district_.replica(), s));
    auto token = district_.add_device("station", "S01");
    ASSERT_OK(token);
    token_ = token.value();
    for (const char* matter : {"菜市场周边占道经营。", "希望延长图书馆开放时间。"}) {
      ASSERT_OK(test::insert_row(district_.replica(), "opinion",
                                   {{"station_id", std::string("S01")},
                                    {"recorded_by", std::string("district-desk")},
                                    {"at", std::string("2025-03-01T09:00:00Z")},
                                    {"matter", std::string(matter)},
                                    {"voter", std::string("周九")},
                                    {"source", std::string("mailbox")},
                                    {"created_at", std::string("2025-03-01T09:00:00Z")}}));
    }
    auto r = Replica::create(dir_.file("station.db"), {Uuid{}, sync::Role::kStation, "S01"});
    ASSERT_OK(r);
    station_ = std::move(r).value();
    for (int i = 0; i < 3; ++i) {
      app::OpinionInput in;
      in.voter = "吴十";
      in.matter = "路口红绿灯时间太短，老人过不去。" + std::to_string(i);
      ASSERT_OK(app::add_opinion(*station_, in));
    }
    net::ServerOptions o;
    o.tls_cert_file = cert_;
    o.tls_key_file = key;
    ASSERT_TRUE(district_.start(o).is_ok());
    ASSERT_TRUE(district_.server().transport().tls());
  }

  std::string url(const char* scheme = "wss", const char* host = "127.0.0.1") const {
    return std::string(scheme) + "://" + host + ":" + std::to_string(district_.port()) + "/sync";
  }

  // After a failed sync: the station holds only its own three records and knows of no
  // acknowledgement; the district holds none of them and never saw the device.
  void expect_nothing_changed() {
    EXPECT_EQ(test::query_count(*station_, "SELECT COUNT(*) FROM opinion"), 3);
    EXPECT_EQ(test::query_count(*station_, "SELECT COUNT(*) FROM station"), 0);
    EXPECT_EQ(test::query_count(*station_, "SELECT COUNT(*) FROM _server_known"), 0);
    EXPECT_EQ(sync::unacknowledged_changes(*station_).value(), 3u);
    district_.stop();
    EXPECT_EQ(test::query_count(district_.replica(), "SELECT COUNT(*) FROM opinion"), 2);
    EXPECT_EQ(test::query_count(district_.replica(),
                                "SELECT COUNT(*) FROM _device WHERE replica_id IS NOT NULL "
                                "OR last_seen_at IS NOT NULL"),
              0);
  }

  test::TempDir dir_;
  test::ServedDistrict district_{dir_.file("district.db")};
  std::unique_ptr<Replica> station_;
  std::string cert_, token_;
};

TEST_F(NetTlsTest, ATrustingClientSyncsBothWaysOverWss) {
  service::SyncOptions o = test::once(url(), token_);
  o.net.ca_file = cert_;
  auto r = service::sync_with_server(*station_, o);
  ASSERT_OK(r);
  EXPECT_EQ(r->summary.pushed, 3u);
  EXPECT_EQ(r->summary.pulled, 3u);  // the station row and the district's two opinions
  EXPECT_EQ(sync::unacknowledged_changes(*station_).value(), 0u);
  // By host name too: the certificate names localhost.
  o.net.url = url("wss", "localhost");
  auto again = service::sync_with_server(*station_, o);
  ASSERT_OK(again);
  EXPECT_EQ(again->summary.pushed + again->summary.pulled, 0u);
  district_.stop();
  EXPECT_EQ(test::query_count(district_.replica(), "SELECT COUNT(*) FROM opinion"), 5);
  EXPECT_EQ(station_->digest().value(), district_.replica().digest().value());
}

TEST_F(NetTlsTest, AClientThatDoesNotTrustTheCertificateFailsClearlyAndChangesNothing) {
  auto r = service::sync_with_server(*station_, test::once(url(), token_));
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), Code::kIo);
  EXPECT_NE(r.status().detail().find("certificate verification failed"), std::string::npos)
      << r.status().message();
  expect_nothing_changed();
}

TEST_F(NetTlsTest, APlainClientIsNotServedAndChangesNothing) {
  auto r = service::sync_with_server(*station_, test::once(url("ws"), token_));
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), Code::kIo);
  expect_nothing_changed();
}

}  // namespace
}  // namespace liaison
