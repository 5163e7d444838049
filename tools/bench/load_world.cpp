#include "tools/bench/load_world.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "shared/sync/protocol_client.h"
#include "shared/sync/replica.h"
#include "tools/bench/opinion_rows.h"
#include "tools/bench/timing.h"

namespace liaison::bench {

namespace {

namespace fs = std::filesystem;

// Provisions the devices on the district replica: station devices first, then spokespersons.
Result<LoadWorld> provision(const std::string& dir, const WorldSpec& spec) {
  LoadWorld w;
  w.dir = dir;
  w.records = spec.records;
  LIAISON_ASSIGN_OR_RETURN(std::unique_ptr<sync::Replica> district,
                           sync::Replica::create(w.district(), {Uuid{}, sync::Role::kDistrict}));
  LIAISON_ASSIGN_OR_RETURN(std::vector<StationRef> stations,
                           add_district_stations(*district, spec.places));
  w.stations = stations.size();
  for (size_t i = 0; i < spec.devices; ++i) {
    LoadDevice d;
    const StationRef& s = stations[i % stations.size()];
    d.station = s.id;
    d.place = s.place;
    d.file = fmt::format("d{:05}.db", i);
    d.spokesperson = i >= stations.size();
    std::string spokesperson =
        d.spokesperson ? fmt::format("SP-{}-{:03}", s.id, i / stations.size()) : "";
    LIAISON_ASSIGN_OR_RETURN(d.token, provision_device(*district, s.id, spokesperson));
    w.devices.push_back(std::move(d));
  }
  return w;
}

// The ids of the opinions each device recorded, by the device's replica id, in id order.
Result<std::map<std::string, std::vector<std::string>>> opinions_by_device(sync::Replica& r) {
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt q, r.db().prepare("SELECT recorded_by, id FROM opinion "
                                                           "ORDER BY recorded_by, id"));
  std::map<std::string, std::vector<std::string>> out;
  for (;;) {
    LIAISON_ASSIGN_OR_RETURN(bool row, q.step());
    if (!row) return out;
    out[q.column_text(0)].push_back(q.column_text(1));
  }
}

// Creates device i's replica with its opinions; its changeset goes to *encoded when set.
Status make_device(const LoadWorld& w, size_t i, uint64_t seed, std::string* encoded) {
  const LoadDevice& d = w.devices[i];
  sync::ReplicaInfo info{Uuid{}, d.spokesperson ? sync::Role::kSpokesperson : sync::Role::kStation,
                         d.station};
  if (d.spokesperson) info.spokesperson_id = fmt::format("SP-{}-{:03}", d.station, i / w.stations);
  LIAISON_ASSIGN_OR_RETURN(std::unique_ptr<sync::Replica> r,
                           sync::Replica::create(w.device_path(i), info));
  SeededRandom random(seed * 1'000'003 + i);
  LIAISON_ASSIGN_OR_RETURN(std::vector<std::string> ids,
                           write_opinions(*r, w.records, random, d.place));
  if (encoded) {
    LIAISON_ASSIGN_OR_RETURN(wire::Changeset cs, r->changes_since({}));
    *encoded = wire::encode(cs);
  }
  return {};
}

}  // namespace

Result<LoadWorld> prepare_world(const std::string& dir, const WorldSpec& spec,
                                std::vector<std::string>* encoded) {
  if (spec.places.empty() || spec.devices == 0) return Status::invalid("err.usage", "empty world");
  fs::create_directories(dir);
  LIAISON_ASSIGN_OR_RETURN(LoadWorld w, provision(dir, spec));
  if (encoded) encoded->assign(w.devices.size(), std::string());
  std::mutex mu;
  Status first_error;  // GUARDED_BY(mu)
  std::vector<std::thread> threads;
  unsigned n = std::max(1u, spec.threads);
  for (unsigned t = 0; t < n; ++t) {
    threads.emplace_back([&, t] {
      for (size_t i = t; i < w.devices.size(); i += n) {
        Status s = make_device(w, i, spec.seed, encoded ? &(*encoded)[i] : nullptr);
        if (s.is_ok()) continue;
        std::lock_guard lock(mu);
        if (first_error.is_ok()) first_error = s;
        return;
      }
    });
  }
  for (auto& t : threads) t.join();
  LIAISON_RETURN_IF_ERROR(first_error);
  return w;
}

