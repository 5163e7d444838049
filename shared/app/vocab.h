// The closed vocabularies of the domain: opinion sources, handling steps, legal channels, deputy
// levels and station kinds. The English names are what is stored and what JSON shows; people
// see them through the catalogue (label.source.visit, label.step.referred, ...).
#pragma once

#include <array>
#include <span>
#include <string_view>

namespace liaison::app {

inline constexpr std::array<std::string_view, 8> kSources = {
    "visit", "reception", "mailbox", "forum", "survey", "email", "phone", "other"};
inline constexpr std::array<std::string_view, 8> kSteps = {
    "reported", "explained", "referred", "redirected", "motion", "replied", "closed", "reopened"};
// The legal channels a "redirected" step names (依法反映).
inline constexpr std::array<std::string_view, 5> kChannels = {
    "litigation", "reconsideration", "arbitration", "petition", "complaint"};
inline constexpr std::array<std::string_view, 3> kLevels = {"city", "district", "township"};
inline constexpr std::array<std::string_view, 4> kStationKinds = {
    "community", "village", "enterprise", "park"};

inline bool is_one_of(std::span<const std::string_view> set, std::string_view value) {
  for (std::string_view s : set)
    if (s == value) return true;
  return false;
}

}  // namespace liaison::app
