#include "store/postgres/pg_status.h"

#include <exception>
#include <new>
#include <pqxx/except>

#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "store/write_outcome.h"

namespace ctg::store::postgres {
namespace {

// Payload marking a lost connection on a Status.
constexpr char kLostPayload[] = "ctg.store.postgres/connection-lost";

// libpq messages span lines ("FATAL:  ...\nDETAIL: ..."); keep the first
// meaningful one, without the severity prefix.
std::string FirstLine(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  size_t nl = text.find('\n');
  absl::string_view line =
      nl == absl::string_view::npos ? text : text.substr(0, nl);
  // "connection to server on socket "..." failed: FATAL:  password ..."
  size_t fatal = line.find("FATAL:");
  if (fatal != absl::string_view::npos) line = line.substr(fatal + 6);
  absl::ConsumePrefix(&line, "ERROR:");
  return std::string(absl::StripAsciiWhitespace(line));
}

absl::Status Lost(absl::Status s) {
  s.SetPayload(kLostPayload, absl::Cord("1"));
  return s;
}

absl::Status InDoubt(absl::string_view what, absl::string_view why) {
  return store::OutcomeUnknown(Lost(absl::UnavailableError(
      absl::StrCat(what,
                   ": the connection was lost during COMMIT, whether it "
                   "committed is unknown: ",
                   why))));
}

// Connection failures carry no SQLSTATE in libpqxx 6: classify by libpq's
// message.
absl::Status FromBrokenConnection(absl::string_view what,
                                  absl::string_view raw) {
  std::string line = FirstLine(raw);
  std::string message = absl::StrCat(what, ": ", line);
  if (absl::StrContains(line, "password authentication failed") ||
      absl::StrContains(line, "no password supplied") ||
      absl::StrContains(line, "no pg_hba.conf entry") ||
      absl::StrContains(line, "authentication failed")) {
    return Lost(absl::PermissionDeniedError(message));
  }
  if (absl::StrContains(line, "database \"") &&
      absl::StrContains(line, "does not exist")) {
    return Lost(absl::NotFoundError(message));
  }
  return Lost(absl::UnavailableError(message));
}

// libpqxx 6.4 leaves sqlstate() empty on some of its typed exceptions
// (insufficient_privilege among them): fall back on the type.
std::string SqlStateOf(const pqxx::sql_error& e) {
  if (!e.sqlstate().empty()) return e.sqlstate();
  if (dynamic_cast<const pqxx::insufficient_privilege*>(&e) != nullptr)
    return "42501";
  if (dynamic_cast<const pqxx::integrity_constraint_violation*>(&e) != nullptr)
    return "23000";
  if (dynamic_cast<const pqxx::transaction_rollback*>(&e) != nullptr)
    return "40000";
  if (dynamic_cast<const pqxx::plpgsql_raise*>(&e) != nullptr) return "P0001";
  if (dynamic_cast<const pqxx::disk_full*>(&e) != nullptr) return "53100";
  if (dynamic_cast<const pqxx::out_of_memory*>(&e) != nullptr) return "53200";
  if (dynamic_cast<const pqxx::insufficient_resources*>(&e) != nullptr)
    return "53000";
  return "";
}

}  // namespace

absl::Status StatusFromSqlState(absl::string_view state, absl::string_view what,
                                absl::string_view raw) {
  std::string message = absl::StrCat(what, ": ", FirstLine(raw));
  if (absl::StartsWith(state, "08") || state == "57P01" || state == "57P02" ||
      state == "57P03") {
    return Lost(absl::UnavailableError(message));
  }
  if (absl::StartsWith(state, "28") || state == "42501") {
    return absl::PermissionDeniedError(message);
  }
  if (state == "3D000") return absl::NotFoundError(message);
  if (absl::StartsWith(state, "23") || state == "P0001" ||
      absl::StartsWith(state, "40")) {
    return absl::AbortedError(message);
  }
  if (state == "57014" || state == "55P03")
    return absl::DeadlineExceededError(message);
  if (absl::StartsWith(state, "53"))
    return absl::ResourceExhaustedError(message);
  return absl::InternalError(message);
}

bool IsConnectionLost(const absl::Status& status) {
  return status.GetPayload(kLostPayload).has_value();
}

absl::Status CommitOutcomeUnknown(const absl::Status& lost) {
  if (store::IsOutcomeUnknown(lost)) return lost;
  // "COMMIT: <the server's line>": said once.
  absl::string_view message = lost.message();
  absl::string_view what = "COMMIT";
  if (size_t colon = message.find(": "); colon != absl::string_view::npos) {
    what = message.substr(0, colon);
    message.remove_prefix(colon + 2);
  }
  return InDoubt(what, message);
}

absl::Status PgCall(absl::string_view what, absl::FunctionRef<void()> f) {
  try {
    f();
    return absl::OkStatus();
  } catch (const pqxx::in_doubt_error& e) {
    return InDoubt(what, FirstLine(e.what()));
  } catch (const pqxx::broken_connection& e) {
    return FromBrokenConnection(what, e.what());
  } catch (const pqxx::sql_error& e) {
    return StatusFromSqlState(SqlStateOf(e), what, e.what());
  } catch (const pqxx::usage_error& e) {
    return absl::InternalError(
        absl::StrCat(what, ": libpqxx usage: ", FirstLine(e.what())));
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError(absl::StrCat(what, ": out of memory"));
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat(what, ": ", FirstLine(e.what())));
  }
}

}  // namespace ctg::store::postgres
