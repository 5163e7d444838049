// The web layer without a browser: CommandApi's mapping of requests to command lines (with a
// stand-in program whose one command prints what it was given), the checks against requests
// from other sites, and the dashboard's sign-in and sessions on a real district database with a
// fake clock.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "shared/app/web_users.h"
#include "shared/web/assets.h"
#include "shared/web/command_api.h"
#include "shared/web/dashboard.h"
#include "tests/common/temp_dir.h"

namespace liaison::web {
namespace {

// The stand-in program: `echo ID [--a X] [--list Y]... [--flag] [--opt-name Z]` prints its
// inputs as JSON; `fail` fails with NotFound.
struct EchoInput {
  std::string id, a, opt_name;
  std::vector<std::string> list;
  bool flag = false;
};

void add_echo_commands(cli::Program& program) {
  auto in = std::make_shared<EchoInput>();
  CLI::App* echo = program.command(program.app(), "echo", "label.cmd.status");
  echo->add_option("id", in->id)->required();
  echo->add_option("--a", in->a);
  echo->add_option("--list", in->list);
  echo->add_flag("--flag", in->flag);
  echo->add_option("--opt-name", in->opt_name);
  program.on_run(echo, [in](cli::Context& ctx) -> Status {
    ctx.out().print_json({{"id", in->id}, {"a", in->a}, {"list", in->list},
                          {"flag", in->flag}, {"opt_name", in->opt_name}});
    return {};
  });
  CLI::App* fail = program.command(program.app(), "fail", "label.cmd.status");
  program.on_run(fail, [](cli::Context&) -> Status {
    return Status(Code::kNotFound, "err.not_found", "x");
  });
}

const cli::ProgramSpec kEcho{"echo-program", "LIAISON_TEST_UNUSED_DB", "unused.db",
                             add_echo_commands};

net::HttpRequest post(const std::string& path, const std::string& body) {
  net::HttpRequest r;
  r.method = "POST";
  r.path = r.target = path;
  r.body = body;
  r.headers["content-type"] = "application/json";
  return r;
}

net::HttpRequest get(const std::string& path,
                     std::vector<std::pair<std::string, std::string>> query = {}) {
  net::HttpRequest r;
  r.method = "GET";
  r.path = r.target = path;
  r.query = std::move(query);
  return r;
}

// A new district replica at path (null when it cannot be made).
std::unique_ptr<sync::Replica> new_district(const std::string& path) {
  sync::ReplicaInfo info;
  info.role = sync::Role::kDistrict;
  auto r = sync::Replica::create(path, info);
  return r.is_ok() ? std::move(*r) : nullptr;
}

class CommandApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    replica_ = new_district(dir_.file("d.db"));
    ASSERT_NE(replica_, nullptr);
    api_ = std::make_unique<CommandApi>(
        kEcho,
        std::vector<Route>{{"POST", "/api/things/{id}", {"echo", "{id}"}, {"a", "list", "opt_name"},
                            {"flag"}},
                           {"GET", "/api/things", {"echo", "{id}"}, {"a"}, {"flag"}},
                           {"GET", "/api/fail", {"fail"}, {}, {}}},
        *replica_);
  }
  nlohmann::json ok_json(const net::HttpRequest& request) {
    auto r = api_->handle(request);
    EXPECT_TRUE(r.has_value());
    if (!r) return {};
    EXPECT_EQ(r->status, 200) << r->body;
    return nlohmann::json::parse(r->body, nullptr, false);
  }
  int status_of(const net::HttpRequest& request) {
    auto r = api_->handle(request);
    return r ? r->status : 0;
  }

  test::TempDir dir_;
  std::unique_ptr<sync::Replica> replica_;
  std::unique_ptr<CommandApi> api_;
};

TEST_F(CommandApiTest, BodyFieldsBecomeOptions) {
  auto j = ok_json(post("/api/things/T1", R"({"a": "-not-an-option", "list": ["x", 2],
                                             "flag": true, "opt_name": "n"})"));
  EXPECT_EQ(j["id"], "T1");
  EXPECT_EQ(j["a"], "-not-an-option");  // a value stays a value
  EXPECT_EQ(j["list"], nlohmann::json::parse(R"(["x", "2"])"));
  EXPECT_EQ(j["flag"], true);
  EXPECT_EQ(j["opt_name"], "n");
  auto off = ok_json(post("/api/things/T1", R"({"flag": false, "a": null})"));
  EXPECT_EQ(off["flag"], false);
  EXPECT_EQ(off["a"], "");
  // An empty value is that value, not the next word (which "--a=" would take).
  auto empty = ok_json(post("/api/things/T1", R"({"a": "", "opt_name": "n", "list": ["", "y"]})"));
  EXPECT_EQ(empty["a"], "");
  EXPECT_EQ(empty["opt_name"], "n");
  EXPECT_EQ(empty["list"], nlohmann::json::parse(R"(["", "y"])"));
}

