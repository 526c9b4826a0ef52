// store/requests_table: rows round-trip, ids, paging and filters, and the
// schema's guarantees: the declaration is immutable, the history is
// append-only, transitions chain and drive the state, versions have no gaps.
#include "store/sqlite/requests_table.h"

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/sqlite/conventions_table.h"
#include "store/sqlite/database.h"
#include "store/sqlite/schema.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace ctg::store::sqlite {
namespace {

using ::ctg::testing::IsOk;
using ::ctg::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr int kSubmitted = 1, kUnderStudy = 2, kInfoRequested = 3,
              kApproved = 4;
constexpr char kAlice[] = "spiffe://ctg.caf33.fr/commune/33069/requester/alice";
constexpr char kDenis[] = "spiffe://ctg.caf33.fr/caf/33/reviewer/denis";

class RequestsTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db =
        Database::Open({.path = dir_.path() + "/ctg.db"}, GatewayMigrations());
    ASSERT_THAT(db, IsOk());
    db_ = std::move(*db);
    // Requests name their convention (a foreign key).
    for (const char* commune : {"33069", "33162"}) {
      ConventionRow c;
      c.id = absl::StrCat("CTG-", commune, "-1");
      c.commune = commune;
      c.commune_name = "Commune";
      c.perimeter = {commune};
      c.valid_from = "2020-01-01";
      c.valid_until = "2027-12-31";
      c.caf_name = "Caf de la Gironde";
      ASSERT_THAT(
          Write([&](Connection& conn) { return InsertConvention(conn, c); }),
          IsOk());
    }
  }

  absl::Status Write(absl::FunctionRef<absl::Status(Connection&)> work) {
    return db_->Write([&](Transaction& tx) { return work(tx.conn()); });
  }

  // Files a request the way the service does: declaration, version 1,
  // submission transition.
  absl::StatusOr<std::string> File(const std::string& commune,
                                   int64_t time_us = 1000) {
    std::string id;
    absl::Status s = Write([&](Connection& c) -> absl::Status {
      auto next = NextRequestId(c);
      if (!next.ok()) return next.status();
      id = *next;
      RequestRow row;
      row.id = id;
      row.commune = commune;
      row.convention_id = absl::StrCat("CTG-", commune, "-1");
      row.purpose = "Diagnostic social de territoire";
      row.objective = "Axe I.2 veille sociale territoriale";
      row.requester = kAlice;
      row.retention_months = 12;
      row.recipients = {{1, "Direction de la cohésion sociale", ""},
                        {2, "Compas", "compas-analyse"}};
      row.create_time_us = time_us;
      if (absl::Status st = InsertRequest(c, row); !st.ok()) return st;
      VersionRow v;
      v.scope = {{"allocataires", "rsa"},
                 {"33069", "330690101"},
                 {"2023"},
                 {"family_type"}};
      v.justification = "Besoin du CCAS";
      v.author = kAlice;
      v.time_us = time_us;
      if (auto n = AppendVersion(c, id, v); !n.ok()) return n.status();
      return AppendTransition(c, id,
                              {0, kSubmitted, kAlice, time_us, "submitted"});
    });
    if (!s.ok()) return s;
    return id;
  }

  StoredRequest Get(const std::string& id) {
    StoredRequest out;
    EXPECT_THAT(db_->Read([&](Connection& c) -> absl::Status {
      auto r = GetRequest(c, id);
      if (!r.ok()) return r.status();
      out = *std::move(r);
      return absl::OkStatus();
    }),
                IsOk());
    return out;
  }

  absl::Status Exec(const std::string& sql) {
    return Write([&](Connection& c) { return c.Exec(sql); });
  }

  ctg::testing::TempDir dir_;
  std::unique_ptr<Database> db_;
};

