// A liaison station's month for the bad-link benchmark (bench_badlink.cpp): a district replica
// with the station and its device, the station's replica holding the month's opinions and
// reception days, and the month's photos as files, attached later by attach_photos. Everything
// is written through the app's own functions (input checks and change capture), as the clerk's
// commands write it. Not thread-safe (see Replica).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "shared/sync/replica.h"
#include "shared/util/status.h"

namespace liaison::bench {

struct MonthSize {
  size_t opinions = 300;
  size_t receptions = 12;  // reception days held, each with some of the opinions linked
  size_t photos = 20;
  size_t photo_bytes = 300'000;  // each photo is within 10 % of this
};

struct Month {
  std::string station_id, token;  // the station and its device's token
  uint64_t photo_bytes = 0;       // all the photos together
};

// Makes the month in dir, which must exist: district.db and station.db (both closed again when
// this returns) and the photos in dir/photos, JPEG files of incompressible bytes, the same for
// the same seed.
Result<Month> make_month(const std::string& dir, const MonthSize& size, uint64_t seed);

// Attaches the photos of dir/photos to the station's opinions (app::attach_file), the k-th
// photo to the k-th opinion by id, so two copies of the month get the same attachments.
Status attach_photos(sync::Replica& station, const std::string& dir, const MonthSize& size);

// OK when the district holds every opinion, reception day and (with photos) attachment row of
// the station exactly once, the whole verified content of every attachment in chunks with no gap
// and no overlap, and the station has nothing the district has not acknowledged; else Internal
// naming the first difference. REQUIRES: no server is using either replica.
Status check_month(sync::Replica& district, sync::Replica& station, const MonthSize& size,
                   bool photos);

}  // namespace liaison::bench
