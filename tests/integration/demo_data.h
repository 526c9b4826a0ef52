// Shared set-up for integration tests that need data: the demo statistical
// bases (ctg-synth's demo, imported through `ctg admin import`), the
// conventions of Le Bouscat and Eysines, and a request walked to approval.
#ifndef CTG_TESTS_INTEGRATION_DEMO_DATA_H_
#define CTG_TESTS_INTEGRATION_DEMO_DATA_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "ctg/v1/data_requests.pb.h"
#include "statbase/base.h"
#include "tests/integration/gateway_fixture.h"

namespace ctg::testing {

// Imports the demo bases of `periods` and creates CTG-33069-1 and
// CTG-33162-1 (valid 2020-2030, perimeter = the commune). Returns the bases
// (the same figures the gateway holds).
absl::StatusOr<std::map<std::string, std::shared_ptr<const statbase::Base>>>
LoadDemoData(TestGateway& gateway,
             const std::vector<std::string>& periods = {"2022", "2023"});

// The territories of Le Bouscat: the commune, its 12 IRIS, the QPV.
std::vector<std::string> BouscatTerritories();

// Submits `scope` as `requester` (with `recipients`), starts the study and
// approves it with both opinions favourable as `reviewer`, with `quota`
// downloads. Returns the request id.
absl::StatusOr<std::string> SubmitAndApprove(
    TestGateway& gateway, const ctg::v1::Scope& scope, int quota,
    const std::string& requester = "requester-33069",
    const std::vector<ctg::v1::Recipient>& recipients = {});

// The SubmitRequest message used by the helpers above.
ctg::v1::SubmitRequestRequest SubmitMessage(const ctg::v1::Scope& scope);

}  // namespace ctg::testing

#endif  // CTG_TESTS_INTEGRATION_DEMO_DATA_H_