TEST_F(CommandApiTest, QueryParametersBecomeOptionsAndPositionals) {
  auto j =
      ok_json(get("/api/things", {{"id", "Q"}, {"a", "路灯"}, {"flag", "1"}, {"lang", "en"}}));
  EXPECT_EQ(j["id"], "Q");
  EXPECT_EQ(j["a"], "路灯");
  EXPECT_EQ(j["flag"], true);
  EXPECT_EQ(ok_json(get("/api/things", {{"id", "Q"}, {"flag", "0"}}))["flag"], false);
}

TEST_F(CommandApiTest, RefusesWhatTheRouteDoesNotList) {
  EXPECT_EQ(status_of(post("/api/things/T1", R"({"db": "/etc/passwd"})")), 400);
  EXPECT_EQ(status_of(post("/api/things/T1", R"({"json": true})")), 400);
  EXPECT_EQ(status_of(post("/api/things/T1", R"({"a": {"nested": 1}})")), 400);
  EXPECT_EQ(status_of(post("/api/things/T1", R"({"flag": "yes"})")), 400);
  EXPECT_EQ(status_of(post("/api/things/T1", R"([1, 2])")), 400);
  EXPECT_EQ(status_of(post("/api/things/T1", "{not json")), 400);
  std::string big = R"({"a": ")" + std::string(kMaxJsonBody, 'x') + R"("})";
  EXPECT_EQ(status_of(post("/api/things/T1", big)), 413);
  EXPECT_EQ(status_of(post("/api/things/-x", "{}")), 400);  // a positional like an option
  EXPECT_EQ(status_of(get("/api/things", {})), 400);         // the positional is missing
  EXPECT_EQ(status_of(get("/api/things", {{"flag", "maybe"}, {"id", "Q"}})), 400);
  EXPECT_FALSE(api_->handle(get("/api/things/T1")).has_value());  // wrong method
  EXPECT_FALSE(api_->handle(get("/api/nothing")).has_value());
}

TEST_F(CommandApiTest, AFailureIsItsErrorLineWithItsStatus) {
  auto r = api_->handle(get("/api/fail", {{"lang", "en"}}));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(nlohmann::json::parse(r->body)["error"], "error: no such record: x");
  auto zh = api_->handle(get("/api/fail"));
  EXPECT_EQ(nlohmann::json::parse(zh->body)["error"], "错误：找不到记录：x");
}

TEST(CrossSite, PostsNeedJsonOrTheUploadHeaderAndAKnownHost) {
  std::vector<std::string> hosts = loopback_hosts("127.0.0.1", 8760);
  net::HttpRequest r = post("/api/x", "{}");
  r.headers["host"] = "127.0.0.1:8760";
  EXPECT_FALSE(refuse_cross_site(r, hosts).has_value());
  r.headers["host"] = "localhost:8760";
  EXPECT_FALSE(refuse_cross_site(r, hosts).has_value());
  r.headers["host"] = "attacker.example:8760";  // DNS rebinding onto the desk
  EXPECT_EQ(refuse_cross_site(r, hosts)->status, 403);
  r.headers["host"] = "127.0.0.1:8760";
  r.headers["content-type"] = "text/plain";  // what a form on another site can send
  EXPECT_EQ(refuse_cross_site(r, hosts)->status, 403);
  r.headers["x-liaison-upload"] = "1";
  EXPECT_FALSE(refuse_cross_site(r, hosts).has_value());
  net::HttpRequest g = get("/api/x");
  g.headers["host"] = "127.0.0.1:8760";
  EXPECT_FALSE(refuse_cross_site(g, hosts).has_value());
}

TEST(Assets, PagesAreServedWithTheirTypesAndAPolicy) {
  auto page = asset_response("/", "/desk.html");
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ(page->content_type, "text/html; charset=utf-8");
  EXPECT_NE(page->body.find("<html"), std::string::npos);
  bool csp = false;
  for (const auto& [k, v] : page->headers) csp = csp || k == "Content-Security-Policy";
  EXPECT_TRUE(csp);
  EXPECT_EQ(asset_response("/app.css", "")->content_type, "text/css; charset=utf-8");
  EXPECT_FALSE(asset_response("/../CMakeLists.txt", "").has_value());
  EXPECT_FALSE(asset_response("/api/status", "").has_value());
}

