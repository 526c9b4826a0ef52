// store/postgres/pg_article7 through the backend's sessions: the Caf's
// requests and the onward-transfer agreements round-trip, and the schema's
// guarantees hold as on SQLite (tests/store/sqlite/caf_requests_table_test):
// declarations immutable, histories append-only, transitions chained and
// driving the state, one approval and one upload per request (files
// content-addressed), one decision per agreement, numbering without gaps,
// listings per commune, the same errors.
#include "store/postgres/pg_article7.h"

#include <memory>
#include <string>
#include <thread>
#include <tuple>
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
using ::testing::IsEmpty;
using namespace ::ctg::store::postgres::testing;

constexpr char kHugo[] = "spiffe://ctg.caf33.fr/caf/33/requester/hugo";
constexpr char kInes[] = "spiffe://ctg.caf33.fr/commune/33069/reviewer/ines";
constexpr char kAlice[] = "spiffe://ctg.caf33.fr/commune/33069/requester/alice";

class PgArticle7Test : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = NewDatabase();
    auto backend = PgBackend::Open(GatewayOptions(db_));
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
  absl::Status Read(absl::FunctionRef<absl::Status(ReadSession&)> work) {
    return backend_->Read(work);
  }
  absl::StatusOr<StoredCafRequest> GetRequest(const std::string& id) {
    StoredCafRequest out;
    CTG_RETURN_IF_ERROR(Read([&](ReadSession& s) -> absl::Status {
      CTG_ASSIGN_OR_RETURN(out, s.caf_requests().Get(id));
      return absl::OkStatus();
    }));
    return out;
  }

  // Files a request to `commune` as the service does: the declaration,
  // version 1 and the submission transition in one write.
  std::string File(const std::string& commune = "33069") {
    std::string id;
    EXPECT_THAT(
        Write([&](WriteSession& s) -> absl::Status {
          CTG_ASSIGN_OR_RETURN(id, s.caf_requests().NextId());
          CafRequestRow row{id,
                            commune,
                            absl::StrCat("CTG-", commune, "-1"),
                            "purpose",
                            "objective",
                            kHugo,
                            12,
                            {"Service action sociale", "Observatoire"},
                            1000};
          CTG_RETURN_IF_ERROR(s.caf_requests().Insert(row));
          CafVersionRow v;
          v.description = "places";
          v.data_template =
              CafTemplateRow{{"territory", "n"}, {"330690101"}, {}};
          v.author = kHugo;
          v.time_us = 1000;
          CTG_RETURN_IF_ERROR(s.caf_requests().AppendVersion(id, v).status());
          return s.caf_requests().AppendTransition(
              id, {0, 1, kHugo, 1000, "submitted"});
        }),
        IsOk());
    return id;
  }

  std::string GatewayUrl() const {
    return WithDatabase(Cluster().gateway_url, db_);
  }

  std::string db_;
  std::unique_ptr<PgBackend> backend_;
};

