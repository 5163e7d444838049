// The records as the programs show them: plain values read from a replica, with absent optional
// fields as nullopt. Writing goes through opinions.h and reference.h, never through these.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "shared/app/status.h"
#include "shared/sync/replica.h"

namespace liaison::app {

using OptText = std::optional<std::string>;

struct Opinion {
  std::string id, station, voter, matter, source, at, created_at, recorded_by;
  OptText phone, place, category, spokesperson, void_reason;
  OpinionStatus status = OpinionStatus::kRecorded;
};

struct Step {
  std::string id, opinion_id, step, at, recorded_by;
  OptText to, channel, note, by;
};

struct Amendment {
  std::string id, opinion_id, text, at, recorded_by;
  OptText by;
};

// A scan or photo attached to a record (attachments.h).
struct Attachment {
  std::string id, owner_table, owner_id, sha256, at;
  OptText station, mime, name;
  int64_t size = 0;
  bool present = false;  // the content is whole here (else it arrives with a later sync)
};

// One opinion with everything recorded beside it.
struct OpinionDetail {
  Opinion opinion;
  std::vector<Step> steps;             // in (at, id) order
  std::vector<Amendment> amendments;   // in (at, id) order
  std::vector<sync::Conflict> conflicts;  // open and decided, oldest first
  std::vector<Attachment> attachments;    // in (at, id) order
};

struct Home {
  std::string id, name, created_at;
  OptText township, void_reason;
};

struct Station {
  std::string id, name, created_at;
  OptText home, kind, township, void_reason;
  std::optional<int64_t> voters;
};

struct Deputy {
  std::string id, name, level, created_at;
  OptText home, station, work_unit, phone, void_reason;
  OptText gender, term_start, term_end;  // gender f or m; the term's dates, YYYY-MM-DD
};

struct Category {
  std::string id, name, created_at;
  OptText void_reason;
};

}  // namespace liaison::app
