// A file in a private directory of its own under the system's temporary directory, for
// handing an upload to `attach` or taking a download from `attachment get` and the reports.
// The directory and the file are removed when the TempFile is destroyed. Move-only.
#pragma once

#include <string>

#include "shared/util/status.h"

namespace liaison::web {

class TempFile {
 public:
  // Writes bytes to a new file named name (only its last path component is kept; an empty or
  // odd name becomes "file"), so the command sees the person's file name.
  static Result<TempFile> create(const std::string& name, const std::string& bytes);
  // A path named name in a new private directory, with no file there yet.
  static Result<TempFile> reserve(const std::string& name);

  TempFile(TempFile&& other) noexcept;
  TempFile& operator=(TempFile&&) = delete;
  TempFile(const TempFile&) = delete;
  ~TempFile();

  const std::string& path() const { return path_; }
  // The file's bytes (at most 256 MiB).
  Result<std::string> read() const;

 private:
  TempFile(std::string dir, std::string path) : dir_(std::move(dir)), path_(std::move(path)) {}
  std::string dir_, path_;
};

}  // namespace liaison::web
