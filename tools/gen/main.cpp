// liaison-gen: fills a district replica and its stations' replicas with a year of realistic
// records (see tools/gen/year.h), reproducibly by seed, through the app functions the programs
// use. Prints a JSON summary of what each replica holds; on failure, one line on stderr and exit
// status 1 (2 for bad options).
//
//   liaison-gen --out DIR [--stations N] [--opinions N] [--spokespersons N] [--seed N]
//               [--year YYYY] [--data DIR]
//
// DIR gets district.db and one S01.db, S02.db, ... per station; existing replicas are not
// overwritten. --opinions and --spokespersons are per station.
#include <filesystem>
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "tools/gen/material.h"
#include "tools/gen/timeline.h"
#include "tools/gen/world.h"
#include "tools/gen/year.h"

namespace liaison::gen {
namespace {

constexpr const char* kTables[] = {"home",       "station",          "deputy",    "category",
                                   "spokesperson", "opinion",        "opinion_step",
                                   "activity",   "attendance",       "activity_opinion",
                                   "visit",      "deputy_report"};

Result<nlohmann::ordered_json> counts(sync::Replica& r) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const char* table : kTables) {
    LIAISON_ASSIGN_OR_RETURN(storage::Stmt q,
                             r.db().prepare(std::string("SELECT COUNT(*) FROM ") + table));
    LIAISON_ASSIGN_OR_RETURN(bool found, q.step());
    out[table] = found ? q.column_int(0) : 0;
  }
  return out;
}

Result<nlohmann::ordered_json> generate(const Options& options) {
  LIAISON_ASSIGN_OR_RETURN(Material material, Material::load(options.data_dir));
  std::error_code ec;
  std::filesystem::create_directories(options.out_dir, ec);
  if (ec) return Status::io(options.out_dir + ": " + ec.message());
  Engine engine(options.seed);
  LIAISON_ASSIGN_OR_RETURN(std::unique_ptr<World> world, World::create(options, material, engine));
  Year year(*world, material, engine, options);
  Timeline timeline;
  year.schedule(timeline);
  LIAISON_RETURN_IF_ERROR(timeline.run(world->clock(), year.end_ms()));
  // The last sync of the year: twice, so that what one station sends reaches the others' view
  // of the district and every replica ends with the district's reference data.
  for (int round = 0; round < 2; ++round)
    for (size_t s = 0; s < world->stations().size(); ++s)
      LIAISON_RETURN_IF_ERROR(world->sync_station(s));
  nlohmann::ordered_json summary = {{"seed", options.seed},
                                    {"year", options.year},
                                    {"actions", timeline.size()}};
  LIAISON_ASSIGN_OR_RETURN(nlohmann::ordered_json district, counts(world->district()));
  summary["district"] = {{"path", world->district_path()}, {"rows", district}};
  nlohmann::ordered_json stations = nlohmann::ordered_json::array();
  for (size_t s = 0; s < world->stations().size(); ++s) {
    LIAISON_ASSIGN_OR_RETURN(nlohmann::ordered_json rows, counts(world->station(s)));
    stations.push_back({{"id", world->stations()[s].id},
                        {"path", world->stations()[s].path},
                        {"rows", rows}});
  }
  summary["stations"] = stations;
  return summary;
}

}  // namespace
}  // namespace liaison::gen

int main(int argc, char** argv) {
  liaison::gen::Options options;
  options.data_dir = LIAISON_GEN_DATA;
  CLI::App app("liaison-gen: a year of realistic records for a district and its stations");
  app.add_option("--out", options.out_dir, "directory for district.db and the stations' files")
      ->required();
  app.add_option("--stations", options.stations, "stations (1 to the places in places.txt)");
  app.add_option("--opinions", options.opinions, "opinions per station")
      ->check(CLI::Range(0, 1'000'000));
  app.add_option("--spokespersons", options.spokespersons, "spokespersons per station")
      ->check(CLI::Range(1, 1000));
  app.add_option("--seed", options.seed, "seed of every random choice");
  app.add_option("--year", options.year, "the year the records cover")
      ->check(CLI::Range(2000, 2100));
  app.add_option("--data", options.data_dir, "directory with matters.txt and places.txt");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  liaison::Result<nlohmann::ordered_json> summary = liaison::gen::generate(options);
  if (!summary) {
    std::cerr << "liaison-gen: " << summary.status().message("en") << "\n";
    return 1;
  }
  std::cout << summary->dump(2) << "\n";
  return 0;
}
