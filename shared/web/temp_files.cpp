#include "shared/web/temp_files.h"

#include <stdlib.h>

#include <filesystem>

#include "shared/app/files.h"

namespace liaison::web {

namespace {

// The last path component of name, or "file" when that is empty, a dot name, too long or has
// control characters.
std::string safe_name(const std::string& name) {
  std::string base = name.substr(name.find_last_of("/\\") == std::string::npos
                                     ? 0
                                     : name.find_last_of("/\\") + 1);
  if (base.empty() || base.front() == '.' || base.front() == '-' || base.size() > 200)
    return "file";
  for (unsigned char c : base) {
    if (c < 0x20 || c == 0x7f) return "file";
  }
  return base;
}

Result<std::string> private_dir() {
  std::error_code ec;
  std::string pattern = (std::filesystem::temp_directory_path(ec) / "liaison-web-XXXXXX").string();
  if (ec) pattern = "/tmp/liaison-web-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr)
    return Status(Code::kIo, "err.file", "cannot make a temporary directory");
  return pattern;
}

}  // namespace

Result<TempFile> TempFile::reserve(const std::string& name) {
  LIAISON_ASSIGN_OR_RETURN(std::string dir, private_dir());
  return TempFile(dir, dir + "/" + safe_name(name));
}

Result<TempFile> TempFile::create(const std::string& name, const std::string& bytes) {
  LIAISON_ASSIGN_OR_RETURN(TempFile file, reserve(name));
  LIAISON_RETURN_IF_ERROR(app::write_new_file(file.path(), bytes));
  return file;
}

TempFile::TempFile(TempFile&& other) noexcept
    : dir_(std::move(other.dir_)), path_(std::move(other.path_)) {
  other.dir_.clear();
}

TempFile::~TempFile() {
  if (dir_.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

Result<std::string> TempFile::read() const { return app::read_file(path_, size_t{256} << 20); }

}  // namespace liaison::web
