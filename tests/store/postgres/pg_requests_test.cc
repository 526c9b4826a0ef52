// store/postgres/pg_requests through the backend's sessions: the commune's
// requests round-trip with their whole history (the tables shared with the
// Caf's requests through pg_request_history), and the errors and refusals
// are those of SQLite (tests/store/sqlite/requests_table_test): unknown
// requests, codes with white space, opinions on no aspect, transitions
// that do not start from the current state; and they list as on SQLite:
// newest first by default, oldest first on demand (a reviewer's queue),
// each order paged by number, with the commune and state filters.
#include "store/postgres/pg_requests.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/postgres/pg_backend.h"
#include "tests/store/postgres/pg_test_cluster.h"
#include "tests/testing/status_matchers.h"

namespace ctg::store::postgres {
namespace {

using ::ctg::testing::IsOk;
using ::ctg::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace ::ctg::store::postgres::testing;

constexpr int kSubmitted = 1, kUnderStudy = 2, kInfoRequested = 3,
              kApproved = 4;
constexpr char kAlice[] = "spiffe://ctg.caf33.fr/commune/33069/requester/alice";
constexpr char kDenis[] = "spiffe://ctg.caf33.fr/caf/33/reviewer/denis";

class PgRequestsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto backend = PgBackend::Open(GatewayOptions(NewDatabase()));
    ASSERT_THAT(backend, IsOk());
    backend_ = *std::move(backend);
    ASSERT_THAT(
        Write([](WriteSession& s) -> absl::Status {
          CTG_RETURN_IF_ERROR(s.conventions().Insert(Convention("33069")));
          return s.conventions().Insert(Convention("33162"));
        }),
        IsOk());
  }

  absl::Status Write(absl::FunctionRef<absl::Status(WriteSession&)> work) {
    return backend_->Write(work);
  }
  absl::StatusOr<StoredRequest> Get(const std::string& id) {
    StoredRequest out;
    CTG_RETURN_IF_ERROR(backend_->Read([&](ReadSession& s) -> absl::Status {
      CTG_ASSIGN_OR_RETURN(out, s.requests().Get(id));
      return absl::OkStatus();
    }));
    return out;
  }

  // Files a request of `commune` as the service does: the declaration,
  // version 1 and the submission transition in one write.
  std::string File(const std::string& commune = "33069") {
    std::string id;
    EXPECT_THAT(Write([&](WriteSession& s) -> absl::Status {
                  RequestStore& store = s.requests();
                  CTG_ASSIGN_OR_RETURN(id, store.NextId());
                  RequestRow row;
                  row.id = id;
                  row.commune = commune;
                  row.convention_id = absl::StrCat("CTG-", commune, "-1");
                  row.purpose = "Diagnostic social de territoire";
                  row.objective = "Axe I.2";
                  row.requester = kAlice;
                  row.retention_months = 12;
                  row.recipients = {{1, "Direction de la cohésion sociale", ""},
                                    {2, "Compas", "compas-analyse"}};
                  row.create_time_us = 1000;
                  CTG_RETURN_IF_ERROR(store.Insert(row));
                  VersionRow v;
                  v.scope = {{"allocataires", "rsa"},
                             {commune, commune + "0101"},
                             {"2023"},
                             {"family_type"}};
                  v.justification = "Besoin du CCAS";
                  v.author = kAlice;
                  v.time_us = 1000;
                  CTG_RETURN_IF_ERROR(store.AppendVersion(id, v).status());
                  return store.AppendTransition(
                      id, {0, kSubmitted, kAlice, 1000, "submitted"});
                }),
                IsOk());
    return id;
  }

  // The ids `filter` lists, each with its history.
  std::vector<std::string> List(const RequestFilter& filter, int limit) {
    std::vector<std::string> ids;
    EXPECT_THAT(backend_->Read([&](ReadSession& s) -> absl::Status {
      CTG_ASSIGN_OR_RETURN(std::vector<StoredRequest> rows,
                           s.requests().List(filter, limit));
      for (const StoredRequest& r : rows) {
        EXPECT_EQ(r.versions.size(), 1u);
        ids.push_back(r.request.id);
      }
      return absl::OkStatus();
    }),
                IsOk());
    return ids;
  }

