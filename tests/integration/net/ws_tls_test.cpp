// wss://: a self-signed certificate made in the test's temp dir; the client trusts it through
// ca_file, rejects it without, and skips the check with insecure_tls.
#include "tests/common/run.h"
#include "tests/integration/net/net_testing.h"
#include "tests/integration/net/test_cert.h"

namespace liaison::net::testing {
namespace {

class WsTls : public ::testing::Test {
 protected:
  void SetUp() override {
    cert_ = dir_.file("cert.pem");
    key_ = dir_.file("key.pem");
    ASSERT_EQ(make_self_signed_cert(cert_, key_), "");
    ServerOptions o = test_options();
    o.tls_cert_file = cert_;
    o.tls_key_file = key_;
    server_ = start_server(journal_, o);
    ASSERT_TRUE(server_);
    ASSERT_TRUE(server_->tls());
  }

  // One echo round trip with the given options.
  ClientRun exchange(ClientOptions o) {
    EchoClient h("t", 2);
    ClientRun r;
    r.status = run_client(o, h, &r.stats);
    return r;
  }

  test::TempDir dir_;
  std::string cert_, key_;
  Journal journal_;
  std::unique_ptr<WsServer> server_;
};

TEST_F(WsTls, TrustedThroughCaFileByAddress) {
  ClientOptions o = client_options(*server_);
  o.ca_file = cert_;
  ClientRun r = exchange(o);
  EXPECT_OK(r.status);
  EXPECT_EQ(r.stats.frames_received, 2u);
}

TEST_F(WsTls, TrustedThroughCaFileByHostName) {
  ClientOptions o = client_options(*server_);
  o.url = "wss://localhost:" + std::to_string(server_->port()) + "/sync";
  o.ca_file = cert_;
  EXPECT_OK(exchange(o).status);
}

TEST_F(WsTls, UntrustedCertificateFailsVerification) {
  ClientRun r = exchange(client_options(*server_));  // the system store does not know it
  EXPECT_EQ(r.stats.failure, ClientFailure::kTls);
  EXPECT_EQ(r.status.code(), Code::kIo);
  EXPECT_NE(r.status.message().find("certificate verification failed"), std::string::npos)
      << r.status.message();
}

TEST_F(WsTls, InsecureTlsSkipsVerification) {
  ClientOptions o = client_options(*server_);
  o.insecure_tls = true;
  EXPECT_OK(exchange(o).status);
}

TEST_F(WsTls, WrongPathIsRefusedWith404) {
  ClientOptions o = client_options(*server_, "/elsewhere");
  o.ca_file = cert_;
  ClientRun r = exchange(o);
  EXPECT_EQ(r.stats.failure, ClientFailure::kHandshake) << r.status.message();
  EXPECT_EQ(r.stats.http_status, 404);
}

TEST_F(WsTls, PlainClientIsNotUpgraded) {
  ClientOptions o = client_options(*server_);
  o.url = "ws://127.0.0.1:" + std::to_string(server_->port()) + "/sync";
  ClientRun r = exchange(o);
  EXPECT_EQ(r.stats.failure, ClientFailure::kHandshake) << r.status.message();
}

TEST_F(WsTls, MissingOrMismatchedFilesFailStart) {
  auto factory = [this] { return std::make_unique<ScriptedHandler>(journal_); };
  ServerOptions o = test_options();
  o.tls_cert_file = dir_.file("missing.pem");
  o.tls_key_file = key_;
  auto missing = WsServer::start(o, factory);
  ASSERT_FALSE(missing.is_ok());
  EXPECT_NE(missing.status().message().find("missing.pem"), std::string::npos)
      << missing.status().message();

  ASSERT_EQ(make_self_signed_cert(dir_.file("other.pem"), dir_.file("other.key")), "");
  o.tls_cert_file = cert_;
  o.tls_key_file = dir_.file("other.key");
  auto mismatched = WsServer::start(o, factory);
  ASSERT_FALSE(mismatched.is_ok());
  EXPECT_NE(mismatched.status().message().find("does not match"), std::string::npos)
      << mismatched.status().message();
}

}  // namespace
}  // namespace liaison::net::testing