TEST(RequestIdTest, FormatAndParse) {
  EXPECT_EQ(RequestIdOf(42), "REQ-000042");
  EXPECT_EQ(RequestIdOf(1234567), "REQ-1234567");
  EXPECT_EQ(RequestNumberOf("REQ-000042"), 42);
  EXPECT_EQ(RequestNumberOf("REQ-1234567"), 1234567);
  for (const char* bad :
       {"", "REQ-", "REQ-42", "REQ-0000042", "req-000042", "REQ-00004a",
        "REQ-000000", "REQ--00042", "REQ-000042 ", "CTG-33069-1"}) {
    EXPECT_EQ(RequestNumberOf(bad), std::nullopt) << bad;
  }
}

TEST_F(RequestsTableTest, RoundTripsARequestWithItsHistory) {
  CTG_ASSERT_OK_AND_ASSIGN(std::string id, File("33069"));
  EXPECT_EQ(id, "REQ-000001");
  ASSERT_THAT(
      Write([&](Connection& c) -> absl::Status {
        if (auto s = AppendTransition(
                c, id, {kSubmitted, kUnderStudy, kDenis, 2000, ""});
            !s.ok())
          return s;
        auto round = AppendQuestions(
            c, id, {"Quel service ?", "Quelle durée ?"}, kDenis, 3000);
        if (!round.ok()) return round.status();
        EXPECT_EQ(*round, 1);
        if (auto s = AppendTransition(
                c, id, {kUnderStudy, kInfoRequested, kDenis, 3000, "q"});
            !s.ok())
          return s;
        VersionRow v;
        v.scope = {{"rsa"}, {"330690101"}, {"2023"}, {}};
        v.justification = "Réduit";
        v.answer = "Le CCAS, 12 mois";
        v.author = kAlice;
        v.time_us = 4000;
        auto n = AppendVersion(c, id, v);
        if (!n.ok()) return n.status();
        EXPECT_EQ(*n, 2);
        if (auto s = AppendTransition(
                c, id, {kInfoRequested, kUnderStudy, kAlice, 4000, "a"});
            !s.ok())
          return s;
        if (auto s =
                AppendOpinion(c, id, {1, 1, "Dans l'axe I.2", kDenis, 2, 5000});
            !s.ok())
          return s;
        if (auto s = AppendOpinion(c, id, {2, 1, "Faisable", kDenis, 2, 5000});
            !s.ok())
          return s;
        if (auto s = InsertApproval(
                c, id, {{{"rsa"}, {"330690101"}, {"2023"}, {}}, 9000, 3, 5000});
            !s.ok())
          return s;
        return AppendTransition(c, id,
                                {kUnderStudy, kApproved, kDenis, 5000, "ok"});
      }),
      IsOk());

  StoredRequest r = Get(id);
  EXPECT_EQ(r.request.commune, "33069");
  EXPECT_EQ(r.request.convention_id, "CTG-33069-1");
  EXPECT_EQ(r.request.purpose, "Diagnostic social de territoire");
  EXPECT_EQ(r.request.retention_months, 12);
  EXPECT_EQ(r.request.state, kApproved);
  EXPECT_EQ(r.request.create_time_us, 1000);
  EXPECT_EQ(r.request.update_time_us, 5000);
  ASSERT_EQ(r.request.recipients.size(), 2u);
  EXPECT_EQ(r.request.recipients[1].operator_person, "compas-analyse");
  ASSERT_EQ(r.versions.size(), 2u);
  EXPECT_THAT(r.versions[0].scope.territories,
              ElementsAre("33069", "330690101"));
  EXPECT_THAT(r.versions[0].scope.breakdowns, ElementsAre("family_type"));
  EXPECT_EQ(r.versions[1].version, 2);
  EXPECT_TRUE(r.versions[1].scope.breakdowns.empty());
  EXPECT_EQ(r.versions[1].answer, "Le CCAS, 12 mois");
  ASSERT_EQ(r.transitions.size(), 5u);
  EXPECT_EQ(r.transitions[0].from_state, 0);
  EXPECT_EQ(r.transitions[4].to_state, kApproved);
  ASSERT_EQ(r.questions.size(), 2u);
  EXPECT_EQ(r.questions[1].text, "Quelle durée ?");
  EXPECT_EQ(r.questions[1].round, 1);
  ASSERT_EQ(r.opinions.size(), 2u);
  EXPECT_EQ(r.opinions[1].aspect, 2);
  EXPECT_EQ(r.opinions[1].version, 2);
  ASSERT_TRUE(r.approval.has_value());
  EXPECT_EQ(r.approval->end_time_us, 9000);
  EXPECT_EQ(r.approval->download_quota, 3);
}

