#include "policy/request_state.h"

#include <map>
#include <set>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/identity.h"
#include "tests/testing/status_matchers.h"

namespace ctg::policy {
namespace {

using ::ctg::testing::IsOk;
using ::ctg::testing::StatusIs;
using ::testing::HasSubstr;
using S = RequestState;
using A = RequestAction;
using R = Role;

constexpr S kAllStates[] = {S::kSubmitted, S::kUnderStudy, S::kInfoRequested,
                            S::kApproved,  S::kRejected,   S::kWithdrawn,
                            S::kRevoked,   S::kExpired};
constexpr A kAllActions[] = {
    A::kStartStudy, A::kRequestInformation, A::kAmend,  A::kApprove,
    A::kReject,     A::kWithdraw,           A::kRevoke, A::kExpire};
constexpr R kAllRoles[] = {R::kRequester,      R::kOperator, R::kReviewer,
                           R::kAdmin,          R::kAuditor,  R::kCafRequester,
                           R::kCommuneReviewer};

// The issue's and domain.md's lifecycle, written out independently of the
// implementation: every legal (state, action) and where it leads.
const std::map<std::pair<S, A>, S>& ExpectedMoves() {
  static const auto* moves = new std::map<std::pair<S, A>, S>{
      {{S::kSubmitted, A::kStartStudy}, S::kUnderStudy},
      {{S::kUnderStudy, A::kRequestInformation}, S::kInfoRequested},
      {{S::kInfoRequested, A::kAmend}, S::kUnderStudy},
      {{S::kUnderStudy, A::kApprove}, S::kApproved},
      {{S::kUnderStudy, A::kReject}, S::kRejected},
      {{S::kInfoRequested, A::kReject}, S::kRejected},
      {{S::kSubmitted, A::kWithdraw}, S::kWithdrawn},
      {{S::kUnderStudy, A::kWithdraw}, S::kWithdrawn},
      {{S::kInfoRequested, A::kWithdraw}, S::kWithdrawn},
      {{S::kApproved, A::kRevoke}, S::kRevoked},
      {{S::kApproved, A::kExpire}, S::kExpired},
  };
  return *moves;
}

// api.md's "who" column for each action; expiry is nobody's.
const std::map<A, std::set<R>>& ExpectedRoles() {
  static const auto* roles = new std::map<A, std::set<R>>{
      {A::kStartStudy, {R::kReviewer}},
      {A::kRequestInformation, {R::kReviewer}},
      {A::kAmend, {R::kRequester}},
      {A::kApprove, {R::kReviewer}},
      {A::kReject, {R::kReviewer}},
      {A::kWithdraw, {R::kRequester}},
      {A::kRevoke, {R::kReviewer, R::kAdmin}},
      {A::kExpire, {}},
  };
  return *roles;
}

TEST(RequestStateTest, EveryStateActionAndRoleMatchesTheTable) {
  int legal = 0;
  for (S from : kAllStates) {
    for (A action : kAllActions) {
      for (R role : kAllRoles) {
        SCOPED_TRACE(absl::StrCat(RequestStateName(from), " ",
                                  RequestActionName(action), " by ",
                                  RoleName(role)));
        auto got = Transition(from, action, role, "REQ-12");
        bool role_ok = ExpectedRoles().at(action).count(role) > 0;
        auto move = ExpectedMoves().find({from, action});
        if (!role_ok) {
          EXPECT_THAT(got, StatusIs(absl::StatusCode::kPermissionDenied,
                                    HasSubstr(absl::StrCat(
                                        "role \"", RoleName(role), "\""))));
        } else if (move == ExpectedMoves().end()) {
          EXPECT_THAT(got, StatusIs(absl::StatusCode::kFailedPrecondition,
                                    HasSubstr(absl::StrCat(
                                        "request REQ-12 is ",
                                        RequestStateName(from), "; only "))));
        } else {
          ASSERT_THAT(got, IsOk());
          EXPECT_EQ(*got, move->second);
          ++legal;
        }
      }
    }
  }
  // Expiry is legal for nobody; revoke has two roles.
  EXPECT_EQ(legal, 10 + 1);
}

// R1 the other way: the Caf files, the commune studies and decides, with
// the same states and moves; only who may act changes.
const std::map<A, std::set<R>>& ExpectedCafToCommuneRoles() {
  static const auto* roles = new std::map<A, std::set<R>>{
      {A::kStartStudy, {R::kCommuneReviewer}},
      {A::kRequestInformation, {R::kCommuneReviewer}},
      {A::kAmend, {R::kCafRequester}},
      {A::kApprove, {R::kCommuneReviewer}},
      {A::kReject, {R::kCommuneReviewer}},
      {A::kWithdraw, {R::kCafRequester}},
      {A::kRevoke, {R::kCommuneReviewer}},
      {A::kExpire, {}},
  };
  return *roles;
}

TEST(RequestStateTest, CafToCommuneUsesTheSameMachineWithTheOtherParty) {
  const Direction d = Direction::kCafToCommune;
  int legal = 0;
  for (S from : kAllStates) {
    for (A action : kAllActions) {
      for (R role : kAllRoles) {
        SCOPED_TRACE(absl::StrCat(RequestStateName(from), " ",
                                  RequestActionName(action), " by ",
                                  RoleName(role)));
        EXPECT_EQ(MayPerform(role, action, d),
                  ExpectedCafToCommuneRoles().at(action).count(role) > 0);
        auto got = Transition(from, action, role, "CREQ-000001", d);
        auto move = ExpectedMoves().find({from, action});
        if (!MayPerform(role, action, d)) {
          EXPECT_THAT(got, StatusIs(absl::StatusCode::kPermissionDenied));
        } else if (move == ExpectedMoves().end()) {
          EXPECT_THAT(got, StatusIs(absl::StatusCode::kFailedPrecondition));
        } else {
          ASSERT_THAT(got, IsOk());
          EXPECT_EQ(*got, move->second);
          ++legal;
        }
      }
    }
  }
  EXPECT_EQ(legal, 10);
  EXPECT_THAT(
      Transition(S::kUnderStudy, A::kApprove, R::kReviewer, "CREQ-1", d),
      StatusIs(absl::StatusCode::kPermissionDenied,
               HasSubstr("only a reviewer of the commune may")));
  EXPECT_THAT(
      Transition(S::kSubmitted, A::kWithdraw, R::kRequester, "CREQ-1", d),
      StatusIs(absl::StatusCode::kPermissionDenied,
               HasSubstr("only a requester of the Caf may")));
}

// R8: tenant isolation holds the other way too: another commune's reviewer
// finds nothing.
TEST(RequestStateTest, CafToCommuneOtherCommuneIsNotFound) {
  Identity other;
  other.kind = OrganisationKind::kCommune;
  other.organisation = "33063";
  other.role = R::kCommuneReviewer;
  EXPECT_THAT(Transition(S::kSubmitted, A::kStartStudy, other, "33069",
                         "CREQ-000001", Direction::kCafToCommune),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("request CREQ-000001 not found")));
  other.organisation = "33069";
  EXPECT_THAT(Transition(S::kSubmitted, A::kStartStudy, other, "33069",
                         "CREQ-000001", Direction::kCafToCommune),
              IsOk());
}

TEST(RequestStateTest, PredicatesMatchTheTable) {
  for (S state : kAllStates) {
    for (A action : kAllActions) {
      EXPECT_EQ(IsLegalFrom(state, action),
                ExpectedMoves().count({state, action}) > 0)
          << RequestStateName(state) << " " << RequestActionName(action);
    }
  }
  for (A action : kAllActions) {
    for (R role : kAllRoles) {
      EXPECT_EQ(MayPerform(role, action),
                ExpectedRoles().at(action).count(role) > 0);
    }
  }
  for (const auto& [from_action, to] : ExpectedMoves()) {
    EXPECT_EQ(TargetState(from_action.second), to);
  }
}

TEST(RequestStateTest, TerminalStatesAllowNoActionAtAll) {
  const std::set<S> terminal = {S::kRejected, S::kWithdrawn, S::kRevoked,
                                S::kExpired};
  const std::set<S> pending = {S::kSubmitted, S::kUnderStudy,
                               S::kInfoRequested};
  for (S state : kAllStates) {
    EXPECT_EQ(IsTerminal(state), terminal.count(state) > 0);
    EXPECT_EQ(IsPending(state), pending.count(state) > 0);
    bool any_legal = false;
    for (A action : kAllActions) any_legal |= IsLegalFrom(state, action);
    EXPECT_EQ(any_legal, !IsTerminal(state)) << RequestStateName(state);
  }
}

TEST(RequestStateTest, ExactMessages) {
  EXPECT_THAT(Transition(S::kApproved, A::kWithdraw, R::kRequester, "REQ-12"),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "request REQ-12 is APPROVED; only SUBMITTED, "
                       "UNDER_STUDY or INFO_REQUESTED requests can be "
                       "withdrawn"));
  EXPECT_THAT(Transition(S::kSubmitted, A::kApprove, R::kReviewer, "REQ-3"),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "request REQ-3 is SUBMITTED; only UNDER_STUDY requests "
                       "can be approved"));
  EXPECT_THAT(Transition(S::kSubmitted, A::kReject, R::kReviewer),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "request is SUBMITTED; only UNDER_STUDY or "
                       "INFO_REQUESTED requests can be rejected"));
  EXPECT_THAT(Transition(S::kUnderStudy, A::kStartStudy, R::kReviewer, "R"),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "request R is UNDER_STUDY; only SUBMITTED requests can "
                       "be taken into study"));
  EXPECT_THAT(
      Transition(S::kInfoRequested, A::kRequestInformation, R::kReviewer, "R"),
      StatusIs(absl::StatusCode::kFailedPrecondition,
               "request R is INFO_REQUESTED; only UNDER_STUDY "
               "requests can be sent questions"));
  EXPECT_THAT(Transition(S::kUnderStudy, A::kAmend, R::kRequester, "R"),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "request R is UNDER_STUDY; only INFO_REQUESTED "
                       "requests can be amended"));
  EXPECT_THAT(Transition(S::kExpired, A::kRevoke, R::kAdmin, "R"),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "request R is EXPIRED; only APPROVED requests can be "
                       "revoked"));
  EXPECT_THAT(Transition(S::kUnderStudy, A::kApprove, R::kRequester, "R"),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       "role \"requester\" may not approve a request; only a "
                       "reviewer may"));
  EXPECT_THAT(Transition(S::kSubmitted, A::kWithdraw, R::kOperator, "R"),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       "role \"operator\" may not withdraw a request; only a "
                       "requester of the request's commune may"));
  EXPECT_THAT(Transition(S::kApproved, A::kRevoke, R::kAuditor, "R"),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       "role \"auditor\" may not revoke a request; only a "
                       "reviewer or an admin may"));
  EXPECT_THAT(Transition(S::kApproved, A::kExpire, R::kAdmin, "R"),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       "role \"admin\" may not expire a request; expiry is "
                       "recorded by the gateway itself"));
}

