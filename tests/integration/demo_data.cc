#include "tests/integration/demo_data.h"

#include <fstream>

#include "absl/strings/str_cat.h"
#include "ctg/v1/data_requests.grpc.pb.h"
#include "statbase/csv_export.h"
#include "tools/ctg-synth/synth.h"

namespace ctg::testing {

absl::StatusOr<std::map<std::string, std::shared_ptr<const statbase::Base>>>
LoadDemoData(TestGateway& gateway, const std::vector<std::string>& periods) {
  std::map<std::string, std::shared_ptr<const statbase::Base>> bases;
  for (const std::string& period : periods) {
    auto base = synth::GenerateDemo(synth::kDefaultSeed, period);
    if (!base.ok()) return base.status();
    std::string path = absl::StrCat(gateway.dir(), "/demo-", period, ".csv");
    std::ofstream(path) << statbase::CanonicalCsv(*base);
    RunResult r =
        gateway.Ctg("admin", {"admin", "import", path, "--period", period});
    if (r.exit_code != 0)
      return absl::InternalError(absl::StrCat("import: ", r.err));
    bases[period] = std::make_shared<const statbase::Base>(std::move(*base));
  }
  for (auto [commune, name] :
       {std::pair{"33069", "Le Bouscat"}, std::pair{"33162", "Eysines"}}) {
    RunResult r =
        gateway.Ctg("admin", {"admin", "convention", "create", "--commune",
                              commune, "--name", name, "--from", "2020-01-01",
                              "--until", "2030-12-31"});
    if (r.exit_code != 0)
      return absl::InternalError(absl::StrCat("convention: ", r.err));
  }
  return bases;
}

std::vector<std::string> BouscatTerritories() {
  std::vector<std::string> out = {"33069"};
  for (int i = 1; i <= 12; ++i)
    out.push_back(absl::StrCat("3306901", i < 10 ? "0" : "", i));
  out.push_back("QN03302M");
  return out;
}

ctg::v1::SubmitRequestRequest SubmitMessage(const ctg::v1::Scope& scope) {
  ctg::v1::SubmitRequestRequest submit;
  submit.set_purpose("Diagnostic social territorial par IRIS");
  submit.set_objective("Axe I.2 veille sociale territoriale");
  submit.set_retention_months(12);
  *submit.mutable_scope() = scope;
  return submit;
}

absl::StatusOr<std::string> SubmitAndApprove(
    TestGateway& gateway, const ctg::v1::Scope& scope, int quota,
    const std::string& requester,
    const std::vector<ctg::v1::Recipient>& recipients) {
  auto requests = ctg::v1::DataRequests::NewStub(gateway.Channel(requester));
  ctg::v1::SubmitRequestRequest submit = SubmitMessage(scope);
  for (const auto& r : recipients) *submit.add_recipients() = r;
  ctg::v1::DataRequest request;
  grpc::Status s = requests->SubmitRequest(Deadline().get(), submit, &request);
  if (!s.ok())
    return absl::InternalError(absl::StrCat("submit: ", s.error_message()));
  auto reviewer = ctg::v1::DataRequests::NewStub(gateway.Channel("reviewer"));
  ctg::v1::StartStudyRequest start;
  start.set_id(request.id());
  s = reviewer->StartStudy(Deadline().get(), start, &request);
  if (!s.ok())
    return absl::InternalError(absl::StrCat("start: ", s.error_message()));
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
  s = reviewer->DecideRequest(Deadline().get(), decide, &request);
  if (!s.ok())
    return absl::InternalError(absl::StrCat("decide: ", s.error_message()));
  return request.id();
}

}  // namespace ctg::testing