TEST_F(PgArticle7Test, CafRequestRoundTripsWithItsHistory) {
  std::string id = File();
  EXPECT_EQ(id, "CREQ-000001");
  const std::string content("territory;n\n330690101;\0\x01\n", 24);
  int round1 = 0, round2 = 0, version2 = 0, download1 = 0, download2 = 0;
  ASSERT_THAT(
      Write([&](WriteSession& s) -> absl::Status {
        CafRequestStore& store = s.caf_requests();
        CTG_RETURN_IF_ERROR(
            store.AppendTransition(id, {1, 2, kInes, 2000, "study"}));
        CTG_ASSIGN_OR_RETURN(
            round1, store.AppendQuestions(id, {"q1", "q2"}, kInes, 2010));
        CafVersionRow v;
        v.description = "places, by age";
        v.answer = "by age";
        v.author = kHugo;
        v.time_us = 2020;
        CTG_ASSIGN_OR_RETURN(version2, store.AppendVersion(id, v));
        CTG_ASSIGN_OR_RETURN(round2,
                             store.AppendQuestions(id, {"q3"}, kInes, 2030));
        CTG_RETURN_IF_ERROR(
            store.AppendOpinion(id, {1, 1, "ok", kInes, 2, 2100}));
        CTG_RETURN_IF_ERROR(
            store.AppendOpinion(id, {2, 2, "hard", kInes, 2, 2110}));
        CTG_RETURN_IF_ERROR(store.InsertApproval(id, {5000, 2, 2200}));
        CTG_RETURN_IF_ERROR(
            store.AppendTransition(id, {2, 4, kInes, 2200, "approved"}));
        CTG_RETURN_IF_ERROR(store.InsertUpload(
            id, {"ab12", 24, 1, kInes, true, 3000}, content));
        CTG_ASSIGN_OR_RETURN(download1, store.AppendDownload(id, kHugo, 4000));
        CTG_ASSIGN_OR_RETURN(download2, store.AppendDownload(id, kHugo, 4100));
        return absl::OkStatus();
      }),
      IsOk());
  EXPECT_EQ(round1, 1);
  EXPECT_EQ(round2, 2);
  EXPECT_EQ(version2, 2);
  EXPECT_EQ(download1, 1);
  EXPECT_EQ(download2, 2);

  CTG_ASSERT_OK_AND_ASSIGN(StoredCafRequest r, GetRequest(id));
  EXPECT_EQ(r.request.id, id);
  EXPECT_EQ(r.request.commune, "33069");
  EXPECT_EQ(r.request.convention_id, "CTG-33069-1");
  EXPECT_EQ(r.request.purpose, "purpose");
  EXPECT_EQ(r.request.objective, "objective");
  EXPECT_EQ(r.request.requester, kHugo);
  EXPECT_EQ(r.request.retention_months, 12);
  EXPECT_THAT(r.request.recipients,
              ElementsAre("Service action sociale", "Observatoire"));
  EXPECT_EQ(r.request.create_time_us, 1000);
  EXPECT_EQ(r.request.state, 4);  // its last transition's
  EXPECT_EQ(r.request.update_time_us, 2200);
  ASSERT_EQ(r.versions.size(), 2u);
  ASSERT_TRUE(r.versions[0].data_template.has_value());
  EXPECT_THAT(r.versions[0].data_template->columns,
              ElementsAre("territory", "n"));
  EXPECT_THAT(r.versions[0].data_template->territories,
              ElementsAre("330690101"));
  EXPECT_THAT(r.versions[0].data_template->periods, IsEmpty());
  EXPECT_FALSE(r.versions[1].data_template.has_value());
  EXPECT_EQ(r.versions[1].version, 2);
  EXPECT_EQ(r.versions[1].answer, "by age");
  ASSERT_EQ(r.transitions.size(), 3u);
  EXPECT_EQ(r.transitions[2].from_state, 2);
  EXPECT_EQ(r.transitions[2].to_state, 4);
  EXPECT_EQ(r.transitions[2].reason, "approved");
  ASSERT_EQ(r.questions.size(), 3u);
  EXPECT_EQ(r.questions[2].round, 2);
  EXPECT_EQ(r.questions[2].text, "q3");
  ASSERT_EQ(r.opinions.size(), 2u);
  EXPECT_EQ(r.opinions[1].aspect, 2);
  EXPECT_EQ(r.opinions[1].value, 2);
  EXPECT_EQ(r.opinions[1].version, 2);
  ASSERT_TRUE(r.approval.has_value());
  EXPECT_EQ(r.approval->end_time_us, 5000);
  EXPECT_EQ(r.approval->download_quota, 2);
  ASSERT_TRUE(r.upload.has_value());
  EXPECT_EQ(r.upload->sha256, "ab12");
  EXPECT_EQ(r.upload->size_bytes, 24);
  EXPECT_TRUE(r.upload->no_personal_data);
  EXPECT_EQ(r.upload->uploader, kInes);
  ASSERT_EQ(r.downloads.size(), 2u);
  EXPECT_EQ(r.downloads[1].download, 2);
  EXPECT_EQ(r.downloads[1].time_us, 4100);
  EXPECT_THAT(
      Read([&](ReadSession& s) -> absl::Status {
        CTG_ASSIGN_OR_RETURN(std::string file, s.caf_requests().File("ab12"));
        EXPECT_EQ(file, content);  // bytes, NUL included
        EXPECT_THAT(s.caf_requests().File("ffff"),
                    StatusIs(absl::StatusCode::kNotFound,
                             HasSubstr("file ffff not found")));
        CTG_ASSIGN_OR_RETURN(std::string next, s.caf_requests().NextId());
        EXPECT_EQ(next, "CREQ-000002");
        return absl::OkStatus();
      }),
      IsOk());
}

