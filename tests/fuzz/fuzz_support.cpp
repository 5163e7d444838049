#include "tests/fuzz/fuzz_support.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <system_error>

#include <fmt/format.h>

#include "shared/sync/blob_store.h"
#include "shared/sync/policy.h"
#include "shared/wire/messages.h"

namespace liaison::fuzz {

namespace {

// 2025-01-01T00:00:00Z, as in the unit tests: the clocks never move.
constexpr int64_t kStartMs = 1'735'689'600'000;

const sync::TablePolicy& table_of(std::string_view name) {
  const sync::TablePolicy* t = sync::find_table(name);
  check(t != nullptr, fmt::format("no table {}", name));
  return *t;
}

int column(const sync::TablePolicy& t, std::string_view name) {
  int i = t.column_index(name);
  check(i > 0, fmt::format("no column {}.{}", t.name, name));
  return i;
}

void check_ok(const Status& s, std::string_view what) {
  check(s.is_ok(), fmt::format("{}: {} ({})", what, s.key(), s.detail()));
}

// One opinion of station; returns its id.
std::string add_opinion(sync::Replica& r, const std::string& station, int n) {
  const sync::TablePolicy& t = table_of("opinion");
  sync::Fields f = {{column(t, "station_id"), station},
                    {column(t, "recorded_by"), std::string("sp-1")},
                    {column(t, "at"), std::string("2025-01-01T09:00:00Z")},
                    {column(t, "matter"), fmt::format("路灯坏了三个月 #{}", n)},
                    {column(t, "created_at"), r.now_iso()},
                    {column(t, "voter"), std::string("张三")},
                    {column(t, "source"), std::string("visit")},
                    {column(t, "phone"), Value{}},
                    {column(t, "place"), Value{}},
                    {column(t, "category"), Value{}}};
  std::string id;
  check_ok(r.write([&]() -> Status {
    Result<std::string> made = r.insert(t, std::move(f));
    if (!made) return made.status();
    id = made.value();
    return {};
  }), "add opinion");
  return id;
}

}  // namespace

void set_category(sync::Replica& r, int n, const std::string& category) {
  const sync::TablePolicy& t = table_of("opinion");
  Result<storage::Stmt> q = r.db().prepare("SELECT id FROM opinion WHERE matter = ?");
  check_ok(q.is_ok() ? Status{} : q.status(), "find opinion");
  q->bind(1, fmt::format("路灯坏了三个月 #{}", n));
  Result<bool> found = q->step();
  check(found.is_ok() && found.value(), fmt::format("no opinion #{}", n));
  std::string id = q->column_text(0);
  check_ok(r.write([&]() { return r.update(t, id, {{column(t, "category"), category}}); }),
           "set category");
}

namespace {

// An opinion of station with one attachment naming content; with_content stores the bytes too.
// Returns the ids of both rows.
std::vector<std::string> add_scan(sync::Replica& r, const std::string& station,
                                  std::string_view content, bool with_content, int n) {
  std::string opinion = add_opinion(r, station, n);
  std::string attachment;
  const sync::TablePolicy& t = table_of("attachment");
  sync::BlobStore store(r.db());
  sync::Fields f = {{column(t, "owner_table"), std::string("opinion")},
                    {column(t, "owner_id"), opinion},
                    {column(t, "station_id"), station},
                    {column(t, "sha256"), sync::sha256_hex(content)},
                    {column(t, "size"), static_cast<int64_t>(content.size())},
                    {column(t, "at"), std::string("2025-01-01T10:00:00Z")}};
  check_ok(r.write([&]() -> Status {
    if (with_content) {
      Result<sync::BlobInfo> put = store.put(content);
      if (!put) return put.status();
    }
    Result<std::string> id = r.insert(t, std::move(f));
    if (!id) return id.status();
    attachment = id.value();
    return Status{};
  }), "add scan");
  return {opinion, attachment};
}

// Deterministic bytes standing in for a scan (small: every seed carries them).
std::string scan_bytes(size_t n, uint8_t salt) {
  std::string out(n, '\0');
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<char>((i * 131 + salt) & 0xff);
  return out;
}

// Fills r; returns the ids of its rows of station S02 (on the server: what the device may not
// see).
std::set<std::string> fill(sync::Replica& r, Side side) {
  std::set<std::string> s02;
  if (side != Side::kDevice) {
    add_opinion(r, "S01", 1);
    s02.insert(add_opinion(r, "S02", 2));
    add_opinion(r, "S01", 3);
    add_scan(r, "S01", scan_bytes(700, 1), true, 4);   // the device fetches it
    add_scan(r, "S01", scan_bytes(300, 2), false, 5);  // the server lacks it: "unavailable"
    for (std::string& id : add_scan(r, "S02", scan_bytes(500, 3), true, 6)) s02.insert(id);
    if (side == Side::kServer) {
      set_category(r, 1, "lights");
      add_opinion(r, "S01", 7);
    }
    return s02;
  }
  for (int i = 0; i < 3; ++i) add_opinion(r, "S01", 10 + i);
  s02.insert(add_opinion(r, "S02", 13));              // refused by the server's guard
  add_scan(r, "S01", scan_bytes(900, 4), true, 14);   // uploaded after the pushes
  return s02;
}

std::unique_ptr<sync::Replica> open_or_die(const std::string& path, Clock& clock,
                                           Random& random) {
  Result<std::unique_ptr<sync::Replica>> r =
      sync::Replica::open(path, sync::ReplicaOptions{&clock, &random});
  check_ok(r.is_ok() ? Status{} : r.status(), "open replica");
  return std::move(r).value();
}

// The whole file; aborts when it cannot be read.
std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  check(in.good() || in.eof(), fmt::format("cannot read {}", path));
  return bytes;
}

// Writes bytes as the whole file. Retries interrupted writes: libFuzzer's timer signal (for
// -timeout) interrupts system calls, and a copy that gave up on EINTR would be a false crash.
void write_file(const std::string& path, std::string_view bytes) {
  int fd;
  do {
    fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  } while (fd < 0 && errno == EINTR);
  check(fd >= 0, fmt::format("cannot create {}: {}", path, std::strerror(errno)));
  while (!bytes.empty()) {
    ssize_t n = write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    check(n > 0, fmt::format("cannot write {}: {}", path, std::strerror(errno)));
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  close(fd);
}

void remove_db(const std::string& path) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix, ec);
}

}  // namespace

