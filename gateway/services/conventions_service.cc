#include "gateway/services/conventions_service.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "gateway/calendar.h"
#include "gateway/conventions.h"
#include "gateway/services/convention_proto.h"
#include "gateway/services/paging.h"
#include "policy/convention.h"
#include "policy/convention_lifecycle.h"
#include "store/statistics_store.h"

namespace ctg::gateway {
namespace {

// Territories read per query while checking a perimeter.
constexpr int kTerritoryPage = 1000;

// What the latest stored base holds for `commune`, for the perimeter check.
absl::StatusOr<policy::CommuneTerritories> LoadCommuneTerritories(
    store::ReadSession& session, const std::string& commune,
    const std::vector<std::string>& perimeter) {
  policy::CommuneTerritories facts;
  CTG_ASSIGN_OR_RETURN(std::vector<store::PeriodRow> periods,
                       session.statistics().ListPeriods());
  for (const store::PeriodRow& p : periods)
    facts.period = std::max(facts.period, p.period);
  if (facts.period.empty()) return facts;
  std::string after;
  while (true) {
    CTG_ASSIGN_OR_RETURN(std::vector<store::TerritoryRow> rows,
                         session.statistics().ListTerritories(
                             commune, /*level=*/0, after, kTerritoryPage));
    for (const store::TerritoryRow& row : rows) {
      facts.codes.insert(row.code);
      after = row.code;
    }
    if (static_cast<int>(rows.size()) < kTerritoryPage) break;
  }
  for (const std::string& code : perimeter) {
    if (facts.codes.count(code)) continue;
    CTG_ASSIGN_OR_RETURN(std::optional<store::TerritoryRow> row,
                         session.statistics().GetTerritory(code));
    if (row) facts.elsewhere.insert(code);
  }
  return facts;
}

absl::Status Respond(store::ReadSession& session,
                     const store::ConventionRow& row, absl::Time now,
                     ctg::v1::Convention* response) {
  CTG_ASSIGN_OR_RETURN(auto history, session.conventions().History(row.id));
  response->Clear();
  return ConventionToProto(row, history, CafDay(now), response);
}

}  // namespace

grpc::Status ConventionsService::CreateConvention(
    grpc::ServerContext* context,
    const ctg::v1::CreateConventionRequest* request,
    ctg::v1::Convention* response) {
  return dispatcher_->Write(
      context, "/ctg.v1.Conventions/CreateConvention",
      [&](Call& call, store::WriteSession& tx) -> absl::Status {
        call.AddFact("commune", request->convention().commune());
        CTG_ASSIGN_OR_RETURN(
            store::ConventionRow row,
            ConventionFromProto(request->convention(), config_->caf_name));
        CTG_ASSIGN_OR_RETURN(
            policy::CommuneTerritories served,
            LoadCommuneTerritories(tx, row.commune, row.perimeter));
        CTG_RETURN_IF_ERROR(
            policy::CheckPerimeterInBase(row.commune, row.perimeter, served));
        CTG_ASSIGN_OR_RETURN(int count,
                             tx.conventions().CountForCommune(row.commune));
        row.id = absl::StrCat("CTG-", row.commune, "-", count + 1);
        row.create_time_us = absl::ToUnixMicros(call.now());
        call.SetTarget("convention", row.id);
        call.AddFact("valid_from", row.valid_from);
        call.AddFact("valid_until", row.valid_until);
        call.AddFact("perimeter",
                     absl::StrCat(row.perimeter.size(), " territories"));
        CTG_RETURN_IF_ERROR(tx.conventions().Insert(row));
        CTG_RETURN_IF_ERROR(tx.conventions().AppendEvent(
            row.id,
            {"created", call.identity().spiffe_id, row.create_time_us, ""}));
        return Respond(tx, row, call.now(), response);
      });
}

grpc::Status ConventionsService::GetConvention(
    grpc::ServerContext* context, const ctg::v1::GetConventionRequest* request,
    ctg::v1::Convention* response) {
  return dispatcher_->Read(
      context, "/ctg.v1.Conventions/GetConvention", [&](Call& call) {
        call.SetTarget("convention", request->id());
        return db_->Read([&](store::ReadSession& session) -> absl::Status {
          CTG_ASSIGN_OR_RETURN(
              store::ConventionRow row,
              ReadableConvention(session, request->id(), call.identity()));
          return Respond(session, row, call.now(), response);
        });
      });
}

grpc::Status ConventionsService::ListConventions(
    grpc::ServerContext* context,
    const ctg::v1::ListConventionsRequest* request,
    ctg::v1::ListConventionsResponse* response) {
  return dispatcher_->Read(
      context, "/ctg.v1.Conventions/ListConventions", [&](Call& call) {
        CTG_ASSIGN_OR_RETURN(int page_size,
                             PageSize(request->page_size(), config_->limits));
        // A commune sees only its own conventions.
        std::string commune =
            call.identity().IsCommune() ? call.identity().organisation : "";
        return db_->Read([&](store::ReadSession& session) -> absl::Status {
          CTG_ASSIGN_OR_RETURN(
              auto rows, session.conventions().List(
                             commune, request->page_token(), page_size + 1));
          bool more = static_cast<int>(rows.size()) > page_size;
          if (more) rows.pop_back();
          for (const store::ConventionRow& row : rows) {
            CTG_ASSIGN_OR_RETURN(auto history,
                                 session.conventions().History(row.id));
            CTG_RETURN_IF_ERROR(ConventionToProto(
                row, history, CafDay(call.now()), response->add_conventions()));
          }
          if (more) response->set_next_page_token(rows.back().id);
          call.AddFact("returned", absl::StrCat(rows.size()));
          return absl::OkStatus();
        });
      });
}

grpc::Status ConventionsService::Change(
    grpc::ServerContext* context, absl::string_view method,
    const std::string& id, const std::string& action, const std::string& reason,
    absl::FunctionRef<absl::Status(store::ConventionRow&, Call&)> change,
    ctg::v1::Convention* response) {
  return dispatcher_->Write(
      context, method,
      [&](Call& call, store::WriteSession& tx) -> absl::Status {
        call.SetTarget("convention", id);
        call.AddFact("reason", reason);
        CTG_ASSIGN_OR_RETURN(store::ConventionRow row,
                             tx.conventions().Get(id));
        CTG_RETURN_IF_ERROR(change(row, call));
        CTG_RETURN_IF_ERROR(tx.conventions().UpdateState(row));
        CTG_RETURN_IF_ERROR(tx.conventions().AppendEvent(
            id, {action, call.identity().spiffe_id,
                 absl::ToUnixMicros(call.now()), reason}));
        return Respond(tx, row, call.now(), response);
      });
}

grpc::Status ConventionsService::SuspendConvention(
    grpc::ServerContext* context,
    const ctg::v1::SuspendConventionRequest* request,
    ctg::v1::Convention* response) {
  return Change(
      context, "/ctg.v1.Conventions/SuspendConvention", request->id(),
      "suspended", request->reason(),
      [&](store::ConventionRow& row, Call& call) -> absl::Status {
        CTG_ASSIGN_OR_RETURN(policy::ConventionTerms terms, TermsOf(row));
        CTG_RETURN_IF_ERROR(
            policy::CheckSuspend(terms, CafDay(call.now()), request->reason()));
        row.suspended = true;
        row.suspension_reason = request->reason();
        return absl::OkStatus();
      },
      response);
}

grpc::Status ConventionsService::ReinstateConvention(
    grpc::ServerContext* context,
    const ctg::v1::ReinstateConventionRequest* request,
    ctg::v1::Convention* response) {
  return Change(
      context, "/ctg.v1.Conventions/ReinstateConvention", request->id(),
      "reinstated", request->reason(),
      [&](store::ConventionRow& row, Call&) -> absl::Status {
        CTG_ASSIGN_OR_RETURN(policy::ConventionTerms terms, TermsOf(row));
        CTG_RETURN_IF_ERROR(policy::CheckReinstate(terms, request->reason()));
        row.suspended = false;
        row.suspension_reason.clear();
        return absl::OkStatus();
      },
      response);
}

grpc::Status ConventionsService::TerminateConvention(
    grpc::ServerContext* context,
    const ctg::v1::TerminateConventionRequest* request,
    ctg::v1::Convention* response) {
  const std::string action =
      request->correct() ? "termination-corrected" : "terminated";
  return Change(
      context, "/ctg.v1.Conventions/TerminateConvention", request->id(), action,
      request->reason(),
      [&](store::ConventionRow& row, Call& call) -> absl::Status {
        CTG_ASSIGN_OR_RETURN(policy::ConventionTerms terms, TermsOf(row));
        CTG_ASSIGN_OR_RETURN(
            policy::Termination termination,
            policy::Terminate(terms, CafDay(call.now()), request->notice_date(),
                              request->effective_date(), request->reason(),
                              request->correct()));
        if (request->correct()) {
          call.AddFact("corrected_notice_date", row.termination_notice_date);
          call.AddFact("corrected_effective_date",
                       row.termination_effective_date);
        }
        row.termination_notice_date = policy::FormatDate(termination.notice);
        row.termination_effective_date =
            policy::FormatDate(termination.effective);
        call.AddFact("effective_date", row.termination_effective_date);
        return absl::OkStatus();
      },
      response);
}

}  // namespace ctg::gateway
