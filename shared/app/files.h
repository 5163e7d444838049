// Reading and writing whole files for imports and exports. A file is written atomically: to a
// temporary file beside it, flushed to disk, then renamed over the target, so a reader (or a
// crash) sees the old file or the new one, never half of one.
#pragma once

#include <string>
#include <string_view>

#include "shared/util/status.h"

namespace liaison::app {

// The file's bytes. InvalidArgument err.file_missing when it does not exist, LimitExceeded when
// it is larger than max_bytes, Io err.file for other failures; the detail names the path.
Result<std::string> read_file(const std::string& path, size_t max_bytes);

// Replaces (or creates) the file at path with bytes. Io err.file on failure, leaving any
// previous file at path as it was.
Status write_file_atomic(const std::string& path, std::string_view bytes);

// Creates the file at path with bytes, atomically as above, but never over an existing file:
// AlreadyExists err.file_exists when there is one (even one that appears while writing).
Status write_new_file(const std::string& path, std::string_view bytes);

}  // namespace liaison::app
