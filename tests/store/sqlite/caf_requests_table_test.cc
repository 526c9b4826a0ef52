// store/sqlite/caf_requests_table and transfer_agreements_table: rows
// round-trip, and the schema's guarantees: declarations immutable, history
// append-only, transitions chain and drive the state, one upload per
// request (content-addressed), one decision per agreement.
#include "store/sqlite/caf_requests_table.h"

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/sqlite/conventions_table.h"
#include "store/sqlite/database.h"
#include "store/sqlite/requests_table.h"
#include "store/sqlite/schema.h"
#include "store/sqlite/transfer_agreements_table.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace ctg::store::sqlite {
namespace {

using ::ctg::testing::IsOk;
using ::ctg::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kHugo[] = "spiffe://ctg.caf33.fr/caf/33/requester/hugo";
constexpr char kInes[] = "spiffe://ctg.caf33.fr/commune/33069/reviewer/ines";

class CafRequestsTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db =
        Database::Open({.path = dir_.path() + "/ctg.db"}, GatewayMigrations());
    ASSERT_THAT(db, IsOk());
    db_ = std::move(*db);
    ConventionRow c;
    c.id = "CTG-33069-1";
    c.commune = "33069";
    c.commune_name = "Le Bouscat";
    c.perimeter = {"33069"};
    c.valid_from = "2020-01-01";
    c.valid_until = "2027-12-31";
    c.caf_name = "Caf de la Gironde";
    ASSERT_THAT(
        Write([&](Connection& conn) { return InsertConvention(conn, c); }),
        IsOk());
  }

  absl::Status Write(absl::FunctionRef<absl::Status(Connection&)> work) {
    return db_->Write([&](Transaction& tx) { return work(tx.conn()); });
  }

  std::string File() {
    std::string id;
    EXPECT_THAT(
        Write([&](Connection& c) -> absl::Status {
          auto next = NextCafRequestId(c);
          if (!next.ok()) return next.status();
          id = *next;
          CafRequestRow row{id,
                            "33069",
                            "CTG-33069-1",
                            "purpose",
                            "objective",
                            kHugo,
                            12,
                            {"Service action sociale"},
                            1000};
          if (auto s = InsertCafRequest(c, row); !s.ok()) return s;
          CafVersionRow v;
          v.description = "places";
          v.data_template =
              CafTemplateRow{{"territory", "n"}, {"330690101"}, {}};
          v.author = kHugo;
          v.time_us = 1000;
          if (auto s = AppendCafVersion(c, id, v); !s.ok()) return s.status();
          return AppendCafTransition(c, id, {0, 1, kHugo, 1000, "submitted"});
        }),
        IsOk());
    return id;
  }

  testing::TempDir dir_;
  std::unique_ptr<Database> db_;
};

TEST_F(CafRequestsTableTest, RoundTripAndHistory) {
  std::string id = File();
  EXPECT_EQ(id, "CREQ-000001");
  ASSERT_THAT(
      Write([&](Connection& c) -> absl::Status {
        if (auto s = AppendCafTransition(c, id, {1, 2, kInes, 2000, "study"});
            !s.ok()) {
          return s;
        }
        if (auto s = AppendCafOpinion(c, id, {1, 1, "ok", kInes, 1, 2100});
            !s.ok())
          return s;
        if (auto s = InsertCafApproval(c, id, {std::nullopt, 2, 2200}); !s.ok())
          return s;
        if (auto s =
                AppendCafTransition(c, id, {2, 4, kInes, 2200, "approved"});
            !s.ok()) {
          return s;
        }
        CafUploadRow u{"ab12", 10, 1, kInes, true, 3000};
        if (auto s = InsertCafUpload(c, id, u, "territory\n"); !s.ok())
          return s;
        return AppendCafDownload(c, id, kHugo, 4000).status();
      }),
      IsOk());
  absl::Status read = db_->Read([&](Connection& c) -> absl::Status {
    auto r = GetCafRequest(c, id);
    if (!r.ok()) return r.status();
    EXPECT_EQ(r->request.state, 4);
    EXPECT_THAT(r->request.recipients, ElementsAre("Service action sociale"));
    EXPECT_EQ(r->versions.size(), 1u);
    EXPECT_THAT(r->versions[0].data_template->columns,
                ElementsAre("territory", "n"));
    EXPECT_EQ(r->transitions.size(), 3u);
    EXPECT_EQ(r->opinions.size(), 1u);
    EXPECT_EQ(r->approval->download_quota, 2);
    EXPECT_EQ(r->upload->sha256, "ab12");
    EXPECT_EQ(r->downloads.size(), 1u);
    auto file = GetCafFile(c, "ab12");
    EXPECT_THAT(file, IsOk());
    EXPECT_EQ(*file, "territory\n");
    auto listed = ListCafRequests(c, {"33069", 0, 0}, 10);
    EXPECT_THAT(listed, IsOk());
    EXPECT_EQ(listed->size(), 1u);
    EXPECT_EQ(ListCafRequests(c, {"33162", 0, 0}, 10)->size(), 0u);
    return absl::OkStatus();
  });
  EXPECT_THAT(read, IsOk());
}