TEST_F(PgArticle7Test, CafRequestWithoutEndOrTemplate) {
  std::string id = File();
  ASSERT_THAT(
      Write([&](WriteSession& s) {
        return s.caf_requests().InsertApproval(id, {std::nullopt, 1, 2200});
      }),
      IsOk());
  CTG_ASSERT_OK_AND_ASSIGN(StoredCafRequest r, GetRequest(id));
  ASSERT_TRUE(r.approval.has_value());
  EXPECT_FALSE(r.approval->end_time_us.has_value());
  EXPECT_FALSE(r.upload.has_value());
  EXPECT_THAT(r.downloads, IsEmpty());
}

TEST_F(PgArticle7Test, CafRequestHistoryIsAppendOnlyAndOnce) {
  std::string id = File();
  // A transition that does not start from the current state.
  EXPECT_THAT(
      Write([&](WriteSession& s) {
        return s.caf_requests().AppendTransition(id, {2, 4, kInes, 1, ""});
      }),
      StatusIs(absl::StatusCode::kAborted,
               HasSubstr("starts from the request's current state")));
  // The declaration is immutable, even to a role allowed to update the
  // table (for its state); the history cannot be deleted, even by the
  // superuser.
  EXPECT_THAT(ExecAs(GatewayUrl(), "UPDATE caf_requests SET purpose = 'other'"),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("immutable")));
  EXPECT_THAT(ExecAs(GatewayUrl(), "UPDATE caf_requests SET state = 4"),
              StatusIs(absl::StatusCode::kAborted,
                       HasSubstr("only with a recorded transition")));
  EXPECT_THAT(AdminExec(db_, "DELETE FROM caf_request_versions"),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("append-only")));
  EXPECT_THAT(AdminExec(db_, "DELETE FROM caf_requests"),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("never deleted")));

  // One approval, one upload.
  ASSERT_THAT(
      Write([&](WriteSession& s) {
        return s.caf_requests().InsertApproval(id, {std::nullopt, 2, 2200});
      }),
      IsOk());
  EXPECT_THAT(
      Write([&](WriteSession& s) {
        return s.caf_requests().InsertApproval(id, {std::nullopt, 9, 2300});
      }),
      StatusIs(absl::StatusCode::kAborted));
  CafUploadRow u{"cd34", 3, 0, kInes, true, 3000};
  ASSERT_THAT(Write([&](WriteSession& s) {
                return s.caf_requests().InsertUpload(id, u, "a\n");
              }),
              IsOk());
  CafUploadRow other{"ef56", 3, 0, kInes, true, 3100};
  EXPECT_THAT(Write([&](WriteSession& s) {
                return s.caf_requests().InsertUpload(id, other, "b\n");
              }),
              StatusIs(absl::StatusCode::kAborted));
  EXPECT_THAT(AdminExec(db_, "DELETE FROM caf_files"),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("append-only")));
  EXPECT_THAT(AdminExec(db_, "UPDATE caf_request_uploads SET rows = 7"),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("append-only")));

  // Nothing of the refused calls was kept: the first approval and upload
  // stand, and the refused upload's file was not stored either.
  CTG_ASSERT_OK_AND_ASSIGN(StoredCafRequest r, GetRequest(id));
  EXPECT_EQ(r.request.state, 1);
  EXPECT_EQ(r.approval->download_quota, 2);
  EXPECT_EQ(r.upload->sha256, "cd34");
  EXPECT_THAT(Read([&](ReadSession& s) {
                return s.caf_requests().File("ef56").status();
              }),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(PgArticle7Test, CafRequestErrorsNameTheProblem) {
  std::string id = File();
  const auto not_found = StatusIs(absl::StatusCode::kNotFound,
                                  HasSubstr("request CREQ-000009 not found"));
  EXPECT_THAT(GetRequest("CREQ-000009"), not_found);
  // An id echoed in an error is made safe to print, as on SQLite.
  EXPECT_THAT(GetRequest("CREQ\n9"), StatusIs(absl::StatusCode::kNotFound,
                                              "request CREQ\\x0A9 not found"));
  EXPECT_THAT(Write([&](WriteSession& s) {
                return s.caf_requests()
                    .AppendDownload("CREQ-000009", kHugo, 1)
                    .status();
              }),
              not_found);
  EXPECT_THAT(Write([&](WriteSession& s) {
                return s.caf_requests().AppendTransition("CREQ-000009",
                                                         {0, 1, kHugo, 1, ""});
              }),
              not_found);
  EXPECT_THAT(Write([&](WriteSession& s) {
                CafRequestRow row;
                row.id = "REQ-1";
                return s.caf_requests().Insert(row);
              }),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("is not a request id")));
  EXPECT_THAT(Write([&](WriteSession& s) {
                CafRequestRow row{
                    id, "33069", "CTG-33069-1", "p", "o", kHugo, 1, {}, 1};
                return s.caf_requests().Insert(row);
              }),
              StatusIs(absl::StatusCode::kAborted));
  EXPECT_THAT(
      Write([&](WriteSession& s) {
        CafRequestRow row{"CREQ-000002", "33069", "CTG-33069-1",  "p", "o",
                          kHugo,         1,       {"two\nlines"}, 1};
        return s.caf_requests().Insert(row);
      }),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("recipients")));
  EXPECT_THAT(
      Write([&](WriteSession& s) {
        CafRequestRow row{
            "CREQ-000002", "33069", "CTG-UNKNOWN", "p", "o", kHugo, 1, {}, 1};
        return s.caf_requests().Insert(row);
      }),
      StatusIs(absl::StatusCode::kAborted));
  EXPECT_THAT(
      Write([&](WriteSession& s) {
        return s.caf_requests().AppendOpinion(id, {3, 1, "", kInes, 1, 1});
      }),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("aspect 3")));
  EXPECT_THAT(Write([&](WriteSession& s) {
                CafVersionRow v;
                v.data_template = CafTemplateRow{{"two words"}, {}, {}};
                return s.caf_requests().AppendVersion(id, v).status();
              }),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("data_template.columns")));
  // None of it was stored.
  CTG_ASSERT_OK_AND_ASSIGN(StoredCafRequest r, GetRequest(id));
  EXPECT_EQ(r.versions.size(), 1u);
  EXPECT_THAT(r.opinions, IsEmpty());
  EXPECT_THAT(Read([&](ReadSession& s) -> absl::Status {
                CTG_ASSIGN_OR_RETURN(auto all, s.caf_requests().List({}, 10));
                EXPECT_EQ(all.size(), 1u);
                return absl::OkStatus();
              }),
              IsOk());
}

