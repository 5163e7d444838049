// A fresh directory under the system temp dir for one test, removed with everything in it when
// the object is destroyed. Not copyable; not thread-safe.
#pragma once

#include <filesystem>
#include <string>

namespace liaison::test {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // The path of name inside the directory (the file need not exist).
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// The whole content of a file, or an empty string when it cannot be read.
std::string read_file_bytes(const std::string& path);

}  // namespace liaison::test