Result<LoadWorld> copy_world(const LoadWorld& world, const std::string& dir) {
  std::error_code ec;
  fs::remove_all(dir, ec);
  fs::copy(world.dir, dir, fs::copy_options::recursive, ec);
  if (ec) return Status::io(fmt::format("cannot copy {} to {}: {}", world.dir, dir, ec.message()));
  LoadWorld copy = world;
  copy.dir = dir;
  return copy;
}

Result<double> apply_rate(const LoadWorld& world, const std::vector<std::string>& encoded,
                          const std::string& scratch_dir) {
  std::error_code ec;
  fs::remove_all(scratch_dir, ec);
  fs::create_directories(scratch_dir, ec);
  std::string file = scratch_dir + "/district.db";
  for (const char* suffix : {"", "-wal"}) {
    if (!fs::exists(world.district() + suffix)) continue;
    fs::copy_file(world.district() + suffix, file + suffix, ec);
    if (ec) return Status::io(fmt::format("cannot copy {}: {}", world.district(), ec.message()));
  }
  LIAISON_ASSIGN_OR_RETURN(std::unique_ptr<sync::Replica> district, sync::Replica::open(file));
  size_t records = 0;
  Status failed;
  double secs = seconds_of([&] {
    for (const std::string& bytes : encoded) {
      Result<wire::Changeset> cs = wire::decode(bytes);
      if (!cs) {
        failed = cs.status();
        return;
      }
      records += cs->changes.size();
      Result<sync::ApplyStats> st = district->apply(std::move(cs).value());
      if (!st) {
        failed = st.status();
        return;
      }
    }
  });
  LIAISON_RETURN_IF_ERROR(failed);
  return static_cast<double>(records) / secs;
}

Result<uint64_t> check_world(const LoadWorld& world, const std::vector<size_t>& opinions) {
  std::map<std::string, std::vector<std::string>> district;
  {
    LIAISON_ASSIGN_OR_RETURN(std::unique_ptr<sync::Replica> r,
                             sync::Replica::open(world.district()));
    LIAISON_ASSIGN_OR_RETURN(district, opinions_by_device(*r));
  }
  uint64_t checked = 0;
  for (size_t i = 0; i < world.devices.size(); ++i) {
    LIAISON_ASSIGN_OR_RETURN(std::unique_ptr<sync::Replica> device,
                             sync::Replica::open(world.device_path(i)));
    LIAISON_ASSIGN_OR_RETURN(auto own, opinions_by_device(*device));
    std::vector<std::string>& here = own[device->info().id.str()];
    std::vector<std::string>& there = district[device->info().id.str()];
    if (here.size() != opinions[i])
      return Status::internal(fmt::format("device {} recorded {} opinions instead of {}", i,
                                          here.size(), opinions[i]));
    if (there != here)
      return Status::internal(fmt::format("the district holds {} opinions of device {}, which "
                                          "recorded {}, not the same ones",
                                          there.size(), i, here.size()));
    LIAISON_ASSIGN_OR_RETURN(uint64_t left, sync::unacknowledged_changes(*device));
    if (left != 0)
      return Status::internal(fmt::format("device {} has {} changes not acknowledged", i, left));
    checked += here.size();
    district.erase(device->info().id.str());
  }
  if (!district.empty())
    return Status::internal(fmt::format("the district holds {} opinions of {} that is no device",
                                        district.begin()->second.size(), district.begin()->first));
  return checked;
}

}  // namespace liaison::bench