// Listings are per commune (the tenant), newest first, filtered by state
// and paged by number.
TEST_F(PgArticle7Test, CafRequestListingsArePerCommune) {
  std::string first = File("33069");
  std::string other = File("33162");
  std::string third = File("33069");
  ASSERT_THAT(Write([&](WriteSession& s) {
                return s.caf_requests().AppendTransition(
                    third, {1, 3, kInes, 2000, "rejected"});
              }),
              IsOk());
  auto ids = [&](const CafRequestFilter& filter, int limit) {
    std::vector<std::string> out;
    EXPECT_THAT(Read([&](ReadSession& s) -> absl::Status {
                  CTG_ASSIGN_OR_RETURN(auto listed,
                                       s.caf_requests().List(filter, limit));
                  for (const StoredCafRequest& r : listed) {
                    EXPECT_EQ(r.versions.size(), 1u);  // each with its history
                    out.push_back(r.request.id);
                  }
                  return absl::OkStatus();
                }),
                IsOk());
    return out;
  };
  EXPECT_THAT(ids({"33069", 0, 0}, 10), ElementsAre(third, first));
  EXPECT_THAT(ids({"33162", 0, 0}, 10), ElementsAre(other));
  EXPECT_THAT(ids({"33063", 0, 0}, 10), IsEmpty());
  EXPECT_THAT(ids({"", 0, 0}, 10), ElementsAre(third, other, first));
  EXPECT_THAT(ids({"", 0, 0}, 2), ElementsAre(third, other));
  EXPECT_THAT(ids({"", 1, 0}, 10), ElementsAre(other, first));
  EXPECT_THAT(ids({"", 0, 3}, 10), ElementsAre(other, first));
}