TEST_F(CafRequestsTableTest, AppendOnlyAndOnce) {
  std::string id = File();
  // A transition that does not start from the current state.
  EXPECT_THAT(Write([&](Connection& c) {
                return AppendCafTransition(c, id, {2, 4, kInes, 1, ""});
              }),
              StatusIs(absl::StatusCode::kAborted));
  EXPECT_THAT(Write([&](Connection& c) {
                return c.Exec("UPDATE caf_requests SET purpose = 'other'");
              }),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("immutable")));
  EXPECT_THAT(Write([&](Connection& c) {
                return c.Exec("DELETE FROM caf_request_versions");
              }),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("append-only")));
  CafUploadRow u{"cd34", 3, 0, kInes, true, 3000};
  EXPECT_THAT(
      Write([&](Connection& c) { return InsertCafUpload(c, id, u, "a\n"); }),
      IsOk());
  EXPECT_THAT(
      Write([&](Connection& c) { return InsertCafUpload(c, id, u, "a\n"); }),
      StatusIs(absl::StatusCode::kAborted));
  EXPECT_THAT(
      Write([&](Connection& c) { return c.Exec("DELETE FROM caf_files"); }),
      StatusIs(absl::StatusCode::kAborted, HasSubstr("append-only")));
  EXPECT_THAT(db_->Read([&](Connection& c) {
    return GetCafRequest(c, "CREQ-000009").status();
  }),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("request CREQ-000009 not found")));
}

TEST_F(CafRequestsTableTest, AgreementsDecidedOnce) {
  AgreementRow a;
  a.id = "AGR-000001";
  a.extract_id = "EXT-1";
  a.request_id = "REQ-000001";
  a.commune = "33069";
  a.convention_id = "CTG-33069-1";
  a.extract_sha256 = "ef";
  a.recipient = "Centre social";
  a.purpose = "atelier";
  a.requester = "spiffe://ctg.caf33.fr/commune/33069/requester/alice";
  a.create_time_us = 1000;
  // The agreement names a request of the requests table (a foreign key).
  EXPECT_THAT(Write([&](Connection& c) { return InsertAgreement(c, a); }),
              StatusIs(absl::StatusCode::kAborted));
  ASSERT_THAT(Write([&](Connection& c) {
                RequestRow r;
                r.id = "REQ-000001";
                r.commune = "33069";
                r.convention_id = "CTG-33069-1";
                r.purpose = "p";
                r.objective = "o";
                r.requester = a.requester;
                r.retention_months = 12;
                r.create_time_us = 500;
                return InsertRequest(c, r);
              }),
              IsOk());
  EXPECT_THAT(Write([&](Connection& c) { return InsertAgreement(c, a); }),
              IsOk());
  EXPECT_THAT(
      Write([&](Connection& c) {
        return InsertAgreementDecision(c, a.id, {2, "ok", "reviewer", 2000});
      }),
      IsOk());
  EXPECT_THAT(
      Write([&](Connection& c) {
        return InsertAgreementDecision(c, a.id, {3, "no", "reviewer", 3000});
      }),
      StatusIs(absl::StatusCode::kAborted));
  EXPECT_THAT(Write([&](Connection& c) {
                return c.Exec("UPDATE transfer_agreements SET recipient = 'x'");
              }),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("immutable")));
  absl::Status read = db_->Read([&](Connection& c) -> absl::Status {
    auto row = GetAgreement(c, a.id);
    if (!row.ok()) return row.status();
    EXPECT_EQ(row->decision->state, 2);
    EXPECT_EQ(row->decision->reasons, "ok");
    EXPECT_EQ(NextAgreementId(c).value(), "AGR-000002");
    EXPECT_THAT(GetReleaseByExtractId(c, "EXT-1"),
                StatusIs(absl::StatusCode::kNotFound,
                         HasSubstr("release EXT-1 not found")));
    return absl::OkStatus();
  });
  EXPECT_THAT(read, IsOk());
}

}  // namespace
}  // namespace ctg::store::sqlite