Script read_script(std::string_view input) {
  Script script;
  if (input.empty()) return script;
  script.fix_checksums = (static_cast<uint8_t>(input[0]) & 1) != 0;
  size_t pos = 1;
  while (pos + 2 <= input.size()) {
    size_t len = static_cast<uint8_t>(input[pos]) << 8 | static_cast<uint8_t>(input[pos + 1]);
    pos += 2;
    len = std::min(len, input.size() - pos);
    std::string frame(input.substr(pos, len));
    script.frames.push_back(script.fix_checksums ? fix_checksum(frame) : std::move(frame));
    pos += len;
  }
  return script;
}

std::string write_script(const Script& script) {
  std::string out(1, script.fix_checksums ? '\x01' : '\x00');
  for (const std::string& f : script.frames) {
    check(f.size() < 0x10000, "frame over 64 KiB");
    out.push_back(static_cast<char>(f.size() >> 8));
    out.push_back(static_cast<char>(f.size() & 0xff));
    out += f;
  }
  return out;
}

std::string fix_checksum(const std::string& frame) {
  Result<wire::Message> m = wire::decode_message(frame);
  if (!m) return frame;
  std::string* cs = nullptr;
  if (auto* push = std::get_if<wire::Push>(&m.value())) cs = &push->changeset;
  if (auto* changes = std::get_if<wire::Changes>(&m.value())) cs = &changes->changeset;
  if (cs == nullptr || cs->size() < 8) return frame;
  cs->resize(cs->size() - 4);
  auto crc = static_cast<uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(cs->data()), static_cast<uInt>(cs->size())));
  for (int i = 3; i >= 0; --i) cs->push_back(static_cast<char>((crc >> (8 * i)) & 0xff));
  return wire::encode_message(m.value());
}

sync::BatchLimits batch_limits() {
  sync::BatchLimits limits;
  limits.changes = 3;
  return limits;
}

