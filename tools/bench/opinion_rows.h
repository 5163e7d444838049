// Opinions for the sync benchmarks, written the way a device writes them (app::new_opinion_fields
// then app::add_opinions: input checks and change capture), and the baselines they are measured
// against: the same values inserted with plain SQLite, and their bare msgpack size.
// Not thread-safe (see Replica); separate replicas may be used from separate threads.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "shared/sync/replica.h"
#include "shared/util/env.h"
#include "shared/util/status.h"

namespace liaison::bench {

// Opinion rows as stored: values by column index of the opinion table ([0] is the id).
using OpinionRows = std::vector<std::vector<Value>>;

// Records n opinions on replica (a station or spokesperson device) in one write: voters, phones,
// categories and texts of about 480 bytes drawn from tools/bench/corpus.h with random. place,
// when given, is where every opinion was taken down; else places are drawn too. Returns the
// new ids.
Result<std::vector<std::string>> write_opinions(sync::Replica& replica, size_t n, Random& random,
                                                const std::string& place = {});

// Every opinion row of replica, ordered by id.
Result<OpinionRows> read_opinions(sync::Replica& replica);

// The physical limit the sync rates are compared with: rows inserted into a fresh SQLite file
// (which must not exist) holding a table of the same columns, primary key and (station_id, at)
// index, with one prepared statement in one transaction, WAL, synchronous=NORMAL and the 64 MiB
// page cache the programs use. Returns rows per second; an error when SQLite fails.
Result<double> raw_insert_rate(const OpinionRows& rows, const std::string& file);

// The bytes of the rows as bare msgpack arrays of their values, one array per row.
std::string raw_msgpack(const OpinionRows& rows);

}  // namespace liaison::bench
