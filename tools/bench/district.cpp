#include "tools/bench/district.h"

#include <fstream>
#include <map>

#include <fmt/format.h>

#include "shared/app/devices.h"
#include "shared/app/reference.h"
#include "tools/bench/outcome.h"

namespace liaison::bench {

Result<std::vector<Place>> load_places(const std::string& file) {
  std::ifstream in(file);
  if (!in) return Status::io("cannot read the places file " + file);
  std::vector<Place> places;
  std::string line;
  while (std::getline(in, line)) {
    size_t a = line.find('\t');
    size_t b = a == std::string::npos ? a : line.find('\t', a + 1);
    if (b == std::string::npos) continue;
    places.push_back({line.substr(0, a), line.substr(a + 1, b - a - 1), line.substr(b + 1)});
  }
  if (places.empty()) return Status::io("no place in " + file);
  return places;
}

Result<std::vector<StationRef>> add_district_stations(sync::Replica& district,
                                                      const std::vector<Place>& places) {
  std::map<std::string, std::string> homes;  // town -> home id
  std::vector<StationRef> stations;
  for (const Place& p : places) {
    auto [it, added] = homes.try_emplace(p.town, fmt::format("H{:02}", homes.size() + 1));
    if (added) {
      app::HomeInput home{it->second, p.town + "人大代表之家", p.town};
      LIAISON_RETURN_IF_ERROR(status_of(app::add_home(district, home)));
    }
    app::StationInput s;
    s.id = fmt::format("S{:03}", stations.size() + 1);
    s.name = p.spot + "代表联络站";
    s.home = it->second;
    s.kind = p.kind;
    s.township = p.town;
    s.voters = std::to_string(1500 + 137 * (stations.size() % 20));
    LIAISON_RETURN_IF_ERROR(status_of(app::add_station(district, s)));
    stations.push_back({s.id, p.town + p.spot});
  }
  return stations;
}

Result<std::string> provision_device(sync::Replica& district, const std::string& station,
                                     const std::string& spokesperson) {
  app::DeviceInput in{spokesperson.empty() ? "station" : "spokesperson", station, spokesperson};
  LIAISON_ASSIGN_OR_RETURN(app::NewDevice d, app::add_device(district, in));
  return d.token;
}

}  // namespace liaison::bench
