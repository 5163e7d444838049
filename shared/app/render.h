// Printing results the way both programs do: the JSON of json.h with --json, otherwise tables
// and labelled lines for people, every word from the message catalogue. Not thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "shared/app/model.h"
#include "shared/app/output.h"
#include "shared/sync/replica.h"

namespace liaison::app {

// {"id": id}, or the message for message_key followed by the id.
void print_new_id(Output& out, std::string_view message_key, const std::string& id);

void print_opinion_list(Output& out, const std::vector<Opinion>& opinions);
void print_opinion(Output& out, const Opinion& opinion);
void print_opinion_detail(Output& out, const OpinionDetail& detail);

void print_conflict_list(Output& out, const std::vector<sync::Conflict>& conflicts);
void print_conflict(Output& out, const sync::Conflict& conflict);

void print_home_list(Output& out, const std::vector<Home>& homes);
void print_home(Output& out, const Home& home);
void print_station_list(Output& out, const std::vector<Station>& stations);
void print_station(Output& out, const Station& station);
void print_deputy_list(Output& out, const std::vector<Deputy>& deputies);
void print_deputy(Output& out, const Deputy& deputy);

void print_apply_stats(Output& out, const sync::ApplyStats& stats);
// After init: {"replica": ..., "station": ..., "role": ...}, or a message and those fields.
void print_replica_created(Output& out, const sync::ReplicaInfo& info);

// The catalogue text for a vocabulary word: label.<group>.<word>, or the word itself when the
// catalogue has no entry (a value from a newer program).
std::string vocab_text(const Output& out, std::string_view group, std::string_view word);

}  // namespace liaison::app