TEST_F(PgArticle7Test, AgreementsAreDecidedOnce) {
  AgreementRow a;
  a.id = "AGR-000001";
  a.extract_id = "EXT-1";
  a.request_id = "REQ-000001";
  a.commune = "33069";
  a.convention_id = "CTG-33069-1";
  a.extract_sha256 = "ef";
  a.recipient = "Centre social";
  a.purpose = "atelier";
  a.requester = kAlice;
  a.create_time_us = 1000;
  // The agreement names a request of the requests table (a foreign key).
  EXPECT_THAT(Write([&](WriteSession& s) { return s.agreements().Insert(a); }),
              StatusIs(absl::StatusCode::kAborted));
  ASSERT_THAT(Write([&](WriteSession& s) {
                RequestRow r;
                r.id = "REQ-000001";
                r.commune = "33069";
                r.convention_id = "CTG-33069-1";
                r.purpose = "p";
                r.objective = "o";
                r.requester = kAlice;
                r.retention_months = 12;
                r.create_time_us = 500;
                return s.requests().Insert(r);
              }),
              IsOk());
  ASSERT_THAT(Write([&](WriteSession& s) -> absl::Status {
                CTG_ASSIGN_OR_RETURN(std::string next, s.agreements().NextId());
                EXPECT_EQ(next, a.id);
                return s.agreements().Insert(a);
              }),
              IsOk());
  EXPECT_THAT(Write([&](WriteSession& s) { return s.agreements().Insert(a); }),
              StatusIs(absl::StatusCode::kAborted));
  AgreementRow bad = a;
  bad.id = "AGR-1";
  EXPECT_THAT(
      Write([&](WriteSession& s) { return s.agreements().Insert(bad); }),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("is not an agreement id")));
  EXPECT_THAT(Write([&](WriteSession& s) {
                return s.agreements().InsertDecision(
                    "AGR-000009", {2, "ok", "reviewer", 2000});
              }),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("agreement AGR-000009 not found")));
  EXPECT_THAT(Write([&](WriteSession& s) {
                return s.agreements().InsertDecision(
                    a.id, {4, "ended?", "reviewer", 1});
              }),
              StatusIs(absl::StatusCode::kAborted));
  EXPECT_THAT(
      Write([&](WriteSession& s) {
        return s.agreements().InsertDecision(a.id, {2, "ok", "reviewer", 2000});
      }),
      IsOk());
  EXPECT_THAT(
      Write([&](WriteSession& s) {
        return s.agreements().InsertDecision(a.id, {3, "no", "reviewer", 3000});
      }),
      StatusIs(absl::StatusCode::kAborted));
  // The gateway's role may not update an agreement, and the schema refuses
  // it to anyone.
  EXPECT_THAT(
      ExecAs(GatewayUrl(), "UPDATE transfer_agreements SET recipient = 'x'"),
      StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(AdminExec(db_, "UPDATE transfer_agreements SET recipient = 'x'"),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("immutable")));
  EXPECT_THAT(AdminExec(db_, "DELETE FROM transfer_agreement_decisions"),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("append-only")));
  EXPECT_THAT(
      Read([&](ReadSession& s) -> absl::Status {
        CTG_ASSIGN_OR_RETURN(AgreementRow row, s.agreements().Get(a.id));
        EXPECT_EQ(row.extract_id, "EXT-1");
        EXPECT_EQ(row.request_id, "REQ-000001");
        EXPECT_EQ(row.recipient, "Centre social");
        EXPECT_EQ(row.requester, kAlice);
        EXPECT_EQ(row.create_time_us, 1000);
        EXPECT_TRUE(row.decision.has_value());
        EXPECT_EQ(row.decision->state, 2);
        EXPECT_EQ(row.decision->reasons, "ok");
        EXPECT_EQ(row.decision->time_us, 2000);
        CTG_ASSIGN_OR_RETURN(std::string next, s.agreements().NextId());
        EXPECT_EQ(next, "AGR-000002");
        EXPECT_THAT(s.agreements().Get("AGR-000009"),
                    StatusIs(absl::StatusCode::kNotFound,
                             HasSubstr("agreement AGR-000009 not found")));
        EXPECT_THAT(s.agreements().FindRelease("EXT-1"),
                    StatusIs(absl::StatusCode::kNotFound,
                             HasSubstr("release EXT-1 not found")));
        return absl::OkStatus();
      }),
      IsOk());
}

