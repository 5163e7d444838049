// The district dashboard's accounts (`liaison-server user ...`, docs/web.md), in _web_user
// (schema/0009_web_users.sql): passwords kept only as PBKDF2-HMAC-SHA256 with a random salt, and
// a short lock after too many failed sign-ins in a row. Local to the database, never synced.
#pragma once

#include <string>
#include <vector>

#include "shared/sync/replica.h"

namespace liaison::app {

struct WebUser {
  std::string name, created_at;
  int failed = 0;            // failed sign-ins in a row
  std::string locked_until;  // empty when not locked
};

inline constexpr int kPasswordRounds = 200000;
inline constexpr int kMaxFailedSignIns = 5;  // then one minute's wait before the next attempt

// A name is 1 to 64 characters without spaces or control characters; a password 8 to 1024
// bytes. InvalidArgument err.bad_user_name / err.bad_password otherwise.
Status check_user_name(const std::string& name);
Status check_password(const std::string& password);

// AlreadyExists when the name is taken.
Status add_web_user(sync::Replica& replica, const std::string& name, const std::string& password);
// NotFound when there is no such account. Also clears a lock.
Status set_web_password(sync::Replica& replica, const std::string& name,
                        const std::string& password);
Status remove_web_user(sync::Replica& replica, const std::string& name);
Result<std::vector<WebUser>> list_web_users(sync::Replica& replica);

// Checks a sign-in at now_ms (Unix milliseconds): OK when the password is right (and resets the
// failed count); PermissionDenied err.sign_in_failed for an unknown name or a wrong password (which
// counts a failure), err.sign_in_locked while the account waits after kMaxFailedSignIns.
Status sign_in(sync::Replica& replica, const std::string& name, const std::string& password,
               int64_t now_ms);

}  // namespace liaison::app
