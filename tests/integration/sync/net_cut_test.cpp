// Syncs cut at chosen points of the exchange, both ways, through the fault-injecting proxy: in
// the middle of a push, with an acknowledgement lost, in the middle of a pull and just after
// it. After each cut the next sync completes, every record is at the district exactly once, the
// device pushes only what the server does not hold and pulls only what it has not applied.
//
// The data is big enough for more batches each way than the window keeps in flight (the batch
// limit is 2,000 changes). A clean reference sync of the same template files, through the
// proxy, tells how many batches go each way and how big each message is (the proxy reads the
// WebSocket frame headers). Each case cuts a given number of bytes into a given message (a
// message-relative trigger), so it lands where the case says even though compressed sizes
// differ by a few bytes from run to run and the batches in flight overlap differently.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <numeric>

#include "shared/app/opinions.h"
#include "shared/app/reference.h"
#include "shared/sync/protocol.h"
#include "tests/common/temp_dir.h"
#include "tests/common/status_testing.h"
#include "tests/integration/sync/net_fixture.h"
#include "tools/faultproxy/fault_proxy.h"

namespace liaison {
namespace {

using faultproxy::FaultConfig;
using faultproxy::FaultProxy;
using sync::Replica;

constexpr uint64_t kStationRecords = 6200;   // the device pushes them: 3 × 2,000 + 200
constexpr uint64_t kDistrictRecords = 6200;  // the device pulls them
constexpr const char* kDistrictDesk = "district-desk";  // recorded_by of the district's records
constexpr uint64_t kPulled = kDistrictRecords + 1;     // and the station's reference row
// The district's changes the device holds: its records and the station row.
const char* kPulledRows =
    "SELECT (SELECT COUNT(*) FROM opinion WHERE recorded_by = 'district-desk') + "
    "(SELECT COUNT(*) FROM station)";

// Where the messages of a clean sync of the template end, in bytes relayed each way (the
// proxy's WebSocket message ends), and how many changes each ACK and each CHANGES carried.
// Messages up: HELLO, one per PUSH, PULL, one PULLED per CHANGES, END; down: WELCOME, one ACK
// per PUSH, the CHANGES, PULL_END, DONE. Their order does not depend on timing, although each
// side keeps a window of batches in flight (sync::BatchLimits::window).
struct SyncMap {
  std::vector<uint64_t> up, down;      // [i]: bytes relayed that way at the end of message i + 1
  std::vector<uint64_t> acked, pulled;  // changes per ACK, per CHANGES, in order
  uint64_t total_up = 0, total_down = 0;
  uint64_t window = sync::BatchLimits{}.window;

