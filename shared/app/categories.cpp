#include "shared/app/categories.h"

#include "shared/app/parse.h"
#include "shared/app/tables.h"

namespace liaison::app {

namespace {

Result<std::vector<Category>> query(sync::Replica& r, const std::string& id) {
  std::string sql = "SELECT id, name, created_at, void_reason FROM category";
  sql += id.empty() ? " ORDER BY id" : " WHERE id = ?";
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt q, r.db().prepare(sql));
  if (!id.empty()) q.bind(1, id);
  std::vector<Category> out;
  for (;;) {
    LIAISON_ASSIGN_OR_RETURN(bool more, q.step());
    if (!more) break;
    out.push_back({q.column_text(0), q.column_text(1), q.column_text(2), opt_text(q, 3)});
  }
  return out;
}

}  // namespace

Result<Category> add_category(sync::Replica& replica, const std::string& id,
                              const std::string& name) {
  if (replica.info().role != sync::Role::kDistrict)
    return Status(Code::kPermissionDenied, "err.district_only");
  LIAISON_RETURN_IF_ERROR(check_id(id));
  LIAISON_RETURN_IF_ERROR(check_required_text(name, "name"));
  const sync::TablePolicy& t = table_named("category");
  FieldList f(t);
  f.set("name", trim(name)).set("created_at", replica.now_iso());
  LIAISON_RETURN_IF_ERROR(replica.write([&]() -> Status {
    Result<std::string> written = replica.insert(t, f.fields(), id);
    return written ? Status{} : written.status();
  }));
  LIAISON_ASSIGN_OR_RETURN(std::vector<Category> rows, query(replica, id));
  if (rows.empty()) return Status::internal("row not stored: " + id);
  return std::move(rows.front());
}

Result<std::vector<Category>> list_categories(sync::Replica& replica) { return query(replica, {}); }

}  // namespace liaison::app