TEST(RequestStateTest, RoleIsCheckedBeforeState) {
  // A requester approving a withdrawn request: the role is the first error.
  EXPECT_THAT(Transition(S::kWithdrawn, A::kApprove, R::kRequester),
              StatusIs(absl::StatusCode::kPermissionDenied));
}

Identity MakeIdentity(OrganisationKind kind, std::string org, Role role) {
  Identity id;
  id.kind = kind;
  id.organisation = std::move(org);
  id.role = role;
  id.person = "p";
  id.spiffe_id = "spiffe://test/" + id.OrganisationPath() + "/x/p";
  return id;
}

TEST(RequestStateTest, OtherCommuneIsNotFoundWhateverTheAction) {
  Identity other =
      MakeIdentity(OrganisationKind::kCommune, "33063", R::kRequester);
  for (S from : kAllStates) {
    for (A action : kAllActions) {
      EXPECT_THAT(
          Transition(from, action, other, "33069", "REQ-7"),
          StatusIs(absl::StatusCode::kNotFound, "request REQ-7 not found"));
    }
  }
  EXPECT_EQ(CheckRequestVisible(other, "33069", "REQ-7"),
            RequestNotFound("REQ-7"));
  Identity op = MakeIdentity(OrganisationKind::kCommune, "33063", R::kOperator);
  EXPECT_THAT(CheckRequestVisible(op, "33069", "REQ-7"),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST(RequestStateTest, OwnCommuneAndCafActAccordingToRole) {
  Identity own =
      MakeIdentity(OrganisationKind::kCommune, "33069", R::kRequester);
  Identity reviewer = MakeIdentity(OrganisationKind::kCaf, "33", R::kReviewer);
  Identity auditor = MakeIdentity(OrganisationKind::kCaf, "33", R::kAuditor);
  EXPECT_THAT(CheckRequestVisible(own, "33069", "REQ-7"), IsOk());
  EXPECT_THAT(CheckRequestVisible(reviewer, "33069", "REQ-7"), IsOk());
  EXPECT_THAT(CheckRequestVisible(auditor, "33069", "REQ-7"), IsOk());

  auto withdrawn =
      Transition(S::kInfoRequested, A::kWithdraw, own, "33069", "REQ-7");
  ASSERT_THAT(withdrawn, IsOk());
  EXPECT_EQ(*withdrawn, S::kWithdrawn);
  auto studied =
      Transition(S::kSubmitted, A::kStartStudy, reviewer, "33069", "REQ-7");
  ASSERT_THAT(studied, IsOk());
  EXPECT_EQ(*studied, S::kUnderStudy);
  EXPECT_THAT(Transition(S::kSubmitted, A::kStartStudy, own, "33069", "REQ-7"),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Transition(S::kApproved, A::kWithdraw, own, "33069", "REQ-7"),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("request REQ-7 is APPROVED")));
}

TEST(RequestStateTest, EffectiveState) {
  const absl::Time end = absl::FromUnixSeconds(1'735'689'600);  // 2025-01-01
  const absl::Time before = end - absl::Seconds(1);
  EXPECT_EQ(EffectiveState(S::kApproved, before, end, false), S::kApproved);
  EXPECT_EQ(EffectiveState(S::kApproved, end, end, false), S::kExpired);
  EXPECT_EQ(EffectiveState(S::kApproved, end + absl::Hours(1), end, false),
            S::kExpired);
  EXPECT_EQ(EffectiveState(S::kApproved, before, end, true), S::kExpired);
  EXPECT_EQ(EffectiveState(S::kApproved, before, absl::InfiniteFuture(), false),
            S::kApproved);
  EXPECT_EQ(EffectiveState(S::kApproved, before, absl::InfiniteFuture(), true),
            S::kExpired);
  // Only approvals expire.
  for (S state : kAllStates) {
    if (state == S::kApproved) continue;
    EXPECT_EQ(EffectiveState(state, end + absl::Hours(1), end, true), state);
  }
}

TEST(RequestStateTest, NamesAndNumbers) {
  const std::map<S, std::string> names = {{S::kSubmitted, "SUBMITTED"},
                                          {S::kUnderStudy, "UNDER_STUDY"},
                                          {S::kInfoRequested, "INFO_REQUESTED"},
                                          {S::kApproved, "APPROVED"},
                                          {S::kRejected, "REJECTED"},
                                          {S::kWithdrawn, "WITHDRAWN"},
                                          {S::kRevoked, "REVOKED"},
                                          {S::kExpired, "EXPIRED"}};
  int number = 1;
  for (S state : kAllStates) {
    EXPECT_EQ(RequestStateName(state), names.at(state));
    // The proto numbering (ctg.v1.RequestState).
    EXPECT_EQ(static_cast<int>(state), number);
    EXPECT_EQ(RequestStateFromNumber(number), state);
    ++number;
  }
  EXPECT_EQ(RequestStateFromNumber(0), std::nullopt);
  EXPECT_EQ(RequestStateFromNumber(9), std::nullopt);
  EXPECT_EQ(RequestStateFromNumber(-1), std::nullopt);
  std::set<std::string> action_names;
  for (A action : kAllActions) {
    action_names.insert(std::string(RequestActionName(action)));
  }
  EXPECT_EQ(action_names.size(), static_cast<size_t>(kRequestActionCount));
}

TEST(IsDeclaredOperatorTest, OnlyTheOperatorsTheRequestNames) {
  const std::vector<std::string> declared = {"compas-analyse", "autre"};
  EXPECT_TRUE(IsDeclaredOperator(declared, "compas-analyse"));
  EXPECT_TRUE(IsDeclaredOperator(declared, "autre"));
  EXPECT_FALSE(IsDeclaredOperator(declared, "compas"));
  EXPECT_FALSE(IsDeclaredOperator(declared, ""));
  EXPECT_FALSE(IsDeclaredOperator({}, "compas-analyse"));
}

TEST(MayReadRequestTest,
     AnOperatorReadsOnlyTheRequestsOfItsCommuneThatDeclareIt) {
  const Identity op{.kind = OrganisationKind::kCommune,
                    .organisation = "33069",
                    .role = Role::kOperator,
                    .person = "compas-analyse"};
  const Identity requester{.kind = OrganisationKind::kCommune,
                           .organisation = "33069",
                           .role = Role::kRequester,
                           .person = "alice"};
  const Identity reviewer{.kind = OrganisationKind::kCaf,
                          .organisation = "33",
                          .role = Role::kReviewer,
                          .person = "bob"};
  const std::vector<std::string> declared = {"compas-analyse"};
  EXPECT_TRUE(MayReadRequest(op, "33069", "REQ-000001", declared));
  EXPECT_FALSE(MayReadRequest(op, "33069", "REQ-000001", {}));
  EXPECT_FALSE(MayReadRequest(op, "33162", "REQ-000001", declared));
  EXPECT_TRUE(MayReadRequest(requester, "33069", "REQ-000001", {}));
  EXPECT_FALSE(MayReadRequest(requester, "33162", "REQ-000001", {}));
  EXPECT_TRUE(MayReadRequest(reviewer, "33162", "REQ-000001", {}));
}

TEST(CheckMayDownloadTest, AnOperatorDownloadsOnlyWhatDeclaresItR3) {
  const Identity op{.kind = OrganisationKind::kCommune,
                    .organisation = "33069",
                    .role = Role::kOperator,
                    .person = "compas-analyse"};
  const Identity requester{.kind = OrganisationKind::kCommune,
                           .organisation = "33069",
                           .role = Role::kRequester,
                           .person = "alice"};
  const std::vector<std::string> declared = {"compas-analyse"};
  EXPECT_THAT(CheckMayDownload(op, "33069", "REQ-000001", declared), IsOk());
  EXPECT_THAT(
      CheckMayDownload(op, "33069", "REQ-000001", {}),
      StatusIs(
          absl::StatusCode::kPermissionDenied,
          HasSubstr("operator compas-analyse is not declared as a recipient of "
                    "request REQ-000001 (R3)")));
  EXPECT_THAT(CheckMayDownload(op, "33162", "REQ-000001", declared),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(CheckMayDownload(requester, "33069", "REQ-000001", {}), IsOk());
}

}  // namespace
}  // namespace ctg::policy