// The lookups an agreement needs: the release it names (its first
// download) and the event of its decision; listings filter by commune,
// release and request.
TEST_F(PgArticle7Test, AgreementLookupsAndListings) {
  ASSERT_THAT(
      Write([&](WriteSession& s) -> absl::Status {
        for (const char* commune : {"33069", "33162"}) {
          RequestRow r;
          r.id = commune == std::string("33069") ? "REQ-000001" : "REQ-000002";
          r.commune = commune;
          r.convention_id = absl::StrCat("CTG-", commune, "-1");
          r.purpose = "p";
          r.objective = "o";
          r.requester = kAlice;
          r.retention_months = 12;
          CTG_RETURN_IF_ERROR(s.requests().Insert(r));
        }
        for (int download : {1, 2}) {
          LedgerRow release;
          release.request_id = "REQ-000001";
          release.download = download;
          release.extract_id = "EXT-1";
          release.commune = "33069";
          release.sha256 = absl::StrCat("sha", download);
          release.time_us = 100 * download;
          release.recipient = kAlice;
          CTG_RETURN_IF_ERROR(s.releases().Insert(release));
        }
        int n = 0;
        for (const auto& [commune, extract, request] :
             {std::tuple{"33069", "EXT-1", "REQ-000001"},
              std::tuple{"33162", "EXT-2", "REQ-000002"},
              std::tuple{"33069", "EXT-3", "REQ-000001"}}) {
          AgreementRow a;
          a.id = AgreementIdOf(++n);
          a.extract_id = extract;
          a.request_id = request;
          a.commune = commune;
          a.convention_id = absl::StrCat("CTG-", commune, "-1");
          a.recipient = "third party";
          a.purpose = "purpose";
          a.requester = kAlice;
          CTG_RETURN_IF_ERROR(s.agreements().Insert(a));
        }
        // The audit events of two decisions of AGR-000001 (the trail's first
        // two): a refused one, then the successful one.
        uint64_t seq = 0;
        for (int code : {7, 0}) {
          AuditRow e;
          e.seq = ++seq;
          e.method = "/ctg.v1.TransferAgreements/DecideTransferAgreement";
          e.target_kind = "agreement";
          e.target_id = "AGR-000001";
          e.code = code;
          e.canonical = "event";
          e.leaf_hash = std::string(32, 'h');
          CTG_RETURN_IF_ERROR(s.audit().Append(e));
        }
        return absl::OkStatus();
      }),
      IsOk());
  EXPECT_THAT(
      Read([&](ReadSession& s) -> absl::Status {
        CTG_ASSIGN_OR_RETURN(ReleaseRef release,
                             s.agreements().FindRelease("EXT-1"));
        EXPECT_EQ(release.request_id, "REQ-000001");
        EXPECT_EQ(release.commune, "33069");
        EXPECT_EQ(release.sha256, "sha1");  // the first download
        EXPECT_EQ(release.time_us, 100);
        CTG_ASSIGN_OR_RETURN(uint64_t event,
                             s.agreements().DecisionEvent("AGR-000001"));
        EXPECT_EQ(event, 2u);
        CTG_ASSIGN_OR_RETURN(uint64_t none,
                             s.agreements().DecisionEvent("AGR-000002"));
        EXPECT_EQ(none, 0u);
        auto ids = [&](const AgreementFilter& f) {
          std::vector<std::string> out;
          auto listed = s.agreements().List(f, 10);
          EXPECT_THAT(listed, IsOk());
          if (listed.ok())
            for (const AgreementRow& a : *listed) out.push_back(a.id);
          return out;
        };
        EXPECT_THAT(ids({"33069", "", "", 0}),
                    ElementsAre("AGR-000003", "AGR-000001"));
        EXPECT_THAT(ids({"33162", "", "", 0}), ElementsAre("AGR-000002"));
        EXPECT_THAT(ids({"", "EXT-1", "", 0}), ElementsAre("AGR-000001"));
        EXPECT_THAT(ids({"", "", "REQ-000002", 0}), ElementsAre("AGR-000002"));
        EXPECT_THAT(ids({"", "", "", 3}),
                    ElementsAre("AGR-000002", "AGR-000001"));
        return absl::OkStatus();
      }),
      IsOk());
}

