// Opinion status derivation. The status of an opinion is never stored: it follows from its
// append-only handling steps (table opinion_step) and its void mark, so that steps added on
// different devices merge without conflict and every replica derives the same status.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace liaison::app {

enum class OpinionStatus {
  kRecorded, kReported, kExplained, kReferred, kRedirected, kMotion, kReplied, kClosed, kVoid
};

// The English name used in JSON and in --status ("recorded", ..., "void").
const char* status_name(OpinionStatus status);
std::optional<OpinionStatus> parse_status(std::string_view name);
// True for the statuses that end the handling (replied, closed) or the record (void).
bool is_settled(OpinionStatus status);

// One handling step as far as the status is concerned.
struct StepEvent {
  std::string at;    // ISO 8601, as stored
  std::string id;    // breaks ties between steps with the same time
  std::string step;  // one of kSteps; unknown names (from a newer program) are ignored
};

// Steps are taken in (at, id) order starting from "recorded": reported -> reported;
// explained, referred, redirected, motion -> that name; replied -> replied; closed -> closed;
// reopened -> reported. A voided opinion is "void" whatever its steps.
OpinionStatus derive_status(std::vector<StepEvent> steps, bool is_void);

// Whether a step makes sense for an opinion in status `current` on this device: nothing is
// added to a void opinion; a closed one takes only `reopened`; `reopened` needs a replied or
// closed opinion; `closed` needs one that was handled (not just recorded or reported). Returns
// the catalogue key of the reason, or nullptr when the step may be added. Steps added
// concurrently on other devices can still meet in any order: derive_status() takes them all.
const char* step_refusal(OpinionStatus current, std::string_view step);

}  // namespace liaison::app
