#include "tools/bench/badlink_month.h"

#include <array>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "shared/app/activities.h"
#include "shared/app/attachments.h"
#include "shared/sync/protocol_client.h"
#include "shared/wire/messages.h"
#include "tools/bench/district.h"
#include "tools/bench/opinion_rows.h"
#include "tools/bench/outcome.h"

namespace fs = std::filesystem;

namespace liaison::bench {

namespace {

using sync::Replica;

const Place kPlace{"中仓街道", "西营社区", "community"};

constexpr std::array<const char*, 6> kTopics = {
    "老旧小区加装电梯", "背街小巷环境整治", "社区养老服务", "学校周边交通安全",
    "农贸市场改造", "停车难问题"};

std::string photo_path(const std::string& dir, size_t k) {
  return (fs::path(dir) / "photos" / fmt::format("IMG_{:04}.jpg", k + 1)).string();
}

// n bytes shaped like a JPEG file: the start-of-image marker and a JFIF header, random bytes
// (compressed image data does not compress any further), the end-of-image marker.
std::string jpeg_bytes(size_t n, Random& random) {
  static constexpr char kHead[] =
      "\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00";
  std::string s(kHead, sizeof kHead - 1);
  size_t at = s.size();
  s.resize(std::max(n, at + 2) - 2);
  random.fill(reinterpret_cast<uint8_t*>(s.data() + at), s.size() - at);
  return s + "\xFF\xD9";
}

// The month's reception days, spread over the month, each with up to ten of the opinions.
Status add_receptions(Replica& station, const std::vector<std::string>& opinions, size_t n,
                      const std::string& place) {
  for (size_t k = 0; k < n; ++k) {
    app::ActivityInput in;
    in.kind = std::string(app::kReception);
    in.place = place + "代表联络站";
    in.topic = kTopics[k % kTopics.size()];
    in.held.date = fmt::format("2026-11-{:02}", 1 + k * 28 / n);
    in.held.voters = std::to_string(8 + k * 5 % 23);
    in.held.note = "代表接待选民，当场答复" + std::to_string(k % 4 + 1) + "件，其余转交有关部门办理。";
    for (size_t i = k; i < opinions.size() && in.held.opinions.size() < 10; i += n)
      in.held.opinions.push_back(opinions[i]);
    LIAISON_RETURN_IF_ERROR(status_of(app::add_activity(station, in)));
  }
  return {};
}

Result<std::vector<std::string>> texts(Replica& r, const std::string& sql,
                                       const std::string& station) {
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt q, r.db().prepare(sql));
  q.bind(1, station);
  return q.texts();
}

// The ids sql lists (bound to the station) are the same want ids at both replicas.
Status same_ids(const char* what, Replica& district, Replica& station, const std::string& sql,
                const std::string& station_id, size_t want) {
  LIAISON_ASSIGN_OR_RETURN(std::vector<std::string> here, texts(station, sql, station_id));
  LIAISON_ASSIGN_OR_RETURN(std::vector<std::string> there, texts(district, sql, station_id));
  if (here.size() != want)
    return Status::internal(fmt::format("the station holds {} {} instead of {}", here.size(),
                                        what, want));
  if (there != here)
    return Status::internal(fmt::format("the district holds {} {} of the station's {}, not the "
                                        "same ones",
                                        there.size(), what, here.size()));
  return {};
}

// The district holds the content sha of size bytes whole and verified, in its chunks exactly.
Status whole_content(Replica& district, const std::string& sha, int64_t size) {
  LIAISON_ASSIGN_OR_RETURN(
      storage::Stmt q,
      district.db().prepare("SELECT (SELECT complete FROM _blob WHERE sha256 = ?1 AND size = ?2),"
                            " COUNT(*), COALESCE(SUM(length(data)), 0), MAX(offset)"
                            " FROM _blob_chunk WHERE sha256 = ?1"));
  q.bind(1, sha).bind(2, size);
  LIAISON_ASSIGN_OR_RETURN(bool row, q.step());
  auto chunk = static_cast<int64_t>(wire::kBlobChunkSize);
  int64_t chunks = size == 0 ? 1 : (size + chunk - 1) / chunk;
  if (!row || q.column_int(0) != 1 || q.column_int(1) != chunks || q.column_int(2) != size ||
      q.column_int(3) != (chunks - 1) * chunk)
    return Status::internal(fmt::format("the district does not hold the {} bytes of {} whole",
                                        size, sha));
  return {};
}

}  // namespace

