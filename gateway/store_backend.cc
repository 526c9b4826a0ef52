#include "gateway/store_backend.h"

#include "gateway/pg_migrate_command.h"
#include "store/postgres/pg_backend.h"
#include "store/sqlite/schema.h"
#include "store/sqlite/sqlite_backend.h"

namespace ctg::gateway {

absl::StatusOr<std::unique_ptr<store::Backend>> OpenGatewayStore(
    const std::string& database) {
  return store::sqlite::OpenBackend({.path = database});
}

absl::StatusOr<std::unique_ptr<store::Backend>> OpenGatewayStore(
    const Config& config) {
  if (config.postgres.url.empty()) return OpenGatewayStore(config.database);
  absl::StatusOr<std::unique_ptr<store::postgres::PgBackend>> pg =
      store::postgres::PgBackend::Open(PgOptionsOf(config));
  if (!pg.ok()) return pg.status();
  return std::unique_ptr<store::Backend>(*std::move(pg));
}

absl::StatusOr<std::unique_ptr<store::Backend>> OpenStoreForCheck(
    const std::string& database) {
  return store::sqlite::OpenReadOnlyBackend(database);
}

int GatewaySchemaVersion() { return store::sqlite::GatewaySchemaVersion(); }

}  // namespace ctg::gateway
