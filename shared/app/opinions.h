// Writing opinion records and what is recorded beside them: new opinions, edits of the editable
// fields, amendments, handling steps and voiding. Every function checks all of its input before
// it writes, and writes in one Replica::write(), so a failure leaves the replica as it was.
// The matter is evidence: it is stored exactly as typed and no function here can change it.
// Not thread-safe (see Replica).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "shared/sync/replica.h"
#include "shared/util/status.h"

namespace liaison::app {

// A new opinion as typed; empty strings mean "not given".
struct OpinionInput {
  std::string voter;         // required, stored trimmed
  std::string matter;        // required, stored verbatim
  std::string phone, place, category;
  std::string source;        // one of kSources; default visit or reception (see below)
  std::string spokesperson;  // the spokesperson who took it down
  std::string at;            // ISO 8601 time or date; default now
};

// Checks in and returns the fields of a new opinion row recorded on this device at time now.
// The source defaults to "visit" when a spokesperson is named or the device is a spokesperson's
// (whose id is then the default spokesperson), else "reception". Errors: err.empty (voter,
// matter), err.bad_phone, err.bad_source, err.bad_time, err.bad_id, err.utf8, and
// PermissionDenied err.no_station on a device without a station.
Result<sync::Fields> new_opinion_fields(const OpinionInput& in, const sync::ReplicaInfo& info,
                                        const std::string& now);

// Records one opinion; returns its new id.
Result<std::string> add_opinion(sync::Replica& replica, const OpinionInput& in);
// Records many opinions (fields from new_opinion_fields) in one write: all or none. also, when
// set, runs inside that write after the rows; its failure undoes them.
Result<std::vector<std::string>> add_opinions(sync::Replica& replica,
                                              const std::vector<sync::Fields>& rows,
                                              const std::function<Status()>& also = {});

// Changes to the editable fields; nullopt leaves a field alone, an empty string clears it
// (except the voter, which cannot be empty).
struct OpinionEdit {
  std::optional<std::string> category, phone, place, voter;
};
// NotFound err.not_found for an unknown id; err.nothing_to_set when edit changes no field.
Status set_opinion(sync::Replica& replica, const std::string& id, const OpinionEdit& edit);

struct StepInput {
  std::string step;     // one of kSteps
  std::string to;       // the organisation referred to
  std::string channel;  // one of kChannels; required by, and only allowed with, "redirected"
  std::string note;
  std::string by;       // who took the step (a deputy or spokesperson id)
};
// Appends a handling step; returns its id. err.bad_step, err.bad_channel, err.channel_needed,
// err.channel_only_redirected, NotFound for an unknown opinion; err.step_on_void,
// err.step_on_closed, err.reopen_unsettled, err.close_unhandled for a step that makes no sense
// for the opinion's current status here (status.h step_refusal).
Result<std::string> add_step(sync::Replica& replica, const std::string& opinion_id,
                             const StepInput& in);

// Appends an amendment (text stored verbatim) beside the opinion; returns its id.
Result<std::string> add_amendment(sync::Replica& replica, const std::string& opinion_id,
                                  const std::string& text, const std::string& by);

// Marks the opinion void with a reason; the record stays. Voiding it again is refused
// (InvalidArgument err.already_void): the first reason is never replaced.
Status void_opinion(sync::Replica& replica, const std::string& id, const std::string& reason);

}  // namespace liaison::app
