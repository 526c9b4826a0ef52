// The throw-away PostgreSQL cluster the tests of store/postgres run on
// (tools/pg-test-cluster.sh). Under ctest the fixture test
// "postgres_cluster_start" starts it and passes its directory in
// CTG_TEST_PG_DIR; a test binary run by hand starts its own in a temporary
// directory and stops it when it ends (the script's watcher stops it even
// if the binary crashes).
//
// Each test takes a fresh database (NewDatabase) so tests never share state.
// Thread-safe after set-up (read-only data; NewDatabase takes a lock).
#ifndef CTG_TESTS_STORE_POSTGRES_PG_TEST_CLUSTER_H_
#define CTG_TESTS_STORE_POSTGRES_PG_TEST_CLUSTER_H_

#include <string>

#include "absl/status/status.h"
#include "store/convention_store.h"
#include "store/postgres/pg_options.h"

namespace ctg::store::postgres::testing {

struct PgTestCluster {
  std::string dir;
  std::string admin_url;    // superuser, database "postgres"
  std::string owner_url;    // ctg_owner, database "ctg"
  std::string gateway_url;  // ctg_gateway, database "ctg"
};

// The cluster (set up before the first test).
const PgTestCluster& Cluster();

// A new empty database owned by ctg_owner; returns its name.
std::string NewDatabase();

// `url` with its database replaced by `db`.
std::string WithDatabase(const std::string& url, const std::string& db);

// Options for a gateway on `db`: the gateway role, migrations as the owner,
// Caf "caf33.example/33".
PgOptions GatewayOptions(const std::string& db);

// A convention "CTG-<commune>-1" of `commune` covering it whole, in force
// from 2020 to 2027, for tests that file requests.
ConventionRow Convention(const std::string& commune);

// Runs `sql` as the superuser (or `url`'s role) on `db`.
absl::Status AdminExec(const std::string& db, const std::string& sql);
absl::Status ExecAs(const std::string& url, const std::string& sql);

// Ends every session of `db` but those of the superuser (a server-side
// disconnect, as when PostgreSQL restarts).
absl::Status TerminateSessions(const std::string& db);

}  // namespace ctg::store::postgres::testing

#endif  // CTG_TESTS_STORE_POSTGRES_PG_TEST_CLUSTER_H_
