#include "shared/app/report_query.h"

namespace liaison::app {

Status each_row(sync::Replica& replica, const std::string& sql, const std::vector<Value>& params,
                const std::function<void(const storage::Stmt&)>& row) {
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt q, replica.db().prepare(sql));
  for (size_t i = 0; i < params.size(); ++i) q.bind(static_cast<int>(i + 1), params[i]);
  for (;;) {
    LIAISON_ASSIGN_OR_RETURN(bool more, q.step());
    if (!more) return {};
    row(q);
  }
}

}  // namespace liaison::app
