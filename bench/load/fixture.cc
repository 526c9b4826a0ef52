#include "bench/load/fixture.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "ctg/v1/audit.grpc.pb.h"
#include "ctg/v1/catalogue.grpc.pb.h"
#include "ctg/v1/conventions.grpc.pb.h"
#include "ctg/v1/data_requests.grpc.pb.h"
#include "ctg/v1/extracts.grpc.pb.h"

namespace ctg::load {
namespace {

constexpr int kSetupWorker = -1;  // set-up calls use their own connections

std::unique_ptr<grpc::ClientContext> Context(int seconds) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::seconds(seconds));
  context->set_wait_for_ready(true);
  return context;
}

absl::Status Failed(const std::string& step, const grpc::Status& s) {
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()),
                      absl::StrCat(step, ": ", s.error_message()));
}

std::string Day(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d", t, absl::UTCTimeZone());
}

// Every DIR/clients/requester-<commune>.pem, sorted.
std::vector<std::string> PkiRequesters(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& entry :
       std::filesystem::directory_iterator(dir + "/clients", ec)) {
    std::string name = entry.path().filename().string();
    if (absl::StartsWith(name, "requester-") && absl::EndsWith(name, ".pem")) {
      out.push_back(name.substr(0, name.size() - 4));
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

std::string CommuneOfClient(const std::string& client) {
  size_t dash = client.rfind('-');
  return dash == std::string::npos ? client : client.substr(dash + 1);
}

absl::StatusOr<std::unique_ptr<Fixture>> Fixture::SetUp(const Options& options,
                                                        Channels& channels) {
  std::unique_ptr<Fixture> f(new Fixture(options, channels));
  if (options.single_cert()) {
    CommuneSetup c{.requester = "cert",
                   .commune = options.submit_commune,
                   .approved_id = options.request_id};
    if (!options.submit_commune.empty()) {
      c.scope.add_indicators("allocataires");
      c.scope.add_territories(options.submit_commune);
      c.scope.add_periods(options.period);
    }
    f->communes_.push_back(c);
    if (absl::Status s = f->ReadAuditSize(); !s.ok()) return s;
    return f;
  }
  std::vector<std::string> requesters = options.requesters.empty()
                                            ? PkiRequesters(options.pki)
                                            : options.requesters;
  if (requesters.empty()) {
    return absl::NotFoundError(absl::StrCat("no requester-<commune>.pem in ",
                                            options.pki,
                                            "/clients: give --requesters"));
  }
  for (const std::string& r : requesters) {
    if (!channels.HasClient(r)) {
      return absl::NotFoundError(absl::StrCat(
          "client ", r, ": no ", options.pki, "/clients/", r, ".pem/.key"));
    }
  }
  const bool needs_requests = options.Wants("get") || options.Wants("submit") ||
                              options.Wants("extract") ||
                              options.Wants("extract-new");
  for (const std::string& r : requesters) {
    CommuneSetup c{.requester = r, .commune = CommuneOfClient(r)};
    if (needs_requests) {
      // The gateway files requests under the commune's current convention.
      if (absl::Status s = f->ActiveConvention(c.commune).status(); !s.ok())
        return s;
      if (absl::Status s = f->SetUpCommune(c); !s.ok()) return s;
      if (c.release_refused) continue;
    }
    f->communes_.push_back(std::move(c));
  }
  if (f->communes_.empty()) {
    return absl::FailedPreconditionError(
        "every commune's first release was refused: nothing to load");
  }
  if (absl::Status s = f->ReadAuditSize(); !s.ok()) return s;
  return f;
}

absl::Status Fixture::ReadAuditSize() {
  if (!options_.Wants("audit")) return absl::OkStatus();
  const std::string auditor =
      options_.single_cert() ? "cert" : options_.auditor;
  auto channel = channels_.Get(auditor, kSetupWorker);
  if (!channel.ok()) return channel.status();
  auto audit = ctg::v1::Audit::NewStub(*channel);
  ctg::v1::Checkpoint checkpoint;
  grpc::Status s = audit->GetCheckpoint(Context(30).get(), {}, &checkpoint);
  if (!s.ok()) return Failed("Audit.GetCheckpoint as " + auditor, s);
  audit_size_ = checkpoint.tree_size();
  return absl::OkStatus();
}

absl::StatusOr<std::string> Fixture::ActiveConvention(
    const std::string& commune) {
  auto admin_channel = channels_.Get(options_.admin, kSetupWorker);
  if (!admin_channel.ok()) return admin_channel.status();
  auto conventions = ctg::v1::Conventions::NewStub(*admin_channel);
  if (active_conventions_.empty()) {
    ctg::v1::ListConventionsRequest list;
    list.set_page_size(500);
    for (int page = 0; page < 1000; ++page) {  // bounded: 500,000 conventions
      ctg::v1::ListConventionsResponse response;
      grpc::Status s =
          conventions->ListConventions(Context(30).get(), list, &response);
      if (!s.ok())
        return Failed("Conventions.ListConventions as " + options_.admin, s);
      for (const auto& c : response.conventions()) {
        if (c.state() == ctg::v1::ACTIVE)
          active_conventions_.push_back(c.commune() + " " + c.id());
      }
      if (response.next_page_token().empty()) break;
      list.set_page_token(response.next_page_token());
    }
    active_conventions_.push_back("");  // read once, even when none is active
  }
  for (const std::string& entry : active_conventions_) {
    if (absl::StartsWith(entry, commune + " "))
      return entry.substr(commune.size() + 1);
  }
  ctg::v1::CreateConventionRequest create;
  ctg::v1::Convention* c = create.mutable_convention();
  c->set_commune(commune);
  c->set_commune_name(absl::StrCat("Commune ", commune, " (ctg-load)"));
  c->set_valid_from(Day(absl::Now() - absl::Hours(24 * 365)));
  c->set_valid_until(Day(absl::Now() + absl::Hours(24 * 3 * 365)));
  ctg::v1::Convention created;
  grpc::Status s =
      conventions->CreateConvention(Context(30).get(), create, &created);
  if (!s.ok()) return Failed("Conventions.CreateConvention for " + commune, s);
  active_conventions_.push_back(commune + " " + created.id());
  return created.id();
}

absl::Status Fixture::SizeScope(CommuneSetup& c) {
  auto channel = channels_.Get(c.requester, kSetupWorker);
  if (!channel.ok()) return channel.status();
  auto catalogue = ctg::v1::Catalogue::NewStub(*channel);
  std::vector<std::string> territories;
  ctg::v1::ListTerritoriesRequest list;
  list.set_page_size(500);
  for (int page = 0; page < 100; ++page) {
    ctg::v1::ListTerritoriesResponse response;
    grpc::Status s =
        catalogue->ListTerritories(Context(30).get(), list, &response);
    if (!s.ok())
      return Failed("Catalogue.ListTerritories as " + c.requester, s);
    for (const auto& t : response.territories())
      territories.push_back(t.code());
    if (response.next_page_token().empty()) break;
    list.set_page_token(response.next_page_token());
  }
  if (territories.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("commune ", c.commune,
                     " has no territory in the base (is the base imported?)"));
  }
  ctg::v1::ListIndicatorsResponse indicators;
  grpc::Status s =
      catalogue->ListIndicators(Context(30).get(), {}, &indicators);
  if (!s.ok()) return Failed("Catalogue.ListIndicators", s);
  // Cells per territory and period: each indicator's total plus every
  // category of each of its breakdowns (all breakdowns are requested).
  const int64_t target = options_.extract_cells;
  int64_t per_territory = 0;
  std::set<std::string> breakdowns;
  for (const ctg::v1::Indicator& indicator : indicators.indicators()) {
    if (static_cast<int64_t>(territories.size()) * per_territory >= target)
      break;
    c.scope.add_indicators(indicator.code());
    per_territory += 1;
    for (const ctg::v1::Breakdown& b : indicator.breakdowns()) {
      per_territory += b.categories_size();
      breakdowns.insert(b.code());
    }
  }
  // A large commune: fewer territories (the commune first, then IRIS).
  size_t keep = territories.size();
  if (static_cast<int64_t>(keep) * per_territory > target + target / 2) {
    keep = static_cast<size_t>(
        std::max<int64_t>(1, (target + per_territory - 1) / per_territory));
  }
  for (size_t i = 0; i < keep; ++i) c.scope.add_territories(territories[i]);
  for (const std::string& b : breakdowns) c.scope.add_breakdowns(b);
  c.scope.add_periods(options_.period);
  c.cells = static_cast<int64_t>(keep) * per_territory;
  return absl::OkStatus();
}

absl::StatusOr<std::string> Fixture::NewApprovedRequest(size_t i,
                                                        int quota) const {
  if (i >= communes_.size()) return absl::OutOfRangeError("no such commune");
  return Approve(communes_[i], quota);
}

absl::StatusOr<std::string> Fixture::Approve(const CommuneSetup& c,
                                             int quota) const {
  auto requester_channel = channels_.Get(c.requester, kSetupWorker);
  if (!requester_channel.ok()) return requester_channel.status();
  auto reviewer_channel = channels_.Get(options_.reviewer, kSetupWorker);
  if (!reviewer_channel.ok()) return reviewer_channel.status();
  auto requests = ctg::v1::DataRequests::NewStub(*requester_channel);
  auto reviewer = ctg::v1::DataRequests::NewStub(*reviewer_channel);
  ctg::v1::SubmitRequestRequest submit;
  submit.set_purpose(
      "Mesure de charge (ctg-load) : diagnostic social de territoire");
  submit.set_objective("Axe I.2 veille sociale territoriale");
  submit.set_justification("Requête de banc d'essai");
  submit.set_retention_months(12);
  *submit.mutable_scope() = c.scope;
  ctg::v1::DataRequest request;
  grpc::Status s = requests->SubmitRequest(Context(30).get(), submit, &request);
  if (!s.ok()) return Failed("DataRequests.SubmitRequest as " + c.requester, s);
  ctg::v1::StartStudyRequest start;
  start.set_id(request.id());
  s = reviewer->StartStudy(Context(30).get(), start, &request);
  if (!s.ok())
    return Failed("DataRequests.StartStudy as " + options_.reviewer, s);
  ctg::v1::DecideRequestRequest decide;
  decide.set_id(request.id());
  decide.set_decision(ctg::v1::DecideRequestRequest::APPROVE);
  decide.mutable_opportunity()->set_opinion(ctg::v1::FAVOURABLE);
  decide.mutable_opportunity()->set_reasoning(
      "Conforme aux objectifs de la CTG");
  decide.mutable_feasibility()->set_opinion(ctg::v1::FAVOURABLE);
  decide.mutable_feasibility()->set_reasoning(
      "Faisable sous le secret statistique");
  decide.set_download_quota(quota);
  s = reviewer->DecideRequest(Context(30).get(), decide, &request);
  if (!s.ok())
    return Failed("DataRequests.DecideRequest as " + options_.reviewer, s);
  return request.id();
}

absl::Status Fixture::CountCells(CommuneSetup& c) {
  auto channel = channels_.Get(c.requester, kSetupWorker);
  if (!channel.ok()) return channel.status();
  auto extracts = ctg::v1::Extracts::NewStub(*channel);
  ctg::v1::GetExtractRequest get;
  get.set_request_id(c.extract_id);
  auto context = Context(options_.deadline_s);
  absl::Time start = absl::Now();
  auto reader = extracts->GetExtract(context.get(), get);
  ctg::v1::ExtractChunk chunk;
  int64_t cells = 0;
  while (reader->Read(&chunk)) cells += chunk.cells().cells_size();
  grpc::Status s = reader->Finish();
  if (s.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
    absl::FPrintF(stderr, "ctg-load: commune %s left out: %s\n", c.commune,
                  s.error_message());
    c.release_refused = true;
    return absl::OkStatus();
  }
  if (!s.ok()) return Failed("Extracts.GetExtract of " + c.extract_id, s);
  c.first_extract_ms = absl::ToDoubleMilliseconds(absl::Now() - start);
  c.cells = cells;
  return absl::OkStatus();
}

absl::Status Fixture::SetUpCommune(CommuneSetup& c) {
  if (absl::Status s = SizeScope(c); !s.ok()) return s;
  absl::StatusOr<std::string> id = Approve(c);
  if (!id.ok()) return id.status();
  c.approved_id = *id;
  if (!options_.Wants("extract") && !options_.Wants("extract-new"))
    return absl::OkStatus();
  // Another request for downloads (GetRequest's stays free of releases),
  // downloaded once to count the cells and warm the commune's base cache.
  id = Approve(c);
  if (!id.ok()) return id.status();
  c.extract_id = *id;
  return CountCells(c);
}

}  // namespace ctg::load
