// The service core both directions of Article 7 share
// (gateway/services/request_workflow.h, request_listing.h), without a
// store: the actions write to a recording RequestHistory, so each test sees
// exactly what an action appends, and that a refusal appends nothing.
#include "gateway/services/request_workflow.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "ctg/v1/caf_requests.pb.h"
#include "gateway/calendar.h"
#include "gateway/services/request_listing.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace ctg::gateway {
namespace {

using ::ctg::testing::StatusIs;
using policy::Direction;
using policy::RequestState;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kTrustDomain[] = "ctg.caf33.fr";
constexpr char kCafReviewer[] = "spiffe://ctg.caf33.fr/caf/33/reviewer/carol";
constexpr char kCafReviewer2[] = "spiffe://ctg.caf33.fr/caf/33/reviewer/dave";
constexpr char kCafRequester[] = "spiffe://ctg.caf33.fr/caf/33/requester/eve";
constexpr char kCommuneRequester[] =
    "spiffe://ctg.caf33.fr/commune/33069/requester/bob";
constexpr char kCommuneReviewer[] =
    "spiffe://ctg.caf33.fr/commune/33069/reviewer/rita";

// Records what the actions append, in order, as text.
class RecordingHistory final : public RequestHistory {
 public:
  absl::Status AppendTransition(const std::string& id,
                                const store::TransitionRow& t) override {
    log.push_back(absl::StrCat("transition ", id, " ", t.from_state, "->",
                               t.to_state, " by ", t.actor, ": ", t.reason));
    return absl::OkStatus();
  }
  absl::StatusOr<int> AppendQuestions(const std::string& id,
                                      const std::vector<std::string>& questions,
                                      const std::string& author,
                                      int64_t) override {
    log.push_back(absl::StrCat("questions ", id, " (", questions.size(),
                               ") by ", author));
    return 1;
  }
  absl::Status AppendOpinion(const std::string& id,
                             const store::OpinionRow& o) override {
    log.push_back(absl::StrCat("opinion ", id, " aspect ", o.aspect, " value ",
                               o.value, " on version ", o.version, " by ",
                               o.reviewer));
    return absl::OkStatus();
  }
  absl::Status InsertApproval(const std::string& id,
                              const policy::ApprovalTerms& terms,
                              int64_t) override {
    log.push_back(absl::StrCat("approval ", id, " quota ", terms.download_quota,
                               " indicators ", terms.scope.indicators.size()));
    return absl::OkStatus();
  }