  std::unique_ptr<PgBackend> backend_;
};

TEST_F(PgRequestsTest, RoundTripsARequestWithItsHistory) {
  const std::string id = File();
  EXPECT_EQ(id, "REQ-000001");
  ASSERT_THAT(
      Write([&](WriteSession& s) -> absl::Status {
        RequestStore& store = s.requests();
        CTG_RETURN_IF_ERROR(store.AppendTransition(
            id, {kSubmitted, kUnderStudy, kDenis, 2000, ""}));
        CTG_ASSIGN_OR_RETURN(
            int round,
            store.AppendQuestions(id, {"Quel service ?", "Quelle durée ?"},
                                  kDenis, 3000));
        EXPECT_EQ(round, 1);
        CTG_RETURN_IF_ERROR(store.AppendTransition(
            id, {kUnderStudy, kInfoRequested, kDenis, 3000, "q"}));
        VersionRow v;
        v.scope = {{"rsa"}, {"330690101"}, {"2023"}, {}};
        v.answer = "Le CCAS, 12 mois";
        v.author = kAlice;
        v.time_us = 4000;
        CTG_ASSIGN_OR_RETURN(int version, store.AppendVersion(id, v));
        EXPECT_EQ(version, 2);
        CTG_RETURN_IF_ERROR(store.AppendTransition(
            id, {kInfoRequested, kUnderStudy, kAlice, 4000, "a"}));
        CTG_ASSIGN_OR_RETURN(round,
                             store.AppendQuestions(id, {"Et ?"}, kDenis, 4500));
        EXPECT_EQ(round, 2);
        CTG_RETURN_IF_ERROR(
            store.AppendOpinion(id, {1, 1, "Dans l'axe I.2", kDenis, 2, 5000}));
        CTG_RETURN_IF_ERROR(
            store.AppendOpinion(id, {2, 1, "Faisable", kDenis, 2, 5000}));
        CTG_RETURN_IF_ERROR(store.InsertApproval(
            id, {{{"rsa"}, {"330690101"}, {"2023"}, {}}, 9000, 3, 5000}));
        return store.AppendTransition(
            id, {kUnderStudy, kApproved, kDenis, 5000, "ok"});
      }),
      IsOk());

  CTG_ASSERT_OK_AND_ASSIGN(StoredRequest r, Get(id));
  EXPECT_EQ(r.request.commune, "33069");
  EXPECT_EQ(r.request.purpose, "Diagnostic social de territoire");
  EXPECT_EQ(r.request.retention_months, 12);
  EXPECT_EQ(r.request.state, kApproved);
  EXPECT_EQ(r.request.update_time_us, 5000);
  ASSERT_EQ(r.request.recipients.size(), 2u);
  EXPECT_EQ(r.request.recipients[1].operator_person, "compas-analyse");
  ASSERT_EQ(r.versions.size(), 2u);
  EXPECT_THAT(r.versions[0].scope.territories,
              ElementsAre("33069", "330690101"));
  EXPECT_EQ(r.versions[1].answer, "Le CCAS, 12 mois");
  ASSERT_EQ(r.transitions.size(), 5u);
  EXPECT_EQ(r.transitions[0].from_state, 0);
  EXPECT_EQ(r.transitions[0].reason, "submitted");
  EXPECT_EQ(r.transitions[4].to_state, kApproved);
  EXPECT_EQ(r.transitions[4].actor, kDenis);
  ASSERT_EQ(r.questions.size(), 3u);
  EXPECT_EQ(r.questions[1].text, "Quelle durée ?");
  EXPECT_EQ(r.questions[1].round, 1);
  EXPECT_EQ(r.questions[2].round, 2);
  EXPECT_EQ(r.questions[2].time_us, 4500);
  ASSERT_EQ(r.opinions.size(), 2u);
  EXPECT_EQ(r.opinions[0].reasoning, "Dans l'axe I.2");
  EXPECT_EQ(r.opinions[1].aspect, 2);
  EXPECT_EQ(r.opinions[1].version, 2);
  ASSERT_TRUE(r.approval.has_value());
  EXPECT_EQ(r.approval->end_time_us, 9000);
  EXPECT_EQ(r.approval->download_quota, 3);
}

