// The conflict log (listing and re-deciding) and the state digest used to compare replicas.
#include <openssl/evp.h>

#include <fmt/format.h>

#include "shared/sync/replica.h"

namespace liaison::sync {

namespace {

constexpr const char* kConflictColumns =
    "id, tbl, row_id, field, kind, kept_value, kept_hlc, kept_origin, lost_value, lost_hlc, "
    "lost_origin, detected_at, decision, decided_at";

Conflict read_conflict(const storage::Stmt& q) {
  Conflict c;
  c.id = q.column_int(0);
  c.table = q.column_text(1);
  c.row_id = q.column_text(2);
  c.field = q.column_text(3);
  c.kind = q.column_text(4);
  c.kept = q.column_value(5);
  c.kept_hlc = static_cast<uint64_t>(q.column_int(6));
  c.kept_origin = q.column_text(7);
  c.lost = q.column_value(8);
  c.lost_hlc = static_cast<uint64_t>(q.column_int(9));
  c.lost_origin = q.column_text(10);
  c.detected_at = q.column_text(11);
  c.decision = q.column_text(12);
  c.decided_at = q.column_text(13);
  return c;
}

}  // namespace

Result<std::vector<Conflict>> Replica::conflicts(bool only_open, const std::string& row_id) {
  std::string sql = fmt::format("SELECT {} FROM _conflict WHERE 1=1", kConflictColumns);
  if (only_open) sql += " AND decision IS NULL";
  if (!row_id.empty()) sql += " AND row_id = ?";
  sql += " ORDER BY id";
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt q, db_->prepare(sql));
  if (!row_id.empty()) q.bind(1, row_id);
  std::vector<Conflict> out;
  for (;;) {
    LIAISON_ASSIGN_OR_RETURN(bool more, q.step());
    if (!more) break;
    out.push_back(read_conflict(q));
  }
  return out;
}

Result<Conflict> Replica::resolve(int64_t conflict_id, bool keep_lost) {
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt q,
                           db_->prepare(fmt::format("SELECT {} FROM _conflict WHERE id = ?",
                                                    kConflictColumns)));
  q.bind(1, conflict_id);
  LIAISON_ASSIGN_OR_RETURN(bool found, q.step());
  if (!found) return Status::not_found("err.no_conflict", std::to_string(conflict_id));
  Conflict c = read_conflict(q);
  q.reset();
  const TablePolicy* t = find_table(c.table);
  int col = t ? t->column_index(c.field) : -1;
  if (col < 1) return Status::corruption("conflict names an unknown field");
  if (keep_lost && t->columns[static_cast<size_t>(col)].kind != ColumnKind::kLww)
    return Status::invalid("err.immutable_field", c.field);
  std::string decided_at = now_iso();
  LIAISON_RETURN_IF_ERROR(write([&]() -> Status {
    // The chosen value is written as an ordinary edit made now when the field does not hold it
    // (keeping the lost value, or going back on an earlier decision): it wins over the current
    // value on every replica, and those that hold the current value take it as a knowing
    // overwrite. update() records nothing when the field already holds it.
    const Value& chosen = keep_lost ? c.lost : c.kept;
    if (t->columns[static_cast<size_t>(col)].kind == ColumnKind::kLww)
      LIAISON_RETURN_IF_ERROR(update(*t, c.row_id, {{col, chosen}}));
    LIAISON_ASSIGN_OR_RETURN(storage::Stmt u,
                             db_->prepare("UPDATE _conflict SET decision = ?, decided_at = ? "
                                          "WHERE id = ?"));
    u.bind(1, keep_lost ? "lost" : "kept").bind(2, decided_at).bind(3, conflict_id);
    return u.run();
  }));
  c.decision = keep_lost ? "lost" : "kept";
  c.decided_at = decided_at;
  return c;
}

Result<std::string> Replica::digest() {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  auto feed = [&](std::string_view s) { EVP_DigestUpdate(ctx, s.data(), s.size()); };
  Status status;
  for (const TablePolicy& t : tables()) {
    std::string cols;
    for (const ColumnPolicy& c : t.columns) cols += (cols.empty() ? "" : ", ") + c.name;
    auto q = db_->prepare(fmt::format("SELECT {} FROM {} ORDER BY id", cols, t.name));
    if (!q) {
      status = q.status();
      break;
    }
    feed(t.name);
    for (;;) {
      Result<bool> more = q->step();
      if (!more) {
        status = more.status();
        break;
      }
      if (!more.value()) break;
      for (int i = 0; i < q->column_count(); ++i) {
        Value v = q->column_value(i);
        feed(fmt::format("|{}:", v.index()));
        feed(value_to_display(v));
      }
      feed("\n");
    }
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, md, &len);
  EVP_MD_CTX_free(ctx);
  if (!status.is_ok()) return status;
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) hex += fmt::format("{:02x}", md[i]);
  return hex;
}

}  // namespace liaison::sync