TEST_F(RequestsTableTest, OpenEndedApprovalAndSecondApprovalRefused) {
  CTG_ASSERT_OK_AND_ASSIGN(std::string id, File("33069"));
  ASSERT_THAT(Write([&](Connection& c) {
                return InsertApproval(
                    c, id,
                    {{{"rsa"}, {"33069"}, {"2023"}, {}}, std::nullopt, 1, 5});
              }),
              IsOk());
  EXPECT_FALSE(Get(id).approval->end_time_us.has_value());
  EXPECT_THAT(Write([&](Connection& c) {
                return InsertApproval(
                    c, id, {{{"rsa"}, {"33069"}, {"2023"}, {}}, 7, 1, 6});
              }),
              StatusIs(absl::StatusCode::kAborted));
}

TEST_F(RequestsTableTest, MissingRequestIsNotFound) {
  EXPECT_THAT(
      db_->Read(
          [](Connection& c) { return GetRequest(c, "REQ-000009").status(); }),
      StatusIs(absl::StatusCode::kNotFound, "request REQ-000009 not found"));
  EXPECT_THAT(Write([](Connection& c) {
                return AppendTransition(c, "REQ-000009", {1, 2, kDenis, 1, ""});
              }),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(
      Write([](Connection& c) {
        return AppendQuestions(c, "REQ-000009", {"?"}, kDenis, 1).status();
      }),
      StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(RequestsTableTest, TransitionsChainFromTheCurrentState) {
  CTG_ASSERT_OK_AND_ASSIGN(std::string id, File("33069"));
  // From a state the request is not in.
  EXPECT_THAT(
      Write([&](Connection& c) {
        return AppendTransition(c, id, {kUnderStudy, kApproved, kDenis, 2, ""});
      }),
      StatusIs(absl::StatusCode::kAborted, HasSubstr("current state")));
  // A second "submission".
  EXPECT_THAT(Write([&](Connection& c) {
                return AppendTransition(c, id, {0, kSubmitted, kAlice, 2, ""});
              }),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("current state")));
  // The state column is never written directly.
  EXPECT_THAT(
      Exec(absl::StrCat("UPDATE requests SET state = 4 WHERE id = '", id, "'")),
      StatusIs(absl::StatusCode::kAborted, HasSubstr("recorded transition")));
  EXPECT_EQ(Get(id).request.state, kSubmitted);
  EXPECT_EQ(Get(id).transitions.size(), 1u);
  // A request is never inserted with a state.
  EXPECT_THAT(
      Exec("INSERT INTO requests VALUES ('REQ-000099', 99, '33069', "
           "'CTG-33069-1', "
           "'p', 'o', "
           "'r', 12, 1, 4, 1)"),
      StatusIs(absl::StatusCode::kAborted, HasSubstr("submission transition")));
}

TEST_F(RequestsTableTest, DeclarationIsImmutable) {
  CTG_ASSERT_OK_AND_ASSIGN(std::string id, File("33069"));
  for (const char* column :
       {"purpose", "objective", "commune", "convention_id", "requester",
        "retention_months", "create_time_us", "id", "number"}) {
    EXPECT_THAT(
        Exec(absl::StrCat("UPDATE requests SET ", column, " = ", column,
                          " WHERE id = '", id, "'")),
        StatusIs(absl::StatusCode::kAborted, HasSubstr("immutable (R2)")))
        << column;
  }
  EXPECT_THAT(Exec("DELETE FROM requests"),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("never deleted")));
  EXPECT_THAT(
      Exec("UPDATE request_recipients SET name = 'Autre'"),
      StatusIs(absl::StatusCode::kAborted, HasSubstr("immutable (R3)")));
  EXPECT_THAT(
      Exec("DELETE FROM request_recipients"),
      StatusIs(absl::StatusCode::kAborted, HasSubstr("immutable (R3)")));
  EXPECT_EQ(Get(id).request.purpose, "Diagnostic social de territoire");
}

TEST_F(RequestsTableTest, HistoryIsAppendOnly) {
  CTG_ASSERT_OK_AND_ASSIGN(std::string id, File("33069"));
  ASSERT_THAT(
      Write([&](Connection& c) -> absl::Status {
        if (auto s = AppendTransition(c, id,
                                      {kSubmitted, kUnderStudy, kDenis, 2, ""});
            !s.ok())
          return s;
        if (auto r = AppendQuestions(c, id, {"?"}, kDenis, 3); !r.ok())
          return r.status();
        if (auto s = AppendOpinion(c, id, {1, 1, "ok", kDenis, 1, 4}); !s.ok())
          return s;
        return InsertApproval(c, id,
                              {{{"rsa"}, {"33069"}, {"2023"}, {}}, 9, 1, 5});
      }),
      IsOk());
  for (const char* table :
       {"request_versions", "request_transitions", "request_questions",
        "request_opinions", "request_approvals"}) {
    EXPECT_THAT(
        Exec(absl::StrCat("UPDATE ", table, " SET request_id = request_id")),
        StatusIs(absl::StatusCode::kAborted, HasSubstr("append-only")))
        << table;
    EXPECT_THAT(Exec(absl::StrCat("DELETE FROM ", table)),
                StatusIs(absl::StatusCode::kAborted, HasSubstr("append-only")))
        << table;
  }
  StoredRequest r = Get(id);
  EXPECT_EQ(r.versions.size(), 1u);
  EXPECT_EQ(r.transitions.size(), 2u);
  EXPECT_EQ(r.questions.size(), 1u);
  EXPECT_EQ(r.opinions.size(), 1u);
  EXPECT_TRUE(r.approval.has_value());
}

TEST_F(RequestsTableTest, VersionsAreNumberedWithoutGaps) {
  CTG_ASSERT_OK_AND_ASSIGN(std::string id, File("33069"));
  EXPECT_THAT(
      Exec(absl::StrCat("INSERT INTO request_versions VALUES ('", id,
                        "', 3, 'rsa', '33069', '2023', '', '', '', 'x', 1)")),
      StatusIs(absl::StatusCode::kAborted, HasSubstr("without gaps")));
  int number = 0;
  ASSERT_THAT(Write([&](Connection& c) -> absl::Status {
                VersionRow v;
                v.scope = {{"rsa"}, {"33069"}, {"2022"}, {}};
                auto n = AppendVersion(c, id, v);
                if (!n.ok()) return n.status();
                number = *n;
                return absl::OkStatus();
              }),
              IsOk());
  EXPECT_EQ(number, 2);
}

TEST_F(RequestsTableTest, CodesWithWhitespaceAreRefused) {
  CTG_ASSERT_OK_AND_ASSIGN(std::string id, File("33069"));
  EXPECT_THAT(Write([&](Connection& c) {
                VersionRow v;
                v.scope = {{"rsa"}, {"33069 330690101"}, {"2023"}, {}};
                return AppendVersion(c, id, v).status();
              }),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "scope.territories: \"33069 330690101\" is not a code"));
  EXPECT_THAT(Write([&](Connection& c) {
                VersionRow v;
                v.scope = {{""}, {"33069"}, {"2023"}, {}};
                return AppendVersion(c, id, v).status();
              }),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("scope.indicators")));
  EXPECT_EQ(Get(id).versions.size(), 1u);
}