TEST(Cookies, FindsTheNamedOne) {
  EXPECT_EQ(cookie_value("a=1; liaison_session=abc; b=2", "liaison_session"), "abc");
  EXPECT_EQ(cookie_value("liaison_session_x=1", "liaison_session"), "");
  EXPECT_EQ(cookie_value("", "liaison_session"), "");
}

class DashboardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::unique_ptr<sync::Replica> r = new_district(dir_.file("d.db"));
    ASSERT_NE(r, nullptr);
    ASSERT_TRUE(app::add_web_user(*r, "admin", "right-password").is_ok());
    SessionLimits limits;
    limits.idle_ms = 1000;
    limits.max_ms = 5000;
    auto d = Dashboard::open(kEcho, dir_.file("d.db"), clock_, limits);
    ASSERT_TRUE(d.is_ok());
    dash_ = std::move(*d);
  }
  // Signs in; the cookie header to send after, or "" on failure.
  std::string sign_in(const std::string& password) {
    auto r = dash_->handle(post("/api/login", nlohmann::json{{"user", "admin"},
                                                            {"password", password}}.dump()));
    if (r.status != 200) return "";
    for (const auto& [k, v] : r.headers) {
      if (k == "Set-Cookie") return v.substr(0, v.find(';'));
    }
    return "";
  }
  int me(const std::string& cookie) {
    net::HttpRequest r = get("/api/me");
    r.headers["cookie"] = cookie;
    return dash_->handle(r).status;
  }

  test::TempDir dir_;
  FakeClock clock_{1'800'000'000'000};
  std::unique_ptr<Dashboard> dash_;
};

TEST_F(DashboardTest, EveryApiRouteNeedsASession) {
  EXPECT_EQ(dash_->handle(get("/api/me")).status, 401);
  EXPECT_EQ(dash_->handle(get("/api/overview")).status, 401);
  EXPECT_EQ(dash_->handle(get("/api/export/month", {{"month", "2026-11"}})).status, 401);
  net::HttpRequest forged = get("/api/me");
  forged.headers["cookie"] = "liaison_session=0123";
  EXPECT_EQ(dash_->handle(forged).status, 401);
  // The page itself is served, so that it can show the sign-in form.
  EXPECT_EQ(dash_->handle(get("/")).status, 200);
}

TEST_F(DashboardTest, SignInWithTheRightPasswordOnly) {
  EXPECT_EQ(sign_in("wrong-password"), "");
  std::string cookie = sign_in("right-password");
  ASSERT_NE(cookie, "");
  EXPECT_EQ(cookie.rfind("liaison_session=", 0), 0u);
  EXPECT_EQ(me(cookie), 200);
  net::HttpRequest out = post("/api/logout", "{}");
  out.headers["cookie"] = cookie;
  EXPECT_EQ(dash_->handle(out).status, 200);
  EXPECT_EQ(me(cookie), 401);
}

TEST_F(DashboardTest, SessionsEndWhenIdleAndAtTheirLimit) {
  std::string cookie = sign_in("right-password");
  ASSERT_NE(cookie, "");
  clock_.advance(900);
  EXPECT_EQ(me(cookie), 200);  // touched: idle again from here
  clock_.advance(900);
  EXPECT_EQ(me(cookie), 200);
  clock_.advance(1001);
  EXPECT_EQ(me(cookie), 401);  // idle too long
  std::string again = sign_in("right-password");
  for (int i = 0; i < 5; ++i) {
    clock_.advance(900);
    EXPECT_EQ(me(again), 200) << i;
  }
  clock_.advance(900);
  EXPECT_EQ(me(again), 401);  // 5.4 s after sign-in: over the 5 s limit though never idle
}

TEST_F(DashboardTest, TooManyFailuresLockTheAccountForAMinute) {
  for (int i = 0; i < app::kMaxFailedSignIns; ++i) EXPECT_EQ(sign_in("wrong-password"), "");
  auto r = dash_->handle(post("/api/login", R"({"user":"admin","password":"right-password"})"));
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(r.body.find("一分钟"), std::string::npos) << r.body;
  clock_.advance(61'000);
  EXPECT_NE(sign_in("right-password"), "");
}

}  // namespace
}  // namespace liaison::web
