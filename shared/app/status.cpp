#include "shared/app/status.h"

#include <algorithm>
#include <array>
#include <utility>

namespace liaison::app {

namespace {

constexpr std::array<std::pair<OpinionStatus, const char*>, 9> kNames = {{
    {OpinionStatus::kRecorded, "recorded"},
    {OpinionStatus::kReported, "reported"},
    {OpinionStatus::kExplained, "explained"},
    {OpinionStatus::kReferred, "referred"},
    {OpinionStatus::kRedirected, "redirected"},
    {OpinionStatus::kMotion, "motion"},
    {OpinionStatus::kReplied, "replied"},
    {OpinionStatus::kClosed, "closed"},
    {OpinionStatus::kVoid, "void"},
}};

// The status a step leads to, or nullopt for a step name this program does not know.
std::optional<OpinionStatus> after_step(std::string_view step) {
  if (step == "reopened") return OpinionStatus::kReported;
  auto s = parse_status(step);
  if (!s || *s == OpinionStatus::kRecorded || *s == OpinionStatus::kVoid) return std::nullopt;
  return s;
}

}  // namespace

const char* status_name(OpinionStatus status) {
  for (const auto& [s, name] : kNames)
    if (s == status) return name;
  return "recorded";
}

std::optional<OpinionStatus> parse_status(std::string_view name) {
  for (const auto& [s, n] : kNames)
    if (name == n) return s;
  return std::nullopt;
}

bool is_settled(OpinionStatus status) {
  return status == OpinionStatus::kReplied || status == OpinionStatus::kClosed ||
         status == OpinionStatus::kVoid;
}

OpinionStatus derive_status(std::vector<StepEvent> steps, bool is_void) {
  if (is_void) return OpinionStatus::kVoid;
  std::sort(steps.begin(), steps.end(), [](const StepEvent& a, const StepEvent& b) {
    return a.at != b.at ? a.at < b.at : a.id < b.id;
  });
  OpinionStatus status = OpinionStatus::kRecorded;
  for (const StepEvent& e : steps)
    if (auto next = after_step(e.step)) status = *next;
  return status;
}

const char* step_refusal(OpinionStatus current, std::string_view step) {
  if (current == OpinionStatus::kVoid) return "err.step_on_void";
  if (step == "reopened") {
    bool settled = current == OpinionStatus::kReplied || current == OpinionStatus::kClosed;
    return settled ? nullptr : "err.reopen_unsettled";
  }
  if (current == OpinionStatus::kClosed) return "err.step_on_closed";
  if (step == "closed" &&
      (current == OpinionStatus::kRecorded || current == OpinionStatus::kReported))
    return "err.close_unhandled";
  return nullptr;
}

}  // namespace liaison::app
