// The JSON shapes the programs print with --json (keys and enum values in English, text as is)
// and read back (version vectors). Pure functions, thread-safe.
#pragma once

#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "shared/app/model.h"
#include "shared/sync/replica.h"

namespace liaison::app {

// Objects keep their keys in the documented order ("id" first), which people reading --json
// output appreciate; parsers do not care.
using Json = nlohmann::ordered_json;

// null, a number or a string.
Json to_json(const Value& value);
// {id, station, voter, phone, place, matter, category, source, at, status, spokesperson,
//  void_reason, created_at, recorded_by}
Json to_json(const Opinion& opinion);
Json to_json(const std::vector<Opinion>& opinions);
// The opinion object plus "steps", "amendments", "conflicts" and "attachments".
Json to_json(const OpinionDetail& detail);
// {id, sha256, size, mime, name, at, present}; present: the content is here.
Json to_json(const Attachment& attachment);
// {id, step, to, channel, note, by, at, recorded_by}
Json to_json(const Step& step);
// {id, text, by, at, recorded_by}
Json to_json(const Amendment& amendment);
// {id, table, row, field, kind, kept: {value, hlc, origin}, lost: {...}, detected_at,
//  decision, decided_at}; decision is null while the conflict is open.
Json to_json(const sync::Conflict& conflict);
Json to_json(const std::vector<sync::Conflict>& conflicts);
Json to_json(const Home& home);
Json to_json(const Station& station);
Json to_json(const Deputy& deputy);
// {applied, duplicates, pending, conflicts, refused, gaps}
Json to_json(const sync::ApplyStats& stats);
// {"<origin uuid>": seq, ...}
Json to_json(const sync::VersionVector& vv);

// Parses {"<origin uuid>": seq, ...}; InvalidArgument err.bad_vector for anything else.
Result<sync::VersionVector> vector_from_json(std::string_view text);

}  // namespace liaison::app
