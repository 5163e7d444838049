// A district for the sync benchmarks: the district replica with a deputies' home per town and a
// liaison station per community or village of a places file (tools/data/places.txt:
// town<TAB>community-or-village<TAB>kind per line), and devices provisioned on it.
// Not thread-safe (see Replica).
#pragma once

#include <string>
#include <vector>

#include "shared/sync/replica.h"
#include "shared/util/status.h"

namespace liaison::bench {

struct Place {
  std::string town, spot, kind;  // kind: community or village
};

// The places of file in file order; an error when it cannot be read or holds none.
Result<std::vector<Place>> load_places(const std::string& file);

struct StationRef {
  std::string id;     // "S001", in places order
  std::string place;  // town and spot, as typed on an opinion
};

// Adds the homes and stations of places to a district replica; returns the stations in order.
Result<std::vector<StationRef>> add_district_stations(sync::Replica& district,
                                                      const std::vector<Place>& places);

// Provisions a device on the district replica and returns its token. An empty spokesperson
// makes a station device.
Result<std::string> provision_device(sync::Replica& district, const std::string& station,
                                     const std::string& spokesperson = {});

}  // namespace liaison::bench