TEST_F(RequestsTableTest, InsertRefusesBadAndDuplicateIds) {
  RequestRow row;
  row.id = "REQ-42";
  EXPECT_THAT(Write([&](Connection& c) { return InsertRequest(c, row); }),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("not a request id")));
  CTG_ASSERT_OK_AND_ASSIGN(std::string id, File("33069"));
  row.id = id;
  EXPECT_THAT(Write([&](Connection& c) { return InsertRequest(c, row); }),
              StatusIs(absl::StatusCode::kAborted));
}

TEST_F(RequestsTableTest, ListsInEitherOrderWithFiltersAndPaging) {
  for (int i = 0; i < 5; ++i) {
    CTG_ASSERT_OK_AND_ASSIGN(std::string id,
                             File(i % 2 == 0 ? "33069" : "33162", 100 + i));
    EXPECT_EQ(id, RequestIdOf(i + 1));
  }
  ASSERT_THAT(Write([](Connection& c) {
                return AppendTransition(
                    c, "REQ-000003", {kSubmitted, kUnderStudy, kDenis, 9, ""});
              }),
              IsOk());
  auto list = [&](const RequestFilter& f, int limit) {
    std::vector<std::string> ids;
    EXPECT_THAT(db_->Read([&](Connection& c) -> absl::Status {
      auto rows = ListRequests(c, f, limit);
      if (!rows.ok()) return rows.status();
      for (const StoredRequest& r : *rows) {
        EXPECT_EQ(r.versions.size(), 1u);  // with their history
        ids.push_back(r.request.id);
      }
      return absl::OkStatus();
    }),
                IsOk());
    return ids;
  };
  EXPECT_THAT(list({}, 10),
              ElementsAre("REQ-000005", "REQ-000004", "REQ-000003",
                          "REQ-000002", "REQ-000001"));
  EXPECT_THAT(list({}, 2), ElementsAre("REQ-000005", "REQ-000004"));
  EXPECT_THAT(list({.before_number = 4}, 2),
              ElementsAre("REQ-000003", "REQ-000002"));
  EXPECT_THAT(list({.commune = "33069"}, 10),
              ElementsAre("REQ-000005", "REQ-000003", "REQ-000001"));
  EXPECT_THAT(list({.commune = "33162"}, 10),
              ElementsAre("REQ-000004", "REQ-000002"));
  EXPECT_THAT(list({.states = {kUnderStudy}}, 10), ElementsAre("REQ-000003"));
  EXPECT_THAT(list({.commune = "33069", .states = {kSubmitted}}, 10),
              ElementsAre("REQ-000005", "REQ-000001"));
  EXPECT_THAT(list({.states = {kApproved, 8}}, 10), ElementsAre());
  // Oldest first (a reviewer's queue), paged after the last number seen,
  // with the same filters.
  EXPECT_THAT(list({.oldest_first = true}, 10),
              ElementsAre("REQ-000001", "REQ-000002", "REQ-000003",
                          "REQ-000004", "REQ-000005"));
  EXPECT_THAT(list({.oldest_first = true}, 2),
              ElementsAre("REQ-000001", "REQ-000002"));
  EXPECT_THAT(list({.after_number = 2, .oldest_first = true}, 2),
              ElementsAre("REQ-000003", "REQ-000004"));
  EXPECT_THAT(list({.after_number = 4, .oldest_first = true}, 2),
              ElementsAre("REQ-000005"));
  EXPECT_THAT(
      list({.commune = "33069", .after_number = 1, .oldest_first = true}, 10),
      ElementsAre("REQ-000003", "REQ-000005"));
  EXPECT_THAT(
      list({.commune = "33069", .states = {kSubmitted}, .oldest_first = true},
           10),
      ElementsAre("REQ-000001", "REQ-000005"));
  // The next id follows the highest number.
  std::string next;
  ASSERT_THAT(db_->Read([&](Connection& c) -> absl::Status {
    auto n = NextRequestId(c);
    if (!n.ok()) return n.status();
    next = *n;
    return absl::OkStatus();
  }),
              IsOk());
  EXPECT_EQ(next, "REQ-000006");
}

}  // namespace
}  // namespace ctg::store::sqlite