// Two replicas on one database: requests filed at once on both get distinct
// numbers without gaps, and a transition raced on both is applied once.
TEST_F(PgArticle7Test, ReplicasNumberOnceAndApplyATransitionOnce) {
  CTG_ASSERT_OK_AND_ASSIGN(auto other, PgBackend::Open(GatewayOptions(db_)));
  constexpr int kEach = 10;
  std::vector<std::thread> threads;
  std::vector<absl::Status> filed(2 * kEach);
  for (int i = 0; i < 2 * kEach; ++i) {
    threads.emplace_back([&, i] {
      PgBackend& replica = i % 2 == 0 ? *backend_ : *other;
      filed[i] = replica.Write([&](WriteSession& s) -> absl::Status {
        CTG_ASSIGN_OR_RETURN(std::string id, s.caf_requests().NextId());
        CafRequestRow row{id, "33069", "CTG-33069-1", "p", "o", kHugo, 1,
                          {}, 1};
        CTG_RETURN_IF_ERROR(s.caf_requests().Insert(row));
        return s.caf_requests().AppendTransition(id, {0, 1, kHugo, 1, ""});
      });
    });
  }
  for (auto& t : threads) t.join();
  for (const absl::Status& s : filed) EXPECT_THAT(s, IsOk());
  std::vector<std::string> ids;
  ASSERT_THAT(Read([&](ReadSession& s) -> absl::Status {
                CTG_ASSIGN_OR_RETURN(auto all, s.caf_requests().List({}, 100));
                for (const StoredCafRequest& r : all)
                  ids.push_back(r.request.id);
                return absl::OkStatus();
              }),
              IsOk());
  ASSERT_EQ(ids.size(), 2u * kEach);
  for (size_t i = 0; i < ids.size(); ++i)
    EXPECT_EQ(ids[i], CafRequestIdOf(2 * kEach - static_cast<int64_t>(i)));

  std::vector<absl::Status> raced(2);
  threads.clear();
  for (int i = 0; i < 2; ++i) {
    threads.emplace_back([&, i] {
      PgBackend& replica = i == 0 ? *backend_ : *other;
      raced[i] = replica.Write([&](WriteSession& s) {
        return s.caf_requests().AppendTransition(
            "CREQ-000001", {1, 2, kInes, 2, absl::StrCat("replica ", i)});
      });
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(raced[0].ok() + raced[1].ok(), 1);
  for (const absl::Status& s : raced) {
    if (!s.ok()) {
      EXPECT_THAT(s, StatusIs(absl::StatusCode::kAborted));
    }
  }
  CTG_ASSERT_OK_AND_ASSIGN(StoredCafRequest r, GetRequest("CREQ-000001"));
  EXPECT_EQ(r.request.state, 2);
  EXPECT_EQ(r.transitions.size(), 2u);
}

}  // namespace
}  // namespace ctg::store::postgres
