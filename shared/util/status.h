// Status and Result<T>: how core code reports failure without exceptions.
//
// A Status is a code from one closed enum, a message key from the message catalogue
// (shared/util/i18n.h) and an optional detail (an id, a field name, a number) that is shown
// after the translated text. Status{} is OK. Result<T> holds either a T or a non-OK Status.
// Both are cheap to move and safe to copy; neither is thread-safe to mutate concurrently.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace liaison {

enum class Code {
  kOk = 0,
  kInvalidArgument,  // bad input from a person or a script
  kNotFound,         // an id that does not exist
  kAlreadyExists,    // refusing to overwrite
  kCorruption,       // malformed bytes from a file or a peer
  kLimitExceeded,    // input over a documented limit
  kSchemaTooNew,     // a replica written by a newer program
  kPermissionDenied, // outside the writer's scope
  kIo,               // the file system or SQLite failed
  kInternal,         // a bug: an invariant did not hold
};

const char* code_name(Code code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Code code, std::string key, std::string detail = {})
      : code_(code), key_(std::move(key)), detail_(std::move(detail)) {}

  static Status ok() { return {}; }
  static Status invalid(std::string key, std::string detail = {}) {
    return {Code::kInvalidArgument, std::move(key), std::move(detail)};
  }
  static Status not_found(std::string key, std::string detail = {}) {
    return {Code::kNotFound, std::move(key), std::move(detail)};
  }
  static Status corruption(std::string detail) {
    return {Code::kCorruption, "err.corrupt", std::move(detail)};
  }
  static Status limit(std::string detail) {
    return {Code::kLimitExceeded, "err.limit", std::move(detail)};
  }
  static Status io(std::string detail) { return {Code::kIo, "err.io", std::move(detail)}; }
  static Status internal(std::string detail) {
    return {Code::kInternal, "err.internal", std::move(detail)};
  }

  bool is_ok() const { return code_ == Code::kOk; }
  explicit operator bool() const { return is_ok(); }
  Code code() const { return code_; }
  const std::string& key() const { return key_; }
  const std::string& detail() const { return detail_; }

  // The message in the given language ("zh" or "en"), with the detail appended.
  std::string message(const std::string& lang = "en") const;

 private:
  Code code_ = Code::kOk;
  std::string key_;
  std::string detail_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(v_).is_ok());
  }

  bool is_ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return is_ok(); }
  // REQUIRES: is_ok()
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  // REQUIRES: !is_ok()
  const Status& status() const { return std::get<Status>(v_); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace liaison

#define LIAISON_CONCAT_INNER(a, b) a##b
#define LIAISON_CONCAT(a, b) LIAISON_CONCAT_INNER(a, b)

// Returns early from the enclosing function when a Status is not OK.
#define LIAISON_RETURN_IF_ERROR(expr) \
  LIAISON_RETURN_IF_ERROR_IMPL(LIAISON_CONCAT(liaison_s_, __COUNTER__), expr)
#define LIAISON_RETURN_IF_ERROR_IMPL(tmp, expr) \
  do {                                         \
    ::liaison::Status tmp = (expr);            \
    if (!tmp.is_ok()) return tmp;              \
  } while (0)

// Assigns the value of a Result to lhs, or returns its Status from the enclosing function.
#define LIAISON_ASSIGN_OR_RETURN(lhs, expr) \
  LIAISON_ASSIGN_OR_RETURN_IMPL(LIAISON_CONCAT(liaison_r_, __COUNTER__), lhs, expr)
#define LIAISON_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.is_ok()) return tmp.status();             \
  lhs = std::move(tmp).value()
