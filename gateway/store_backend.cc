#include "gateway/store_backend.h"

#include "store/sqlite/schema.h"
#include "store/sqlite/sqlite_backend.h"

namespace ctg::gateway {

absl::StatusOr<std::unique_ptr<store::Backend>> OpenGatewayStore(const std::string& database) {
  return store::sqlite::OpenBackend({.path = database});
}

absl::StatusOr<std::unique_ptr<store::Backend>> OpenStoreForCheck(const std::string& database) {
  return store::sqlite::OpenReadOnlyBackend(database);
}

int GatewaySchemaVersion() { return store::sqlite::GatewaySchemaVersion(); }

}  // namespace ctg::gateway
