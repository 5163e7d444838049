// The security matrix: every way a peer may attack the district server, in one table, each row
// against the same real SyncServer (127.0.0.1, port 0) and district replica file:
// tokens (none, malformed, unknown, wrong secret, revoked before and during a session, copied,
// another station's), versions and message order, each role (station, spokesperson, district)
// writing each kind of record in and out of its scope, forged origins, replayed batches,
// malformed, oversized and deeply nested msgpack, a peer that floods the server with requests
// and never reads, and many idle connections.
// The rows are in net_security_{auth,scope,origin,limits}_rows.cpp, run in that order; the
// fixture, the attacks and the checks after every row in net_security_fixture.h.
#include <gtest/gtest.h>

#include <vector>

#include "tests/integration/sync/net_security_fixture.h"

namespace liaison::net_security {
namespace {

const std::vector<Row>& rows() {
  static const std::vector<Row> kRows = [] {
    std::vector<Row> all;
    for (const std::vector<Row>& part : {auth_rows(), scope_rows(), origin_rows(), limits_rows()})
      all.insert(all.end(), part.begin(), part.end());
    return all;
  }();
  return kRows;
}

TEST(NetSecurityMatrix, EveryAttackGetsItsDocumentedAnswerAndTheDistrictKeepsServing) {
  Matrix m;
  ASSERT_NO_FATAL_FAILURE(m.set_up());
  for (const Row& row : rows()) {
    SCOPED_TRACE(row.name);
    m.run(row);
  }
}

}  // namespace
}  // namespace liaison::net_security
