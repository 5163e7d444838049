#include "shared/util/status.h"

#include "shared/util/i18n.h"

namespace liaison {

const char* code_name(Code code) {
  switch (code) {
    case Code::kOk: return "ok";
    case Code::kInvalidArgument: return "invalid_argument";
    case Code::kNotFound: return "not_found";
    case Code::kAlreadyExists: return "already_exists";
    case Code::kCorruption: return "corruption";
    case Code::kLimitExceeded: return "limit_exceeded";
    case Code::kSchemaTooNew: return "schema_too_new";
    case Code::kPermissionDenied: return "permission_denied";
    case Code::kIo: return "io";
    case Code::kInternal: return "internal";
  }
  return "unknown";
}

std::string Status::message(const std::string& lang) const {
  if (is_ok()) return "ok";
  std::string text = i18n::text(lang, key_);
  if (!detail_.empty()) text += (lang == "zh" ? "：" : ": ") + detail_;
  return text;
}

}  // namespace liaison
