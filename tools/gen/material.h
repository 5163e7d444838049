// The material the generator draws records from: typical opinion texts by category
// (tools/data/matters.txt) and the district's towns, communities and villages
// (tools/data/places.txt), both copied from the project's sample data, plus invented personal
// names, work units and visit notes. Every draw takes the generator's seeded engine, so the
// same seed gives the same records. Not thread-safe (the engine).
#pragma once

#include <random>
#include <string>
#include <vector>

#include "shared/util/status.h"

namespace liaison::gen {

using Engine = std::mt19937_64;

struct Matter {
  std::string category, text;
};

struct Place {
  std::string town, spot, kind;  // kind: community or village
};

class Material {
 public:
  // Reads matters.txt and places.txt from dir. InvalidArgument when a file is missing, empty
  // or has a malformed line (the detail names the file and line).
  static Result<Material> load(const std::string& dir);

  const std::vector<Place>& places() const { return places_; }
  // The categories in the order matters.txt first names them.
  const std::vector<std::string>& categories() const { return categories_; }

  // A voter's opinion as a spokesperson writes it down: a typical matter, sometimes with the
  // voter's own opening and closing words, about a spot of the station's town.
  Matter opinion(Engine& e, const Place& station) const;
  // Where the voter lives: a spot of the station's town, written town + spot.
  std::string place_of(Engine& e, const Place& station) const;

 private:
  std::vector<Matter> matters_;
  std::vector<Place> places_;
  std::vector<std::string> categories_;
};

// Invented people: a full name of the gender ('f' or 'm').
std::string person_name(Engine& e, char gender);
// A phone number of the obviously fake 1380000xxxx pattern.
std::string fake_phone(Engine& e);
// A deputy's work unit in the station's town.
std::string work_unit(Engine& e, const Place& station);
// A spokesperson's note on a visit round.
std::string visit_note(Engine& e);
// A reception day's topic.
std::string reception_topic(Engine& e, int month);

// A uniformly drawn index below n (REQUIRES: n > 0), and a draw that is true with probability p.
size_t pick(Engine& e, size_t n);
bool chance(Engine& e, double p);
// A uniform whole number in [lo, hi].
int64_t between(Engine& e, int64_t lo, int64_t hi);

}  // namespace liaison::gen