  std::vector<std::string> log;
};

// 2024-03-12, within the convention below.
absl::Time Now() {
  return absl::FromCivil(absl::CivilSecond(2024, 3, 12, 10, 0, 0),
                         CafTimeZone());
}

Call CallBy(const std::string& uri) {
  Caller caller{.peer = "ipv4:127.0.0.1:1",
                .cert_sha256 = std::string(64, 'a'),
                .uri = uri,
                .identity = policy::AcceptSpiffeId(uri, kTrustDomain, "33")};
  return Call("/test", std::move(caller), Now());
}

LoadedRequest Loaded(Direction direction, RequestState state) {
  LoadedRequest r;
  r.studied.id =
      direction == Direction::kCafToCommune ? "CREQ-000001" : "REQ-000001";
  r.studied.commune = "33069";
  r.studied.state = state;
  r.studied.direction = direction;
  r.stored_state = state;
  r.current_version = 2;
  r.convention.id = "CTG-33069-2024";
  r.convention.commune = "33069";
  r.convention.valid_from = "2024-01-01";
  r.convention.valid_until = "2027-12-31";
  return r;
}

ctg::v1::StudyOpinion Opinion(ctg::v1::Opinion value) {
  ctg::v1::StudyOpinion o;
  o.set_opinion(value);
  o.set_reasoning("well grounded");
  return o;
}

class RequestActionsTest : public ::testing::Test {
 protected:
  RequestActions actions_{policy::RequestLimits(), /*four_eyes=*/false};
  RequestActions four_eyes_{policy::RequestLimits(), /*four_eyes=*/true};
  RecordingHistory history_;
};

TEST_F(RequestActionsTest, WithdrawIsTheRequesterOfTheDirection) {  // R1
  LoadedRequest r = Loaded(Direction::kCafToCommune, RequestState::kSubmitted);
  Call commune = CallBy(kCommuneRequester);
  EXPECT_THAT(actions_.Withdraw(r, "no longer needed", commune, history_),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_TRUE(history_.log.empty());

  Call caf = CallBy(kCafRequester);
  ASSERT_TRUE(actions_.Withdraw(r, "no longer needed", caf, history_).ok());
  EXPECT_THAT(history_.log,
              ElementsAre(absl::StrCat("transition CREQ-000001 1->6 by ",
                                       kCafRequester, ": no longer needed")));
}

TEST_F(RequestActionsTest, RevokeWithoutReasonAppendsNothing) {
  LoadedRequest r = Loaded(Direction::kCommuneToCaf, RequestState::kApproved);
  Call call = CallBy(kCafReviewer);
  EXPECT_THAT(
      actions_.Revoke(r, "  ", call, history_),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("reason")));
  EXPECT_TRUE(history_.log.empty());
  ASSERT_TRUE(actions_.Revoke(r, "misuse", call, history_).ok());
  EXPECT_THAT(history_.log,
              ElementsAre(absl::StrCat("transition REQ-000001 4->7 by ",
                                       kCafReviewer, ": misuse")));
}

TEST_F(RequestActionsTest, StartStudyByTheReviewerOfTheDirection) {
  LoadedRequest r = Loaded(Direction::kCafToCommune, RequestState::kSubmitted);
  Call caf_reviewer = CallBy(kCafReviewer);
  EXPECT_THAT(actions_.StartStudy(r, caf_reviewer, history_),
              StatusIs(absl::StatusCode::kPermissionDenied));
  Call commune_reviewer = CallBy(kCommuneReviewer);
  ASSERT_TRUE(actions_.StartStudy(r, commune_reviewer, history_).ok());
  EXPECT_THAT(history_.log,
              ElementsAre(absl::StrCat("transition CREQ-000001 1->2 by ",
                                       kCommuneReviewer, ": study started")));
}

TEST_F(RequestActionsTest, QuestionsAreOneRoundThenTheTransition) {
  LoadedRequest r = Loaded(Direction::kCommuneToCaf, RequestState::kUnderStudy);
  Call call = CallBy(kCafReviewer);
  ASSERT_TRUE(actions_
                  .RequestInformation(r, {"Which IRIS?", "Which years?"}, call,
                                      history_)
                  .ok());
  EXPECT_THAT(
      history_.log,
      ElementsAre(absl::StrCat("questions REQ-000001 (2) by ", kCafReviewer),
                  absl::StrCat("transition REQ-000001 2->3 by ", kCafReviewer,
                               ": Which IRIS?\nWhich years?")));
}

TEST_F(RequestActionsTest, AmendChecksTheTransitionBeforeAnyVersion) {
  LoadedRequest r =
      Loaded(Direction::kCommuneToCaf, RequestState::kInfoRequested);
  int versions = 0;
  auto append_version = [&]() -> absl::StatusOr<int> { return ++versions + 2; };
  Call reviewer = CallBy(kCafReviewer);
  EXPECT_THAT(actions_.Amend(r, "the IRIS of Pessac", append_version, reviewer,
                             history_),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_EQ(versions, 0);
  EXPECT_TRUE(history_.log.empty());

  Call requester = CallBy(kCommuneRequester);
  ASSERT_TRUE(
      actions_
          .Amend(r, "the IRIS of Pessac", append_version, requester, history_)
          .ok());
  EXPECT_EQ(versions, 1);
  EXPECT_THAT(history_.log,
              ElementsAre(absl::StrCat("transition REQ-000001 3->2 by ",
                                       kCommuneRequester,
                                       ": version 3: the IRIS of Pessac")));
}

TEST_F(RequestActionsTest, OpinionsAloneAreRecordedOnTheCurrentVersion) {
  LoadedRequest r = Loaded(Direction::kCafToCommune, RequestState::kUnderStudy);
  ctg::v1::DecideCafRequestRequest message;
  *message.mutable_opportunity() = Opinion(ctg::v1::FAVOURABLE);
  Call call = CallBy(kCommuneReviewer);
  bool scope_loaded = false;
  auto load_scope = [&]() -> absl::StatusOr<ScopeContext> {
    scope_loaded = true;
    return ScopeContext{};
  };
  ASSERT_TRUE(actions_
                  .Decide(r, DecisionInputFrom(message, kCommuneReviewer),
                          load_scope, call, history_)
                  .ok());
  EXPECT_FALSE(scope_loaded);  // only a decision may narrow a scope
  EXPECT_THAT(history_.log,
              ElementsAre(absl::StrCat("opinion CREQ-000001 aspect 1 value ",
                                       static_cast<int>(ctg::v1::FAVOURABLE),
                                       " on version 2 by ", kCommuneReviewer)));
}

TEST_F(RequestActionsTest, FourEyesRefusesOneReviewerForBothOpinions) {
  LoadedRequest r = Loaded(Direction::kCommuneToCaf, RequestState::kUnderStudy);
  ctg::v1::DecideRequestRequest message;
  message.set_decision(ctg::v1::DecideRequestRequest::APPROVE);
  *message.mutable_opportunity() = Opinion(ctg::v1::FAVOURABLE);
  *message.mutable_feasibility() = Opinion(ctg::v1::FAVOURABLE);
  auto load_scope = [] { return absl::StatusOr<ScopeContext>(ScopeContext{}); };
  Call call = CallBy(kCafReviewer);
  EXPECT_THAT(four_eyes_.Decide(r, DecisionInputFrom(message, kCafReviewer),
                                load_scope, call, history_),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_TRUE(history_.log.empty());
}

TEST_F(RequestActionsTest, ApprovalCombinesRecordedAndGivenOpinions) {
  LoadedRequest r = Loaded(Direction::kCafToCommune, RequestState::kUnderStudy);
  r.studied.recorded.opportunity =
      policy::Opinion{policy::OpinionValue::kFavourable, "useful",
                      "spiffe://ctg.caf33.fr/commune/33069/reviewer/other"};
  ctg::v1::DecideCafRequestRequest message;
  message.set_decision(ctg::v1::DecideRequestRequest::APPROVE);
  *message.mutable_feasibility() = Opinion(ctg::v1::FAVOURABLE);
  auto no_scope = [] { return absl::StatusOr<ScopeContext>(ScopeContext{}); };
  Call call = CallBy(kCommuneReviewer);
  ASSERT_TRUE(four_eyes_
                  .Decide(r, DecisionInputFrom(message, kCommuneReviewer),
                          no_scope, call, history_)
                  .ok());
  ASSERT_EQ(history_.log.size(), 3u);
  EXPECT_THAT(history_.log[0], HasSubstr("opinion CREQ-000001 aspect 2"));
  EXPECT_EQ(history_.log[1], "approval CREQ-000001 quota 1 indicators 0");
  EXPECT_THAT(history_.log[2],
              HasSubstr("4 by spiffe://ctg.caf33.fr/commune/33069/reviewer/"
                        "rita: approved until"));
}

TEST(RequestIdTest, NamesTheFieldAndTheForm) {
  const RequestIdForm form = {"a request id of the Caf", "CREQ-000001",
                              &store::CafRequestNumberOf};
  EXPECT_TRUE(CheckRequestId("CREQ-000001", "id", form).ok());
  EXPECT_THAT(CheckRequestId("", "header.request_id", form),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "header.request_id: required (e.g. CREQ-000001)"));
  EXPECT_THAT(CheckRequestId("REQ-000001", "id", form),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "id: \"REQ-000001\" is not a request id of the Caf "
                       "(e.g. CREQ-000001)"));
}

TEST(RequestListingTest, TheCommuneIsTheTenant) {  // R8
  policy::Identity commune =
      *policy::AcceptSpiffeId(kCommuneRequester, kTrustDomain, "33");
  policy::Identity caf =
      *policy::AcceptSpiffeId(kCafReviewer, kTrustDomain, "33");
  EXPECT_EQ(TenantCommune(commune, ""), "33069");
  EXPECT_EQ(TenantCommune(commune, "33069"), "33069");
  EXPECT_EQ(TenantCommune(commune, "33063"), std::nullopt);
  EXPECT_EQ(TenantCommune(caf, "33063"), "33063");
  EXPECT_EQ(TenantCommune(caf, ""), "");
}

TEST(RequestListingTest, StateAndPageToken) {
  EXPECT_EQ(*WantedState(ctg::v1::REQUEST_STATE_UNSPECIFIED), std::nullopt);
  EXPECT_EQ(*WantedState(ctg::v1::EXPIRED), RequestState::kExpired);
  EXPECT_THAT(WantedState(static_cast<ctg::v1::RequestState>(42)).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "state: 42 is not a request state"));
  EXPECT_EQ(*PageTokenNumber("", &store::RequestNumberOf, "ListRequests"), 0);
  EXPECT_EQ(
      *PageTokenNumber("REQ-000042", &store::RequestNumberOf, "ListRequests"),
      42);
  EXPECT_THAT(
      PageTokenNumber("CREQ-000042", &store::RequestNumberOf, "ListRequests")
          .status(),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "page_token: not a token returned by ListRequests"));
}