  size_t pushes() const { return acked.size(); }
  size_t pulls() const { return pulled.size(); }
  // The message number (1-based, as faultproxy::Trigger::message counts) of the k-th (1-based)
  // PUSH, PULLED, ACK and CHANGES. The byte helpers below take 0-based batch indices.
  uint64_t push_msg(size_t k) const { return 1 + k; }
  uint64_t pulled_msg(size_t k) const { return 2 + pushes() + k; }
  uint64_t ack_msg(size_t k) const { return 1 + k; }
  uint64_t changes_msg(size_t k) const { return 1 + pushes() + k; }
  uint64_t hello_end() const { return up[0]; }
  uint64_t push_end(size_t k) const { return up[1 + k]; }
  uint64_t ack_end(size_t k) const { return down[1 + k]; }
  uint64_t changes_end(size_t k) const { return down[1 + pushes() + k]; }
  uint64_t push_bytes(size_t k) const { return push_end(k) - (k ? push_end(k - 1) : hello_end()); }
  uint64_t changes_bytes(size_t k) const {
    return changes_end(k) - (k ? changes_end(k - 1) : ack_end(pushes() - 1));
  }
  uint64_t acked_before(size_t k) const {
    return std::accumulate(acked.begin(), acked.begin() + static_cast<long>(k), uint64_t{0});
  }
  uint64_t pulled_before(size_t k) const {
    return std::accumulate(pulled.begin(), pulled.begin() + static_cast<long>(k), uint64_t{0});
  }
  // A sender has the k-th batch (1-based) in flight only once the batches up to k - window
  // are confirmed.
  size_t confirmed_before(size_t k) const { return k > window ? k - window : 0; }
};

// What the district and the device hold after the cut sync: exact where the cut decides it,
// a range where it depends on how far the other side got with the batches in flight.
struct Span {
  uint64_t lo, hi;
};
struct Expect {
  Span district_has;  // of the device's records
  Span device_has;    // of the district's records
  Span acknowledged;  // of the device's changes, as the device knows (never over district_has)
};

struct CutCase {
  const char* name;
  bool up;  // the direction the proxy cuts
  std::function<faultproxy::Trigger(const SyncMap&)> cut;
  std::function<Expect(const SyncMap&)> expect;
};
void PrintTo(const CutCase& c, std::ostream* os) { *os << c.name; }

Span exactly(uint64_t n) { return {n, n}; }

const std::vector<CutCase>& cut_cases() {
  using faultproxy::Trigger;
  static const std::vector<CutCase> kCases = {
      {"MidFirstPush", true,
       [](const SyncMap& m) { return Trigger::in_message(m.push_msg(1), m.push_bytes(0) / 2); },
       [](const SyncMap&) { return Expect{exactly(0), exactly(0), exactly(0)}; }},
      {"MidLastPush", true,
       [](const SyncMap& m) {
         return Trigger::in_message(m.push_msg(m.pushes()), m.push_bytes(m.pushes() - 1) / 2);
       },
       [](const SyncMap& m) {
         // The pushes before the last arrived whole; the server may not have applied them
         // all before the cut, and the device has the ACKs that let it send the last.
         uint64_t sure = m.acked_before(m.confirmed_before(m.pushes()));
         uint64_t sent = m.acked_before(m.pushes() - 1);
         return Expect{{sure, sent}, exactly(0), {sure, sent}};
       }},
      {"FirstAckLost", false,
       [](const SyncMap& m) { return Trigger::in_message(m.ack_msg(1), 1); },
       [](const SyncMap& m) {
         return Expect{{m.acked[0], kStationRecords}, exactly(0), exactly(0)};
       }},
      {"SecondPulledLost", true,
       [](const SyncMap& m) { return Trigger::in_message(m.pulled_msg(2), 1); },
       [](const SyncMap& m) {
         // The device may have applied the batches after the second that were in flight.
         uint64_t most = m.pulled_before(std::min(m.pulls(), 2 + m.window - 1));
         return Expect{exactly(kStationRecords), {m.pulled_before(2), most},
                       exactly(kStationRecords)};
       }},
      {"MidFirstChanges", false,
       [](const SyncMap& m) {
         return Trigger::in_message(m.changes_msg(1), m.changes_bytes(0) / 2);
       },
       [](const SyncMap&) {
         return Expect{exactly(kStationRecords), exactly(0), exactly(kStationRecords)};
       }},
      {"MidLastChanges", false,
       [](const SyncMap& m) {
         return Trigger::in_message(m.changes_msg(m.pulls()), m.changes_bytes(m.pulls() - 1) / 2);
       },
       [](const SyncMap& m) {
         // The batches in flight with the last one may be lost as well: once the link is cut,
         // the device's next PULLED draws a TCP reset, and its kernel drops what it had
         // received but not yet read. Those the server had confirmed before it sent the last
         // one were read.
         uint64_t read = m.pulled_before(m.confirmed_before(m.pulls()));
         return Expect{exactly(kStationRecords), {read, m.pulled_before(m.pulls() - 1)},
                       exactly(kStationRecords)};
       }},
      {"RightAfterLastChanges", false,
       [](const SyncMap& m) { return Trigger::in_message(m.changes_msg(m.pulls()) + 1, 1); },
       [](const SyncMap& m) {
         // As above: the batches of the last window may still be unread when the reset comes.
         return Expect{exactly(kStationRecords),
                       {m.pulled_before(m.confirmed_before(m.pulls())), kPulled},
                       exactly(kStationRecords)};
       }},
  };
  return kCases;
}

// n opinions of station S01 in one write, recorded by recorded_by.
Status add_opinions(Replica& r, uint64_t n, const std::string& recorded_by,
                    const std::string& text) {
  const sync::TablePolicy& t = *sync::find_table("opinion");
  auto at = [&](const char* c) { return t.column_index(c); };
  std::string now = r.now_iso();
  return r.write([&]() -> Status {
    for (uint64_t i = 0; i < n; ++i) {
      sync::Fields f = {{at("station_id"), std::string("S01")},
                        {at("recorded_by"), recorded_by},
                        {at("at"), now},
                        {at("matter"), "第" + std::to_string(i) + "条：" + text},
                        {at("voter"), "选民" + std::to_string(i % 97)},
                        {at("source"), std::string("reception")},
                        {at("created_at"), now}};
      Result<std::string> id = r.insert(t, std::move(f));
      if (!id) return id.status();
    }
    return {};
  });
}

// The template (a district with S01, a device token and the district's records; a station
// replica with its own records, both files closed) and the map of a clean sync of it. Made on
// first use, shared by every test of this file, removed at exit.
struct Template {
  test::TempDir dir;
  std::string token;
  SyncMap map;
  bool ready = false;
  std::string failure;  // what went wrong when not ready
};

// Copies the template's files into dir.
void copy_template(const Template& t, const test::TempDir& dir) {
  for (const char* f : {"district.db", "station.db"})
    std::filesystem::copy_file(t.dir.file(f), dir.file(f));
}

std::unique_ptr<FaultProxy> proxy_to(uint16_t port, const FaultConfig& faults) {
  faultproxy::ProxyOptions o;
  o.target_port = port;
  o.faults = faults;
  auto p = FaultProxy::start(o);
  EXPECT_TRUE(p.is_ok());
  return p.is_ok() ? std::move(p).value() : nullptr;
}

std::string url(const FaultProxy& p) {
  return "ws://127.0.0.1:" + std::to_string(p.port()) + "/sync";
}

// The proxy's only connection, once it has ended.
faultproxy::ConnectionStats only_connection(FaultProxy& p) {
  EXPECT_TRUE(test::poll_until([&] { return p.stats().open == 0; }));
  auto c = p.connections();
  EXPECT_EQ(c.size(), 1u);
  return c.empty() ? faultproxy::ConnectionStats{} : c.front();
}

bool fail(Template& t, const std::string& what, const Status& s = {}) {
  t.failure = what + (s.is_ok() ? "" : ": " + s.message());
  return false;
}

bool make_template(Template& t) {
  test::ServedDistrict d(t.dir.file("district.db"));
  if (!d.ok()) return fail(t, "cannot create the district");
  app::StationInput s;
  s.id = "S01";
  s.name = "站S01";
  if (auto r = app::add_station(d.replica(), s); !r) return fail(t, "add_station", r.status());
  auto token = d.add_device("station", "S01");
  if (!token) return fail(t, "add_device", token.status());
  t.token = token.value();
  Status made =
      add_opinions(d.replica(), kDistrictRecords, kDistrictDesk, "公交站台缺少遮阳棚。");
  if (!made.is_ok()) return fail(t, "district opinions", made);
  auto station = Replica::create(t.dir.file("station.db"), {Uuid{}, sync::Role::kStation, "S01"});
  if (!station) return fail(t, "cannot create the station", station.status());
  Replica& r = *station.value();
  made = add_opinions(r, kStationRecords, r.info().id.str(), "小区路灯坏了两个月。");
  return made.is_ok() || fail(t, "station opinions", made);
}

// A clean sync of a copy of the template through the proxy, recorded into t.map.
bool measure(Template& t) {
  test::TempDir dir;
  copy_template(t, dir);
  test::ServedDistrict d(dir.file("district.db"), /*create=*/false);
  auto station = Replica::open(dir.file("station.db"));
  if (!d.ok() || !station || !d.start().is_ok()) return fail(t, "cannot open or serve the copy");
  auto proxy = proxy_to(d.port(), {});
  if (!proxy) return fail(t, "cannot start the proxy");
  SyncMap& m = t.map;
  uint64_t pushed = 0, pulled = 0;
  auto progress = [&](const service::SyncProgress& p) {
    if (p.pushed > pushed) m.acked.push_back(p.pushed - pushed);
    if (p.pulled > pulled) m.pulled.push_back(p.pulled - pulled);
    pushed = p.pushed;
    pulled = p.pulled;
  };
  auto r = service::sync_with_server(*station.value(), test::once(url(*proxy), t.token), progress);
  if (!r) return fail(t, "the reference sync", r.status());
  if (pushed != kStationRecords || pulled != kPulled)
    return fail(t, "the reference sync moved " + std::to_string(pushed) + " up and " +
                       std::to_string(pulled) + " down");
  faultproxy::ConnectionStats c = only_connection(*proxy);
  m.up = c.messages_up;
  m.down = c.messages_down;
  m.total_up = c.bytes_up;
  m.total_down = c.bytes_down;
  // Several batches each way, and exactly the messages the map names.
  if (m.pushes() >= 3 && m.pulls() >= 3 && m.up.size() == 3 + m.pushes() + m.pulls() &&
      m.down.size() == 3 + m.pushes() + m.pulls())
    return true;
  return fail(t, std::to_string(m.pushes()) + " pushes, " + std::to_string(m.pulls()) +
                     " pulls, " + std::to_string(m.up.size()) + " messages up, " +
                     std::to_string(m.down.size()) + " down");
}

const Template& shared_template() {
  static Template t;
  static const bool made = (t.ready = make_template(t) && measure(t), true);
  (void)made;
  return t;
}

class NetCutTest : public ::testing::TestWithParam<CutCase> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(t_.ready) << t_.failure;
    copy_template(t_, dir_);
  }