TEST_F(PgRequestsTest, ErrorsNameTheProblem) {
  const std::string id = File();
  const auto not_found =
      StatusIs(absl::StatusCode::kNotFound, "request REQ-000009 not found");
  EXPECT_THAT(Get("REQ-000009"), not_found);
  EXPECT_THAT(Write([](WriteSession& s) {
                return s.requests().AppendTransition("REQ-000009",
                                                     {1, 2, kDenis, 1, ""});
              }),
              not_found);
  EXPECT_THAT(Write([](WriteSession& s) {
                return s.requests()
                    .AppendQuestions("REQ-000009", {"?"}, kDenis, 1)
                    .status();
              }),
              not_found);
  EXPECT_THAT(Write([](WriteSession& s) {
                return s.requests().AppendOpinion("REQ-000009",
                                                  {1, 1, "", kDenis, 1, 1});
              }),
              not_found);
  EXPECT_THAT(Write([&](WriteSession& s) {
                return s.requests().AppendOpinion(id, {3, 1, "", kDenis, 1, 1});
              }),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "opinion aspect 3 is neither 1 nor 2"));
  EXPECT_THAT(Write([&](WriteSession& s) {
                VersionRow v;
                v.scope = {{"rsa"}, {"two words"}, {}, {}};
                return s.requests().AppendVersion(id, v).status();
              }),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("scope.territories: \"two words\"")));
  // A transition must start from the request's current state (submitted).
  EXPECT_THAT(Write([&](WriteSession& s) {
                return s.requests().AppendTransition(
                    id, {kUnderStudy, kApproved, kDenis, 2, ""});
              }),
              StatusIs(absl::StatusCode::kAborted));
  // None of it was stored.
  CTG_ASSERT_OK_AND_ASSIGN(StoredRequest r, Get(id));
  EXPECT_EQ(r.versions.size(), 1u);
  EXPECT_EQ(r.transitions.size(), 1u);
  EXPECT_TRUE(r.opinions.empty());
  EXPECT_EQ(r.request.state, kSubmitted);
}

TEST_F(PgRequestsTest, ListsInEitherOrderWithFiltersAndPaging) {
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(File(i % 2 == 0 ? "33069" : "33162"), RequestIdOf(i + 1));
  }
  ASSERT_THAT(backend_->Write([](WriteSession& s) {
    return s.requests().AppendTransition(
        "REQ-000003", {kSubmitted, kUnderStudy, kAlice, 9, ""});
  }),
              IsOk());
  // Newest first (the default), paged below the last number seen.
  EXPECT_THAT(List({}, 10),
              ElementsAre("REQ-000005", "REQ-000004", "REQ-000003",
                          "REQ-000002", "REQ-000001"));
  EXPECT_THAT(List({.before_number = 4}, 2),
              ElementsAre("REQ-000003", "REQ-000002"));
  // Oldest first, paged above the last number seen.
  EXPECT_THAT(List({.oldest_first = true}, 10),
              ElementsAre("REQ-000001", "REQ-000002", "REQ-000003",
                          "REQ-000004", "REQ-000005"));
  EXPECT_THAT(List({.oldest_first = true}, 2),
              ElementsAre("REQ-000001", "REQ-000002"));
  EXPECT_THAT(List({.after_number = 2, .oldest_first = true}, 2),
              ElementsAre("REQ-000003", "REQ-000004"));
  EXPECT_THAT(List({.after_number = 4, .oldest_first = true}, 2),
              ElementsAre("REQ-000005"));
  EXPECT_THAT(
      List({.commune = "33069", .after_number = 1, .oldest_first = true}, 10),
      ElementsAre("REQ-000003", "REQ-000005"));
  EXPECT_THAT(
      List({.commune = "33069", .states = {kSubmitted}, .oldest_first = true},
           10),
      ElementsAre("REQ-000001", "REQ-000005"));
  EXPECT_THAT(List({.states = {kUnderStudy}, .oldest_first = true}, 10),
              ElementsAre("REQ-000003"));
}

}  // namespace
}  // namespace ctg::store::postgres