// Requests numbered 1..7 in the store; the even ones are not listed.
class FillPageTest : public ::testing::Test {
 protected:
  absl::Status Fill(int page_size, int64_t before,
                    ctg::v1::ListRequestsResponse& response) {
    auto fetch = [&](int64_t below)
        -> absl::StatusOr<std::vector<store::StoredRequest>> {
      ++fetches_;
      std::vector<store::StoredRequest> rows;
      for (int64_t n = below == 0 ? 7 : below - 1;
           n >= 1 && static_cast<int>(rows.size()) < page_size; --n) {
        rows.emplace_back();
        rows.back().request.id = store::RequestIdOf(n);
      }
      return rows;
    };
    auto number_of = [](const store::StoredRequest& s) {
      return *store::RequestNumberOf(s.request.id);
    };
    auto add = [](const store::StoredRequest& s,
                  ctg::v1::ListRequestsResponse& out) {
      if (*store::RequestNumberOf(s.request.id) % 2 == 1)
        out.add_requests()->set_id(s.request.id);
      return absl::OkStatus();
    };
    return FillPage<store::StoredRequest, ctg::v1::ListRequestsResponse>(
        page_size, before, fetch, number_of, add, response);
  }

  static std::vector<std::string> Ids(
      const ctg::v1::ListRequestsResponse& response) {
    std::vector<std::string> ids;
    for (const auto& r : response.requests()) ids.push_back(r.id());
    return ids;
  }

  int fetches_ = 0;
};

TEST_F(FillPageTest, ReadsOnUntilThePageIsFull) {
  ctg::v1::ListRequestsResponse first;
  ASSERT_TRUE(Fill(2, 0, first).ok());
  EXPECT_THAT(Ids(first), ElementsAre("REQ-000007", "REQ-000005"));
  EXPECT_EQ(first.next_page_token(), "REQ-000005");
  EXPECT_EQ(fetches_, 2);  // 7, 6 then 5, 4

  // A full last page cannot know that nothing follows: the next one is
  // empty and has no token.
  ctg::v1::ListRequestsResponse second;
  ASSERT_TRUE(Fill(2, 5, second).ok());
  EXPECT_THAT(Ids(second), ElementsAre("REQ-000003", "REQ-000001"));
  EXPECT_EQ(second.next_page_token(), "REQ-000001");

  ctg::v1::ListRequestsResponse third;
  ASSERT_TRUE(Fill(2, 1, third).ok());
  EXPECT_EQ(third.requests_size(), 0);
  EXPECT_EQ(third.next_page_token(), "");
}

}  // namespace
}  // namespace ctg::gateway
