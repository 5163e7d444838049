#include "shared/app/web_users.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>


#include "shared/app/parse.h"
#include "shared/util/hlc.h"

namespace liaison::app {

namespace {

constexpr size_t kSaltBytes = 16, kHashBytes = 32;

Result<std::string> derive(const std::string& password, const std::string& salt, int rounds) {
  std::string out(kHashBytes, '\0');
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                        reinterpret_cast<const unsigned char*>(salt.data()),
                        static_cast<int>(salt.size()), rounds, EVP_sha256(),
                        static_cast<int>(out.size()),
                        reinterpret_cast<unsigned char*>(out.data())) != 1)
    return Status::internal("PBKDF2 failed");
  return out;
}

Result<std::pair<std::string, std::string>> new_salted_hash(const std::string& password) {
  std::string salt(kSaltBytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(salt.data()), static_cast<int>(salt.size())) !=
      1)
    return Status::internal("RAND_bytes failed");
  LIAISON_ASSIGN_OR_RETURN(std::string hash, derive(password, salt, kPasswordRounds));
  return std::make_pair(std::move(salt), std::move(hash));
}

std::string iso(int64_t ms) { return Hlc::to_string(Hlc::pack(ms, 0)); }

}  // namespace

Status check_user_name(const std::string& name) {
  if (name.empty() || name.size() > 64) return Status::invalid("err.bad_user_name", name);
  for (unsigned char c : name) {
    if (c <= 0x20 || c == 0x7f) return Status::invalid("err.bad_user_name", name);
  }
  if (!is_utf8(name)) return Status::invalid("err.utf8", "user");
  return {};
}

Status check_password(const std::string& password) {
  if (password.size() < 8 || password.size() > 1024) return Status::invalid("err.bad_password");
  return {};
}

Status add_web_user(sync::Replica& replica, const std::string& name, const std::string& password) {
  LIAISON_RETURN_IF_ERROR(check_user_name(name));
  LIAISON_RETURN_IF_ERROR(check_password(password));
  LIAISON_ASSIGN_OR_RETURN(auto salted, new_salted_hash(password));
  storage::Db& db = replica.db();
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt q, db.prepare("SELECT 1 FROM _web_user WHERE name = ?"));
  q.bind(1, name);
  LIAISON_ASSIGN_OR_RETURN(bool taken, q.step());
  if (taken) return Status(Code::kAlreadyExists, "err.user_exists", name);
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt ins,
                           db.prepare("INSERT INTO _web_user (name, salt, hash, rounds, "
                                      "created_at) VALUES (?, ?, ?, ?, ?)"));
  ins.bind(1, name).bind_blob(2, salted.first).bind_blob(3, salted.second);
  ins.bind(4, int64_t{kPasswordRounds}).bind(5, replica.now_iso());
  return ins.run();
}

Status set_web_password(sync::Replica& replica, const std::string& name,
                        const std::string& password) {
  LIAISON_RETURN_IF_ERROR(check_password(password));
  LIAISON_ASSIGN_OR_RETURN(auto salted, new_salted_hash(password));
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt q,
                           replica.db().prepare("UPDATE _web_user SET salt = ?, hash = ?, "
                                                "rounds = ?, failed = 0, locked_until = NULL "
                                                "WHERE name = ?"));
  q.bind_blob(1, salted.first).bind_blob(2, salted.second).bind(3, int64_t{kPasswordRounds});
  q.bind(4, name);
  LIAISON_RETURN_IF_ERROR(q.run());
  if (replica.db().changes() == 0) return Status(Code::kNotFound, "err.no_user", name);
  return {};
}

Status remove_web_user(sync::Replica& replica, const std::string& name) {
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt q,
                           replica.db().prepare("DELETE FROM _web_user WHERE name = ?"));
  q.bind(1, name);
  LIAISON_RETURN_IF_ERROR(q.run());
  if (replica.db().changes() == 0) return Status(Code::kNotFound, "err.no_user", name);
  return {};
}

Result<std::vector<WebUser>> list_web_users(sync::Replica& replica) {
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt q,
                           replica.db().prepare("SELECT name, created_at, failed, "
                                                "COALESCE(locked_until, '') FROM _web_user "
                                                "ORDER BY name"));
  std::vector<WebUser> users;
  for (;;) {
    LIAISON_ASSIGN_OR_RETURN(bool more, q.step());
    if (!more) break;
    users.push_back({q.column_text(0), q.column_text(1), static_cast<int>(q.column_int(2)),
                     q.column_text(3)});
  }
  return users;
}

Status sign_in(sync::Replica& replica, const std::string& name, const std::string& password,
               int64_t now_ms) {
  const std::string now = iso(now_ms);
  storage::Db& db = replica.db();
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt q,
                           db.prepare("SELECT salt, hash, rounds, failed, "
                                      "COALESCE(locked_until, '') FROM _web_user WHERE name = ?"));
  q.bind(1, name);
  LIAISON_ASSIGN_OR_RETURN(bool found, q.step());
  if (!found) {
    // The same work as a real check, so the answer's timing does not tell which names exist.
    (void)derive(password, std::string(kSaltBytes, '\0'), kPasswordRounds);
    return Status(Code::kPermissionDenied, "err.sign_in_failed");
  }
  std::string salt = q.column_blob(0), hash = q.column_blob(1);
  int rounds = static_cast<int>(q.column_int(2));
  int failed = static_cast<int>(q.column_int(3));
  std::string locked_until = q.column_text(4);
  if (!locked_until.empty() && now < locked_until)
    return Status(Code::kPermissionDenied, "err.sign_in_locked");
  LIAISON_ASSIGN_OR_RETURN(std::string got, derive(password, salt, rounds));
  bool right = got.size() == hash.size() && CRYPTO_memcmp(got.data(), hash.data(), got.size()) == 0;
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt upd,
                           db.prepare("UPDATE _web_user SET failed = ?, locked_until = ? "
                                      "WHERE name = ?"));
  if (right) {
    upd.bind(1, int64_t{0}).bind(2, Value()).bind(3, name);
    return upd.run();
  }
  ++failed;
  upd.bind(1, int64_t{failed});
  if (failed >= kMaxFailedSignIns) upd.bind(2, iso(now_ms + 60 * 1000));
  else upd.bind(2, Value());
  upd.bind(3, name);
  LIAISON_RETURN_IF_ERROR(upd.run());
  return Status(Code::kPermissionDenied, "err.sign_in_failed");
}

}  // namespace liaison::app
