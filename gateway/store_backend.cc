#include "gateway/store_backend.h"

#include "gateway/pg_migrate_command.h"
#include "store/postgres/pg_backend.h"
#include "store/postgres/pg_changes.h"
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

namespace {

class PgReimportWatch final : public ReimportWatch {
 public:
  explicit PgReimportWatch(
      std::unique_ptr<store::postgres::PgChangeListener> listener)
      : listener_(std::move(listener)) {}

 private:
  std::unique_ptr<store::postgres::PgChangeListener> listener_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ReimportWatch>> WatchReimports(
    const Config& config, std::function<void()> on_reimport) {
  if (config.postgres.url.empty()) return nullptr;
  absl::StatusOr<std::unique_ptr<store::postgres::PgChangeListener>> listener =
      store::postgres::PgChangeListener::Start(
          PgOptionsOf(config), [on_reimport = std::move(on_reimport)](
                                   const std::string& topic, int64_t) {
            // "" after a (re)connection: something may have been missed.
            if (topic.empty() || topic == store::postgres::kStatbaseTopic)
              on_reimport();
          });
  if (!listener.ok()) return listener.status();
  return std::make_unique<PgReimportWatch>(*std::move(listener));
}

absl::StatusOr<std::unique_ptr<store::Backend>> OpenStoreForCheck(
    const std::string& database) {
  return store::sqlite::OpenReadOnlyBackend(database);
}

int GatewaySchemaVersion() { return store::sqlite::GatewaySchemaVersion(); }

}  // namespace ctg::gateway