  const Template& t_ = shared_template();
  const SyncMap& m_ = t_.map;
  test::TempDir dir_;
};

TEST_P(NetCutTest, NextSyncCompletesWithoutSendingAnythingTwice) {
  const CutCase& c = GetParam();
  const SyncMap& m = m_;
  test::ServedDistrict d(dir_.file("district.db"), /*create=*/false);
  auto opened = Replica::open(dir_.file("station.db"));
  ASSERT_TRUE(d.ok());
  ASSERT_OK(opened);
  Replica& station = *opened.value();
  const std::string mine = "recorded_by = '" + station.info().id.str() + "'";

  // 1. The cut sync fails where the case says.
  FaultConfig cut;
  (c.up ? cut.up : cut.down).cut = c.cut(m);
  ASSERT_TRUE(d.start().is_ok());
  auto proxy = proxy_to(d.port(), cut);
  ASSERT_TRUE(proxy);
  auto first = service::sync_with_server(station, test::once(url(*proxy), t_.token));
  ASSERT_FALSE(first.is_ok());
  EXPECT_EQ(first.status().code(), Code::kIo) << first.status().message();
  EXPECT_NE(only_connection(*proxy).cut, faultproxy::CutCause::kNone);
  d.stop();  // every message the server received is handled once it has stopped
  Expect want = c.expect(m);
  uint64_t district_has =
      test::query_count(d.replica(), "SELECT COUNT(*) FROM opinion WHERE " + mine);
  uint64_t device_has = test::query_count(station, kPulledRows);
  uint64_t acknowledged = kStationRecords - sync::unacknowledged_changes(station).value();
  EXPECT_GE(district_has, want.district_has.lo);
  EXPECT_LE(district_has, want.district_has.hi);
  EXPECT_GE(device_has, want.device_has.lo);
  EXPECT_LE(device_has, want.device_has.hi);
  EXPECT_GE(acknowledged, want.acknowledged.lo);
  EXPECT_LE(acknowledged, std::min(want.acknowledged.hi, district_has));

  // 2. The next sync sends only what the other side lacks, through a clean proxy.
  ASSERT_TRUE(d.start().is_ok());
  auto clean = proxy_to(d.port(), {});
  ASSERT_TRUE(clean);
  auto second = service::sync_with_server(station, test::once(url(*clean), t_.token));
  ASSERT_OK(second);
  EXPECT_EQ(second->summary.pushed, kStationRecords - district_has);
  EXPECT_EQ(second->summary.pulled, kPulled - device_has);
  faultproxy::ConnectionStats again = only_connection(*clean);
  // Whole batches the server held (or the device had applied) must not travel again: the
  // bytes stay under the reference's minus those batches, plus half the smallest batch for
  // framing and compression differences.
  uint64_t held_up = 0, held_down = 0, slack_up = UINT64_MAX, slack_down = UINT64_MAX;
  for (size_t k = 0; k < m.pushes(); ++k) {
    if (m.acked_before(k + 1) <= district_has) held_up += m.push_bytes(k);
    slack_up = std::min(slack_up, m.push_bytes(k) / 2);
  }
  for (size_t k = 0; k < m.pulls(); ++k) {
    if (m.pulled_before(k + 1) <= device_has) held_down += m.changes_bytes(k);
    slack_down = std::min(slack_down, m.changes_bytes(k) / 2);
  }
  EXPECT_LE(again.bytes_up, m.total_up - held_up + slack_up);
  EXPECT_LE(again.bytes_down, m.total_down - held_down + slack_down);

  // 3. Everything is everywhere exactly once.
  d.stop();
  EXPECT_EQ(test::query_count(d.replica(), "SELECT COUNT(*) FROM opinion WHERE " + mine),
            static_cast<int64_t>(kStationRecords));
  EXPECT_EQ(test::query_count(d.replica(), "SELECT COUNT(*) FROM opinion"),
            static_cast<int64_t>(kStationRecords + kDistrictRecords));
  EXPECT_EQ(test::query_count(station, "SELECT COUNT(*) FROM opinion"),
            static_cast<int64_t>(kStationRecords + kDistrictRecords));
  EXPECT_EQ(station.digest().value(), d.replica().digest().value());
  EXPECT_EQ(sync::unacknowledged_changes(station).value(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Cuts, NetCutTest, ::testing::ValuesIn(cut_cases()),
                         [](const ::testing::TestParamInfo<CutCase>& p) {
                           return std::string(p.param.name);
                         });

// With retries, one call to sync_with_server gets through a cut on its own.
TEST_F(NetCutTest, OneSyncRetriesThroughACutAndCompletes) {
  const SyncMap& m = m_;
  test::ServedDistrict d(dir_.file("district.db"), /*create=*/false);
  auto opened = Replica::open(dir_.file("station.db"));
  ASSERT_TRUE(d.ok());
  ASSERT_OK(opened);
  FaultConfig cut;
  cut.down.cut = faultproxy::Trigger::in_message(m.changes_msg(2), m.changes_bytes(1) / 2);
  cut.faulty_to = 1;  // the first connection only
  ASSERT_TRUE(d.start().is_ok());
  auto proxy = proxy_to(d.port(), cut);
  ASSERT_TRUE(proxy);
  service::SyncOptions o = test::once(url(*proxy), t_.token);
  o.retry.retries = 2;
  o.retry.max_attempts = 0;
  o.retry.start = std::chrono::milliseconds(10);
  auto r = service::sync_with_server(*opened.value(), o);
  ASSERT_OK(r);
  EXPECT_EQ(r->attempts, 2);
  EXPECT_EQ(r->summary.pushed, kStationRecords);
  EXPECT_EQ(r->summary.pulled, kPulled);
  ASSERT_TRUE(test::poll_until([&] { return proxy->stats().open == 0; }));
  auto c = proxy->connections();
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].cut, faultproxy::CutCause::kDownBytes);
  // The retry pushes nothing (the server acknowledged it all) and pulls only the rest.
  EXPECT_LT(c[1].bytes_up, m.push_bytes(0) / 2);
  EXPECT_LE(c[1].bytes_down, m.total_down - m.changes_bytes(0) + m.changes_bytes(1) / 2);
  d.stop();
  EXPECT_EQ(opened.value()->digest().value(), d.replica().digest().value());
}

}  // namespace
}  // namespace liaison