void check_output(const sync::ProtocolOutput& out, bool finished, std::string_view who) {
  for (size_t i = 0; i < out.frames.size(); ++i) {
    Result<wire::Message> m = wire::decode_message(out.frames[i]);
    check(m.is_ok(), fmt::format("{} sent a frame it cannot decode: {}", who,
                                 m.is_ok() ? "" : m.status().detail()));
    if (const auto* e = std::get_if<wire::Error>(&m.value())) {
      check(i + 1 == out.frames.size(), fmt::format("{} sent a frame after ERROR", who));
      check(out.close && out.close_reason == e->code,
            fmt::format("{} sent ERROR {} without closing with it", who, e->code));
    }
  }
  check(!out.close || finished, fmt::format("{} closed but is not finished", who));
  check(out.close_code == 1000 || !out.close_reason.empty(),
        fmt::format("{} closes with {} and no reason", who, out.close_code));
}

namespace {

std::string describe(const std::string& frame) {
  Result<wire::Message> m = wire::decode_message(frame);
  if (!m) return fmt::format("undecodable ({})", m.status().detail());
  if (const auto* e = std::get_if<wire::Error>(&m.value()))
    return fmt::format("ERROR {} ({})", e->code, e->message);
  return wire::message_name(m.value());
}

}  // namespace

void trace(std::string_view who, const std::string& frame, const sync::ProtocolOutput& out,
           bool finished) {
  static const bool enabled = getenv("LIAISON_FUZZ_TRACE") != nullptr;
  if (!enabled) return;
  std::string answers;
  for (const std::string& f : out.frames) answers += " " + describe(f);
  std::fprintf(stderr, "%.*s got %s ->%s%s%s\n", static_cast<int>(who.size()), who.data(),
               frame.empty() ? "(start)" : describe(frame).c_str(), answers.c_str(),
               out.close ? " [close]" : "", finished ? " [finished]" : "");
}

ReplicaSnapshot::ReplicaSnapshot(Side side) {
  // $TMPDIR when set (tools/fuzz points it into /dev/shm), else in memory where the system
  // has it: every input rewrites the file, and the closing checkpoint's fsync on a disk would
  // cost more than the input itself.
  std::error_code ec;
  const char* tmpdir = getenv("TMPDIR");
  std::filesystem::path base = tmpdir != nullptr && *tmpdir != '\0'
                                   ? std::filesystem::path(tmpdir)
                               : std::filesystem::is_directory("/dev/shm", ec)
                                   ? std::filesystem::path("/dev/shm")
                                   : std::filesystem::temp_directory_path();
  std::string pattern = (base / "liaison-fuzz-XXXXXX").string();
  check(mkdtemp(pattern.data()) != nullptr, "mkdtemp failed");
  dir_ = pattern;
  pristine_ = dir_ + "/pristine.db";
  work_ = dir_ + "/work.db";
  bool server = side != Side::kDevice;
  uint64_t seed = server ? 1 : 2;
  FakeClock clock(kStartMs);
  SeededRandom random(seed);
  sync::ReplicaInfo info;
  info.role = server ? sync::Role::kDistrict : sync::Role::kStation;
  info.station_id = server ? "" : "S01";
  Result<std::unique_ptr<sync::Replica>> made =
      sync::Replica::create(pristine_, info, sync::ReplicaOptions{&clock, &random});
  check_ok(made.is_ok() ? Status{} : made.status(), "create replica");
  other_station_rows_ = fill(*made.value(), side);
  made.value().reset();  // closing checkpoints the WAL into the file
  pristine_bytes_ = read_file(pristine_);
  seed_ = seed + 100;
}

ReplicaSnapshot::~ReplicaSnapshot() {
  replica_.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

sync::Replica& ReplicaSnapshot::fresh() {
  replica_.reset();
  remove_db(work_);
  write_file(work_, pristine_bytes_);
  clock_ = std::make_unique<FakeClock>(kStartMs);
  random_ = std::make_unique<SeededRandom>(seed_);
  replica_ = open_or_die(work_, *clock_, *random_);
  return *replica_;
}

}  // namespace liaison::fuzz
