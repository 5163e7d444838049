#include "shared/app/files.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

namespace liaison::app {

namespace {

Status file_error(const std::string& path, int err) {
  return Status(Code::kIo, "err.file", fmt::format("{} ({})", path, std::strerror(err)));
}

// Writes all of bytes to fd, retrying short writes and interruptions.
bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

Result<std::string> read_file(const std::string& path, size_t max_bytes) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Status::invalid("err.file_missing", path);
  if (std::filesystem::is_directory(path, ec)) return file_error(path, EISDIR);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return file_error(path, errno);
  std::string out;
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return file_error(path, err);
    }
    if (n == 0) break;
    if (out.size() + static_cast<size_t>(n) > max_bytes) {
      ::close(fd);
      return Status::limit(fmt::format("{} > {} bytes", path, max_bytes));
    }
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

namespace {

// Writes bytes to a temporary file beside path and moves it into place: renamed over any file
// at path, or (no_clobber) linked only where there is none.
Status write_beside(const std::string& path, std::string_view bytes, bool no_clobber) {
  std::string tmp = fmt::format("{}.tmp.{}", path, ::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return file_error(path, errno);
  bool ok = write_all(fd, bytes) && ::fsync(fd) == 0;
  int err = errno;
  if (::close(fd) != 0 && ok) {
    ok = false;
    err = errno;
  }
  bool placed = false;
  if (ok && no_clobber) {
    // link() fails when path exists, so no file that appeared meanwhile is replaced. File
    // systems without hard links (FAT on USB sticks) fall back to a rename after a last check.
    if (::link(tmp.c_str(), path.c_str()) == 0) {
      placed = true;
      ::unlink(tmp.c_str());
    } else if (errno == EEXIST || ::access(path.c_str(), F_OK) == 0) {
      ok = false;
      err = EEXIST;
    }
  }
  if (ok && !placed && ::rename(tmp.c_str(), path.c_str()) != 0) {
    ok = false;
    err = errno;
  }
  if (!ok) {
    ::unlink(tmp.c_str());
    if (err == EEXIST) return Status(Code::kAlreadyExists, "err.file_exists", path);
    return file_error(path, err);
  }
  // Make the new entry itself durable: flush the directory.
  std::string dir = std::filesystem::path(path).parent_path().string();
  int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    (void)::fsync(dfd);
    ::close(dfd);
  }
  return {};
}

}  // namespace

Status write_file_atomic(const std::string& path, std::string_view bytes) {
  return write_beside(path, bytes, false);
}

Status write_new_file(const std::string& path, std::string_view bytes) {
  std::error_code ec;
  if (std::filesystem::exists(std::filesystem::symlink_status(path, ec)))
    return Status(Code::kAlreadyExists, "err.file_exists", path);
  return write_beside(path, bytes, true);
}

}  // namespace liaison::app
