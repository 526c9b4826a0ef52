#include "store/postgres/pg_changes.h"

#include <pqxx/nontransaction>
#include <pqxx/notification>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "base/status_macros.h"
#include "store/postgres/pg_status.h"

namespace ctg::store::postgres {
namespace {

constexpr char kChannel[] = "ctg_changes";

class Receiver final : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection_base& conn,
           const PgChangeListener::Callback& on_change)
      : pqxx::notification_receiver(conn, kChannel), on_change_(on_change) {}
  void operator()(const std::string& payload, int) override {
    std::pair<std::string, std::string> parts =
        absl::StrSplit(payload, absl::MaxSplits(' ', 1));
    int64_t version = 0;
    if (!absl::SimpleAtoi(parts.second, &version)) version = 0;
    on_change_(parts.first, version);
  }

 private:
  const PgChangeListener::Callback& on_change_;
};

}  // namespace

absl::StatusOr<int64_t> BumpPgVersion(PgSession& tx, const std::string& topic) {
  CTG_ASSIGN_OR_RETURN(
      pqxx::result r,
      tx.Exec("INSERT INTO ctg_versions (topic, version) VALUES ($1, 1) "
              "ON CONFLICT (topic) DO UPDATE SET version = "
              "ctg_versions.version + 1 "
              "RETURNING version",
              topic));
  int64_t version = r[0][0].as<int64_t>();
  CTG_RETURN_IF_ERROR(tx.Exec("SELECT pg_notify($1, $2)", std::string(kChannel),
                              topic + " " + std::to_string(version))
                          .status());
  return version;
}

absl::StatusOr<int64_t> ReadPgVersion(PgSession& session,
                                      const std::string& topic) {
  CTG_ASSIGN_OR_RETURN(
      pqxx::result r,
      session.Exec("SELECT version FROM ctg_versions WHERE topic = $1", topic));
  return r.empty() ? 0 : r[0][0].as<int64_t>();
}

PgChangeListener::PgChangeListener(const PgOptions& options, Callback on_change)
    : connector_(options.url, "database.url", options),
      on_change_(std::move(on_change)) {}

absl::StatusOr<std::unique_ptr<PgChangeListener>> PgChangeListener::Start(
    const PgOptions& options, Callback on_change) {
  std::unique_ptr<PgChangeListener> listener(
      new PgChangeListener(options, std::move(on_change)));
  CTG_ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> first,
                       listener->connector_.Connect());
  listener->thread_ = std::thread([raw = listener.get(), c = first.release()] {
    raw->Loop(std::unique_ptr<PgConnection>(c));
  });
  return listener;
}

PgChangeListener::~PgChangeListener() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void PgChangeListener::Loop(std::unique_ptr<PgConnection> conn) {
  while (!stop_) {
    if (conn == nullptr) {
      absl::StatusOr<std::unique_ptr<PgConnection>> next = connector_.Connect();
      if (!next.ok()) {
        // Back-off is the connector's; wait a little before asking again.
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        continue;
      }
      conn = *std::move(next);
    }
    std::unique_ptr<Receiver> receiver;
    absl::Status s = PgCall("LISTEN ctg_changes", [&] {
      receiver = std::make_unique<Receiver>(conn->raw(), on_change_);
      // LISTEN is sent lazily by libpqxx: make sure it is in force before
      // announcing that caches must be reloaded.
      pqxx::nontransaction(conn->raw()).exec("SELECT 1");
    });
    if (s.ok()) {
      on_change_("", 0);
      while (!stop_ && s.ok()) {
        s = PgCall("waiting for notifications",
                   [&] { conn->raw().await_notification(0, 200000); });
        if (s.ok() && !conn->is_open())
          s = absl::UnavailableError("session closed");
      }
    }
    receiver.reset();
    if (!stop_) {
      connector_.ReportLost(s);
      conn.reset();
    }
  }
}

}  // namespace ctg::store::postgres
