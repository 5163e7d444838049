// HttpServer (shared/net/http_server.h) on 127.0.0.1 port 0, with a handler that echoes what it
// was given: parsing, keep-alive, the limits and their answers, a throwing handler, shutdown.
#include "shared/net/http_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>

#include <nlohmann/json.hpp>
#include <openssl/ssl.h>

#include "tests/common/temp_dir.h"
#include "tests/integration/net/test_cert.h"
#include "tests/integration/web/http_client.h"

namespace liaison::net {
namespace {

using test::HttpConnection;

HttpResponse echo(const HttpRequest& r) {
  if (r.path == "/throw") throw std::runtime_error("boom");
  nlohmann::json query = nlohmann::json::array();
  for (const auto& [k, v] : r.query) query.push_back({k, v});
  HttpResponse out;
  out.body = nlohmann::json{{"method", r.method},
                            {"path", r.path},
                            {"query", query},
                            {"body", r.body},
                            {"type", r.header("content-type")},
                            {"local_port", r.local_port}}
                 .dump();
  out.headers.emplace_back("X-Test", "yes");
  return out;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void start(HttpOptions options = {}) {
    auto s = HttpServer::start(std::move(options), echo);
    ASSERT_TRUE(s.is_ok()) << s.status().message("en");
    server_ = std::move(*s);
    port_ = server_->port();
  }
  std::unique_ptr<HttpServer> server_;
  uint16_t port_ = 0;
};

TEST_F(HttpServerTest, DecodesPathAndQueryAndKeepsTheConnection) {
  start();
  HttpConnection c(port_);
  ASSERT_TRUE(c.connected());
  auto r = c.request("GET", "/api/x%20y?search=%E8%B7%AF+%E7%81%AF&empty=&flag", port_);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["x-test"], "yes");
  EXPECT_EQ(r.headers["cache-control"], "no-store");
  auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["path"], "/api/x y");
  EXPECT_EQ(j["query"],
            nlohmann::json::parse(R"([["search","路 灯"],["empty",""],["flag",""]])"));
  EXPECT_EQ(j["local_port"], port_);
  // The same connection answers a second request, a POST with a body.
  auto r2 = c.request("POST", "/p", port_, R"({"a":1})", "Content-Type: application/json\r\n");
  ASSERT_EQ(r2.status, 200);
  auto j2 = nlohmann::json::parse(r2.body);
  EXPECT_EQ(j2["body"], R"({"a":1})");
  EXPECT_EQ(j2["type"], "application/json");
}

TEST_F(HttpServerTest, RefusesABadPercentEscape) {
  start();
  HttpConnection c(port_);
  EXPECT_EQ(c.request("GET", "/a%zz", port_).status, 400);
  EXPECT_EQ(c.request("GET", "/a?q=%4", port_).status, 400);
}

TEST_F(HttpServerTest, AnswersOversizedBodiesAndHeadersAndCloses) {
  HttpOptions o;
  o.max_body = 1000;
  o.max_header = 2000;
  start(o);
  {
    HttpConnection c(port_);
    auto r = c.request("POST", "/", port_, std::string(1001, 'x'));
    EXPECT_EQ(r.status, 413);
    EXPECT_TRUE(c.closed_by_peer());
  }
  {
    HttpConnection c(port_);
    auto r = c.request("GET", "/", port_, "", "X-Big: " + std::string(3000, 'y') + "\r\n");
    EXPECT_EQ(r.status, 431);
  }
  // A body at the limit is fine.
  HttpConnection c(port_);
  EXPECT_EQ(c.request("POST", "/", port_, std::string(1000, 'x')).status, 200);
}

TEST_F(HttpServerTest, AThrowingHandlerIsA500AndTheServerGoesOn) {
  start();
  HttpConnection c(port_);
  auto r = c.request("GET", "/throw", port_);
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(c.request("GET", "/fine", port_).status, 200);
}

