#include "tools/gen/world.h"

#include <algorithm>

#include <fmt/format.h>

#include "shared/app/categories.h"
#include "shared/app/reference.h"
#include "shared/sync/scope.h"
#include "tools/gen/calendar.h"

namespace liaison::gen {

namespace {

// to.apply(from.changes_since(to's version vector)), as one sync in one direction does; with
// a scope, only the rows that device may see are sent, as the district server does.
Status pass_changes(sync::Replica& from, sync::Replica& to, const sync::DeviceScope* scope) {
  sync::RowFilter filter;
  sync::ReplicaOpinionLookup lookup(from);
  if (scope) {
    filter = [&](const sync::TablePolicy& table, const sync::Row& row) {
      Result<bool> seen = sync::visible(*scope, table, row.values, lookup);
      return seen && *seen;
    };
  }
  LIAISON_ASSIGN_OR_RETURN(wire::Changeset cs, from.changes_since(to.version_vector(), SIZE_MAX, filter));
  LIAISON_ASSIGN_OR_RETURN(sync::ApplyStats stats, to.apply(std::move(cs)));
  if (stats.refused > 0 || stats.gaps > 0)
    return Status::internal(fmt::format("sync refused {} changes, {} gaps", stats.refused, stats.gaps));
  return {};
}

// Takes `count` distinct places, in the engine's order.
std::vector<Place> choose_places(const Material& material, size_t count, Engine& e) {
  std::vector<Place> places = material.places();
  std::shuffle(places.begin(), places.end(), e);
  places.resize(count);
  return places;
}

}  // namespace

Result<std::unique_ptr<World>> World::create(const Options& options, const Material& material,
                                             Engine& engine) {
  if (options.stations < 1 || static_cast<size_t>(options.stations) > material.places().size())
    return Status::invalid("err.bad_number",
                           fmt::format("--stations 1..{}", material.places().size()));
  int64_t start = local_ms(days_from_civil({options.year - 1, 12, 20}), 9, 0);
  std::unique_ptr<World> w(new World(start, options.seed));
  sync::ReplicaInfo info;
  info.role = sync::Role::kDistrict;
  w->district_path_ = options.out_dir + "/district.db";
  sync::Replica::Options ro{&w->clock_, &w->random_};
  LIAISON_ASSIGN_OR_RETURN(w->district_, sync::Replica::create(w->district_path_, info, ro));
  LIAISON_RETURN_IF_ERROR(w->register_reference(options, material, engine));
  for (size_t i = 0; i < w->stations_.size(); ++i) {
    sync::ReplicaInfo station;
    station.role = sync::Role::kStation;
    station.station_id = w->stations_[i].id;
    LIAISON_ASSIGN_OR_RETURN(std::unique_ptr<sync::Replica> r,
                             sync::Replica::create(w->stations_[i].path, station, ro));
    w->station_replicas_.push_back(std::move(r));
    LIAISON_RETURN_IF_ERROR(w->sync_station(i));
  }
  return w;
}

Status World::register_reference(const Options& options, const Material& material,
                                  Engine& engine) {
  for (size_t i = 0; i < material.categories().size(); ++i)
    LIAISON_RETURN_IF_ERROR(status_of(
        app::add_category(*district_, fmt::format("C{:02}", i + 1), material.categories()[i])
            ));
  for (const Place& place : choose_places(material, static_cast<size_t>(options.stations), engine))
    LIAISON_RETURN_IF_ERROR(register_station(options, place, engine));
  // Each home has two city deputies fixed to it.
  for (HomeInfo& home : homes_) {
    for (int k = 0; k < 2; ++k) {
      char gender = chance(engine, 0.35) ? 'f' : 'm';
      app::DeputyInput d{fmt::format("C{}-{}", home.id, k + 1), person_name(engine, gender),
                         "city", home.id, "", work_unit(engine, stations_[home.stations[0]].place),
                         fake_phone(engine), {std::string(1, gender), "2023-01-01", "2027-12-31"}};
      LIAISON_RETURN_IF_ERROR(status_of(app::add_deputy(*district_, d)));
      home.deputies.push_back(d.id);
    }
  }
  return {};
}

Status World::register_station(const Options& options, const Place& place, Engine& engine) {
  auto home = std::find_if(homes_.begin(), homes_.end(), [&](const HomeInfo& h) {
    return stations_[h.stations[0]].place.town == place.town;
  });
  if (home == homes_.end()) {
    std::string id = fmt::format("H{:02}", homes_.size() + 1);
    app::HomeInput in{id, place.town + "人大代表之家", place.town};
    LIAISON_RETURN_IF_ERROR(status_of(app::add_home(*district_, in)));
    homes_.push_back({id, {}, {}});
    home = homes_.end() - 1;
  }
  StationInfo s;
  s.id = fmt::format("S{:02}", stations_.size() + 1);
  s.home = home->id;
  s.place = place;
  s.voters = between(engine, 1800, 6000);
  s.path = options.out_dir + "/" + s.id + ".db";
  app::StationInput in{s.id, place.spot + "人大代表联络站", s.home, std::to_string(s.voters),
                       place.kind, place.town};
  LIAISON_RETURN_IF_ERROR(status_of(app::add_station(*district_, in)));
  int64_t deputies = between(engine, 2, 3);
  for (int64_t k = 0; k < deputies; ++k) {
    char gender = chance(engine, 0.35) ? 'f' : 'm';
    std::string id = fmt::format("{}-D{}", s.id, k + 1);
    app::DeputyInput d{id, person_name(engine, gender), chance(engine, 0.5) ? "district" : "township",
                       "", s.id, work_unit(engine, place), fake_phone(engine),
                       {std::string(1, gender), "2022-01-01", "2026-12-31"}};
    LIAISON_RETURN_IF_ERROR(status_of(app::add_deputy(*district_, d)));
    s.deputies.push_back(id);
  }
  home->stations.push_back(stations_.size());
  stations_.push_back(std::move(s));
  return {};
}

Status World::sync_station(size_t i) {
  sync::DeviceScope scope;
  scope.role = sync::Role::kStation;
  scope.station_id = stations_[i].id;
  scope.replica_id = station_replicas_[i]->info().id;
  LIAISON_RETURN_IF_ERROR(pass_changes(*station_replicas_[i], *district_, nullptr));
  return pass_changes(*district_, *station_replicas_[i], &scope);
}

}  // namespace liaison::gen
