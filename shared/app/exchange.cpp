#include "shared/app/exchange.h"

#include "shared/app/files.h"
#include "shared/app/json.h"
#include "shared/wire/changeset.h"

namespace liaison::app {

namespace {

// A version vector file is small: one line per replica of the district.
constexpr size_t kMaxVectorBytes = size_t{16} << 20;

}  // namespace

Result<size_t> export_changes(sync::Replica& replica, const std::string& out_path,
                              const std::optional<std::string>& since_path) {
  sync::VersionVector since;
  if (since_path) {
    LIAISON_ASSIGN_OR_RETURN(std::string text, read_file(*since_path, kMaxVectorBytes));
    LIAISON_ASSIGN_OR_RETURN(since, vector_from_json(text));
  }
  // A larger backlog goes out in several files: the receiver's next vector asks for the rest.
  LIAISON_ASSIGN_OR_RETURN(wire::Changeset cs,
                           replica.changes_since(since, wire::Limits{}.max_changes));
  LIAISON_RETURN_IF_ERROR(write_file_atomic(out_path, wire::encode(cs)));
  return cs.changes.size();
}

Result<sync::ApplyStats> import_changes(sync::Replica& replica, const std::string& path) {
  wire::Limits limits;
  LIAISON_ASSIGN_OR_RETURN(std::string bytes, read_file(path, limits.max_bytes));
  LIAISON_ASSIGN_OR_RETURN(wire::Changeset cs, wire::decode(bytes, limits));
  return replica.apply(std::move(cs));
}

}  // namespace liaison::app