TEST_F(HttpServerTest, GarbageIsClosedWithoutAnAnswer) {
  start();
  HttpConnection c(port_);
  ASSERT_TRUE(c.send_raw("NOT HTTP AT ALL\r\n\r\n"));
  EXPECT_TRUE(c.closed_by_peer());
  HttpConnection d(port_);
  EXPECT_EQ(d.request("GET", "/", port_).status, 200);
}

TEST_F(HttpServerTest, AnIdleConnectionIsClosed) {
  HttpOptions o;
  o.idle_timeout = std::chrono::seconds(1);
  start(o);
  HttpConnection c(port_, /*timeout_s=*/10);
  ASSERT_TRUE(c.send_raw("GET / HTTP/1.1\r\nHost: x\r\n"));  // never finishes the headers
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(c.closed_by_peer());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(8));
}

TEST_F(HttpServerTest, ShutdownClosesOpenConnectionsAndReturns) {
  start();
  HttpConnection c(port_);
  ASSERT_EQ(c.request("GET", "/", port_).status, 200);  // kept alive
  server_->shutdown();
  EXPECT_TRUE(c.closed_by_peer());
  server_->shutdown();  // a second call is harmless
  HttpConnection d(port_);
  EXPECT_FALSE(d.connected() && d.request("GET", "/", port_).status == 200);
}

TEST_F(HttpServerTest, WritesThePortFileAndRefusesAPortInUse) {
  test::TempDir dir;
  HttpOptions o;
  o.port_file = dir.file("port");
  start(o);
  std::ifstream f(o.port_file);
  int written = 0;
  f >> written;
  EXPECT_EQ(written, port_);
  HttpOptions taken;
  taken.port = port_;
  EXPECT_FALSE(HttpServer::start(taken, echo).is_ok());
}

}  // namespace
}  // namespace liaison::net

namespace liaison::net {
namespace {

// One HTTPS request over OpenSSL on a blocking socket; the status code, or 0 when the TLS
// handshake or the exchange failed.
int https_status(uint16_t port, const std::string& target) {
  test::HttpConnection tcp(port);
  if (!tcp.connected()) return 0;
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL* ssl = SSL_new(ctx);
  SSL_set_fd(ssl, tcp.fd());
  int status = 0;
  if (SSL_connect(ssl) == 1) {
    std::string req = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    SSL_write(ssl, req.data(), static_cast<int>(req.size()));
    std::string got;
    char buf[4096];
    int n;
    while ((n = SSL_read(ssl, buf, sizeof buf)) > 0) got.append(buf, static_cast<size_t>(n));
    if (got.rfind("HTTP/1.1 ", 0) == 0) status = std::atoi(got.c_str() + 9);
  }
  SSL_free(ssl);
  SSL_CTX_free(ctx);
  return status;
}

TEST_F(HttpServerTest, SpeaksHttpsWithACertificateAndNothingElse) {
  test::TempDir dir;
  ASSERT_EQ(testing::make_self_signed_cert(dir.file("cert.pem"), dir.file("key.pem")), "");
  HttpOptions o;
  o.tls_cert_file = dir.file("cert.pem");
  o.tls_key_file = dir.file("key.pem");
  start(o);
  EXPECT_EQ(https_status(port_, "/hello"), 200);
  // Plain HTTP on the HTTPS port gets no answer, and the server goes on.
  HttpConnection plain(port_);
  ASSERT_TRUE(plain.send_raw("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(plain.read_reply().status, 0);
  EXPECT_EQ(https_status(port_, "/again"), 200);
  // Only one of the two files, or a missing one, is refused before anything starts.
  HttpOptions half;
  half.tls_cert_file = o.tls_cert_file;
  EXPECT_FALSE(HttpServer::start(half, echo).is_ok());
  HttpOptions missing = o;
  missing.tls_key_file = dir.file("nope.pem");
  EXPECT_FALSE(HttpServer::start(missing, echo).is_ok());
}

}  // namespace
}  // namespace liaison::net