Result<Month> make_month(const std::string& dir, const MonthSize& size, uint64_t seed) {
  Month m;
  {
    LIAISON_ASSIGN_OR_RETURN(auto district, Replica::create(dir + "/district.db",
                                                            {Uuid{}, sync::Role::kDistrict, ""}));
    LIAISON_ASSIGN_OR_RETURN(std::vector<StationRef> stations,
                             add_district_stations(*district, {kPlace}));
    m.station_id = stations.front().id;
    LIAISON_ASSIGN_OR_RETURN(m.token, provision_device(*district, m.station_id));
  }
  SeededRandom random(seed);
  std::string place = kPlace.town + kPlace.spot;
  {
    LIAISON_ASSIGN_OR_RETURN(auto station,
                             Replica::create(dir + "/station.db",
                                             {Uuid{}, sync::Role::kStation, m.station_id}));
    LIAISON_ASSIGN_OR_RETURN(std::vector<std::string> ids,
                             write_opinions(*station, size.opinions, random, place));
    LIAISON_RETURN_IF_ERROR(add_receptions(*station, ids, size.receptions, place));
  }
  std::error_code ec;
  fs::create_directories(fs::path(dir) / "photos", ec);
  for (size_t k = 0; k < size.photos; ++k) {
    size_t n = size.photo_bytes * (90 + random.next_u64() % 21) / 100;
    std::ofstream out(photo_path(dir, k), std::ios::binary | std::ios::trunc);
    out << jpeg_bytes(n, random);
    if (!out) return Status::io("cannot write " + photo_path(dir, k));
    m.photo_bytes += n;
  }
  return m;
}

Status attach_photos(Replica& station, const std::string& dir, const MonthSize& size) {
  LIAISON_ASSIGN_OR_RETURN(std::vector<std::string> ids,
                           texts(station, "SELECT id FROM opinion WHERE station_id = ? ORDER BY id",
                                 station.info().station_id));
  if (ids.empty() && size.photos > 0) return Status::internal("no opinion to attach photos to");
  for (size_t k = 0; k < size.photos; ++k)
    LIAISON_RETURN_IF_ERROR(
        status_of(app::attach_file(station, ids[k % ids.size()], photo_path(dir, k))));
  return {};
}

Status check_month(Replica& district, Replica& station, const MonthSize& size, bool photos) {
  const std::string& id = station.info().station_id;
  LIAISON_RETURN_IF_ERROR(same_ids("opinions", district, station,
                                   "SELECT id FROM opinion WHERE station_id = ? ORDER BY id", id,
                                   size.opinions));
  LIAISON_RETURN_IF_ERROR(same_ids("reception days", district, station,
                                   "SELECT id FROM activity WHERE kind = 'reception' AND "
                                   "station_id = ? ORDER BY id",
                                   id, size.receptions));
  if (photos) {
    LIAISON_RETURN_IF_ERROR(same_ids("attachments", district, station,
                                     "SELECT id FROM attachment WHERE station_id = ? ORDER BY id",
                                     id, size.photos));
    LIAISON_ASSIGN_OR_RETURN(storage::Stmt q,
                             station.db().prepare("SELECT DISTINCT sha256, size FROM attachment"));
    for (;;) {
      LIAISON_ASSIGN_OR_RETURN(bool more, q.step());
      if (!more) break;
      LIAISON_RETURN_IF_ERROR(whole_content(district, q.column_text(0), q.column_int(1)));
    }
  }
  LIAISON_ASSIGN_OR_RETURN(uint64_t left, sync::unacknowledged_changes(station));
  if (left != 0)
    return Status::internal(fmt::format("{} changes of the station not acknowledged", left));
  return {};
}

}  // namespace liaison::bench
