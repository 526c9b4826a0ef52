// Issue #4 over real mTLS: conventions (create, read by tenant, suspend,
// reinstate, terminate), the statistical base import (all or nothing, the
// previous base untouched by a rejected import, a cut stream), the catalogue
// by perimeter, and every admin action in the audit trail.
#include <sqlite3.h>

#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "audit/hash.h"
#include "ctg/v1/audit.grpc.pb.h"
#include "ctg/v1/catalogue.grpc.pb.h"
#include "ctg/v1/conventions.grpc.pb.h"
#include "ctg/v1/statistics.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "statbase/csv_export.h"
#include "tests/integration/gateway_fixture.h"
#include "tools/ctg-synth/synth.h"

namespace ctg::testing {
namespace {

using ::testing::HasSubstr;

std::string DemoCsv(const std::string& period) {
  auto base = synth::GenerateDemo(synth::kDefaultSeed, period);
  EXPECT_TRUE(base.ok());
  return statbase::CanonicalCsv(*base);
}

grpc::Status Import(TestGateway& gw, const std::string& client,
                    const std::string& period, const std::string& csv,
                    ctg::v1::ImportStatisticsResponse* response,
                    bool cut = false, const std::string& sha256 = "") {
  auto stub = ctg::v1::Statistics::NewStub(gw.Channel(client));
  auto context = Deadline(60);
  auto writer = stub->ImportStatistics(context.get(), response);
  ctg::v1::ImportStatisticsChunk chunk;
  chunk.mutable_header()->set_period(period);
  chunk.mutable_header()->set_file_name("base.csv");
  chunk.mutable_header()->set_sha256(sha256);
  writer->Write(chunk);
  size_t half = csv.size() / 2;
  for (size_t i = 0; i < csv.size(); i += 4096) {
    if (cut && i >= half) {
      context->TryCancel();  // the stream is cut midway
      break;
    }
    chunk.set_csv_data(csv.substr(i, 4096));
    writer->Write(chunk);
  }
  if (!cut) writer->WritesDone();
  return writer->Finish();
}

// Every row of the statistics tables, for byte-for-byte comparisons.
std::string DumpStatistics(const std::string& db_path) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  std::string out;
  for (const char* sql :
       {"SELECT period, base_version, digest, rows FROM stat_periods ORDER BY "
        "period",
        "SELECT period, commune, part, csv FROM stat_slices ORDER BY 1, 2, 3",
        "SELECT period, code, name, level, commune FROM stat_territories ORDER "
        "BY 1, 2"}) {
    sqlite3_stmt* stmt;
    sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
        out.append(reinterpret_cast<const char*>(sqlite3_column_blob(stmt, c)),
                   sqlite3_column_bytes(stmt, c));
        out.push_back('|');
      }
      out.push_back('\n');
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return out;
}

class ConventionsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto gw = TestGateway::Start();
    ASSERT_TRUE(gw.ok()) << gw.status();
    gateway_ = gw->release();
    ctg::v1::ImportStatisticsResponse response;
    ASSERT_TRUE(
        Import(*gateway_, "admin", "2023", DemoCsv("2023"), &response).ok());
  }
  static void TearDownTestSuite() {
    delete gateway_;
    gateway_ = nullptr;
  }

  static grpc::Status Create(const std::string& commune,
                             const std::string& name,
                             std::vector<std::string> perimeter,
                             ctg::v1::Convention* out) {
    auto stub = ctg::v1::Conventions::NewStub(gateway_->Channel("admin"));
    ctg::v1::CreateConventionRequest request;
    ctg::v1::Convention* c = request.mutable_convention();
    c->set_commune(commune);
    c->set_commune_name(name);
    for (auto& t : perimeter) c->add_perimeter(t);
    c->set_valid_from("2020-03-01");
    c->set_valid_until("2030-12-31");
    return stub->CreateConvention(Deadline().get(), request, out);
  }
  static grpc::Status Get(const std::string& client, const std::string& id,
                          ctg::v1::Convention* out) {
    auto stub = ctg::v1::Conventions::NewStub(gateway_->Channel(client));
    ctg::v1::GetConventionRequest request;
    request.set_id(id);
    return stub->GetConvention(Deadline().get(), request, out);
  }
  static std::vector<std::string> Territories(const std::string& client) {
    auto stub = ctg::v1::Catalogue::NewStub(gateway_->Channel(client));
    ctg::v1::ListTerritoriesRequest request;
    request.set_page_size(1000);
    ctg::v1::ListTerritoriesResponse response;
    EXPECT_TRUE(
        stub->ListTerritories(Deadline().get(), request, &response).ok());
    std::vector<std::string> codes;
    for (const auto& t : response.territories()) codes.push_back(t.code());
    return codes;
  }

  static TestGateway* gateway_;
};
TestGateway* ConventionsTest::gateway_ = nullptr;

TEST_F(ConventionsTest, CommuneReadsOnlyItsOwnConvention) {
  ctg::v1::Convention bouscat, eysines, read;
  ASSERT_TRUE(Create("33069", "Le Bouscat", {"33069"}, &bouscat).ok());
  ASSERT_TRUE(
      Create("33162", "Eysines", {"33162", "331620101"}, &eysines).ok());
  EXPECT_EQ(bouscat.state(), ctg::v1::ACTIVE);
  EXPECT_EQ(bouscat.caf_name(), "Caf de la Gironde");
  EXPECT_TRUE(Get("requester-33069", bouscat.id(), &read).ok());
  grpc::Status other = Get("requester-33069", eysines.id(), &read);
  grpc::Status missing = Get("requester-33069", "CTG-33162-99", &read);
  EXPECT_EQ(other.error_code(), grpc::StatusCode::NOT_FOUND);
  // Indistinguishable from a convention that does not exist.
  EXPECT_EQ(other.error_message(),
            absl::StrCat("convention ", eysines.id(), " not found"));
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(Get("reviewer", eysines.id(), &read).ok());
  EXPECT_TRUE(Get("auditor", eysines.id(), &read).ok());
}

TEST_F(ConventionsTest, CommuneListsOnlyItsPerimeter) {
  ctg::v1::Convention c;
  Create("33069", "Le Bouscat", {"33069"}, &c).ok();
  Create("33162", "Eysines", {"33162", "331620101"}, &c).ok();
  std::vector<std::string> bouscat = Territories("requester-33069");
  EXPECT_THAT(bouscat, ::testing::Contains("330690101"));
  EXPECT_THAT(bouscat, ::testing::Contains("QN03302M"));
  for (const std::string& code : bouscat)
    EXPECT_TRUE(code == "QN03302M" || code.rfind("33069", 0) == 0) << code;
  // Eysines' perimeter lists two territories explicitly.
  EXPECT_THAT(Territories("requester-33162"),
              ::testing::ElementsAre("33162", "331620101"));
  // The Caf sees everything.
  EXPECT_GT(Territories("reviewer").size(), bouscat.size());
}

TEST_F(ConventionsTest, SuspendReinstateTerminate) {
  ctg::v1::Convention c;
  ASSERT_TRUE(Create("33069", "Le Bouscat", {"33069"}, &c).ok());
  auto stub = ctg::v1::Conventions::NewStub(gateway_->Channel("admin"));
  ctg::v1::SuspendConventionRequest suspend;
  suspend.set_id(c.id());
  ctg::v1::Convention out;
  EXPECT_EQ(
      stub->SuspendConvention(Deadline().get(), suspend, &out).error_code(),
      grpc::StatusCode::INVALID_ARGUMENT);  // a reason is required
  suspend.set_reason("Manquement au secret statistique");
  ASSERT_TRUE(stub->SuspendConvention(Deadline().get(), suspend, &out).ok());
  EXPECT_EQ(out.state(), ctg::v1::SUSPENDED);
  grpc::Status again = stub->SuspendConvention(Deadline().get(), suspend, &out);
  EXPECT_EQ(again.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  ctg::v1::ReinstateConventionRequest reinstate;
  reinstate.set_id(c.id());
  reinstate.set_reason("Mesures correctives prises");
  ASSERT_TRUE(
      stub->ReinstateConvention(Deadline().get(), reinstate, &out).ok());
  EXPECT_EQ(out.state(), ctg::v1::ACTIVE);
  ctg::v1::TerminateConventionRequest terminate;
  terminate.set_id(c.id());
  terminate.set_notice_date("2026-01-15");
  terminate.set_reason("Fin du partenariat");
  ASSERT_TRUE(
      stub->TerminateConvention(Deadline().get(), terminate, &out).ok());
  EXPECT_EQ(out.termination_effective_date(),
            "2026-04-15");  // R11: three months
  EXPECT_EQ(out.state(), ctg::v1::ENDED);
  EXPECT_EQ(out.history_size(), 4);
}

// A notice date typed a year early ended the convention at once; the
// administrator corrects the termination: the convention applies again
// until the corrected effective date, and the history says so.
TEST_F(ConventionsTest, AWrongTerminationIsCorrected) {
  ctg::v1::Convention c;
  ASSERT_TRUE(Create("33069", "Le Bouscat", {"33069"}, &c).ok());
  auto stub = ctg::v1::Conventions::NewStub(gateway_->Channel("admin"));
  ctg::v1::TerminateConventionRequest terminate;
  terminate.set_id(c.id());
  terminate.set_reason("Fin du partenariat");
  terminate.set_correct(true);
  ctg::v1::Convention out;
  grpc::Status nothing =
      stub->TerminateConvention(Deadline().get(), terminate, &out);
  EXPECT_EQ(nothing.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(nothing.error_message(), HasSubstr("nothing to correct"));

  terminate.set_correct(false);
  terminate.set_notice_date("2025-01-15");  // meant: a year later than today
  ASSERT_TRUE(
      stub->TerminateConvention(Deadline().get(), terminate, &out).ok());
  EXPECT_EQ(out.state(), ctg::v1::ENDED);
  grpc::Status twice =
      stub->TerminateConvention(Deadline().get(), terminate, &out);
  EXPECT_EQ(twice.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(twice.error_message(), HasSubstr("correct it"));

  const absl::CivilDay next_year =
      absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()) + 365;
  terminate.set_notice_date(absl::FormatCivilTime(next_year));
  terminate.set_reason("Année de préavis mal saisie");
  terminate.set_correct(true);
  ASSERT_TRUE(
      stub->TerminateConvention(Deadline().get(), terminate, &out).ok());
  EXPECT_EQ(out.termination_notice_date(), absl::FormatCivilTime(next_year));
  EXPECT_NE(out.state(), ctg::v1::ENDED);
  ASSERT_EQ(out.history_size(), 3);
  EXPECT_EQ(out.history(2).action(), "termination-corrected");
  EXPECT_EQ(out.history(2).reason(), "Année de préavis mal saisie");
  // Not an administrator: refused, nothing changed.
  auto reviewer = ctg::v1::Conventions::NewStub(gateway_->Channel("reviewer"));
  EXPECT_EQ(reviewer->TerminateConvention(Deadline().get(), terminate, &out)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(ConventionsTest, BadConventionsAreRefusedByField) {
  ctg::v1::Convention out;
  EXPECT_THAT(Create("3306", "X", {}, &out).error_message(),
              HasSubstr("commune"));
  EXPECT_THAT(Create("33069", "Le Bouscat", {"33069", "331620101"}, &out)
                  .error_message(),
              HasSubstr("perimeter[1]"));
  EXPECT_THAT(Create("33069", "Le\x01 Bouscat", {}, &out).error_message(),
              HasSubstr("convention.commune_name"));
}

TEST_F(ConventionsTest, RejectedImportLeavesThePreviousBaseUntouched) {
  std::string before = DumpStatistics(gateway_->db_path());
  ASSERT_THAT(before, HasSubstr("2023@"));
  std::string bad = DemoCsv("2023");
  bad.replace(bad.find(",12,"), 4, ",-3,");
  ctg::v1::ImportStatisticsResponse response;
  grpc::Status status = Import(*gateway_, "admin", "2023", bad, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("field \"count\": \"-3\""));
  EXPECT_EQ(DumpStatistics(gateway_->db_path()), before);
  // A stream cut midway imports nothing, and the gateway keeps serving.
  status = Import(*gateway_, "admin", "2023", DemoCsv("2023"), &response,
                  /*cut=*/true);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::CANCELLED);
  EXPECT_EQ(DumpStatistics(gateway_->db_path()), before);
  EXPECT_FALSE(Territories("reviewer").empty());
  // Not an admin: refused before anything is read.
  status = Import(*gateway_, "reviewer", "2023", DemoCsv("2023"), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(DumpStatistics(gateway_->db_path()), before);
}

// A stream that ends early at a line end is a valid, shorter file: gRPC
// cannot always tell it from the end of the stream, so the header carries
// the file's SHA-256 and the gateway imports nothing that does not match.
TEST_F(ConventionsTest, AnImportWithoutTheAnnouncedDigestImportsNothing) {
  const std::string before = DumpStatistics(gateway_->db_path());
  const std::string csv = DemoCsv("2023");
  const std::string digest = audit::HashToHex(audit::Sha256(csv));
  const std::string prefix = csv.substr(0, csv.rfind('\n', csv.size() / 2) + 1);
  ctg::v1::ImportStatisticsResponse response;
  grpc::Status status = Import(*gateway_, "admin", "2023", prefix, &response,
                               /*cut=*/false, digest);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(),
              HasSubstr("header.sha256: the " + std::to_string(prefix.size()) +
                        " bytes received do not have the SHA-256 the header "
                        "announced"));
  EXPECT_EQ(DumpStatistics(gateway_->db_path()), before);
  status = Import(*gateway_, "admin", "2023", csv, &response, false, "A1B2");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("header.sha256: "));
  EXPECT_EQ(DumpStatistics(gateway_->db_path()), before);
  // The whole file with its digest is imported; so is one sent by the CLI,
  // which always announces it.
  ASSERT_TRUE(
      Import(*gateway_, "admin", "2023", csv, &response, false, digest).ok());
  const std::string path = ::testing::TempDir() + "/ctg-import-2023.csv";
  {
    std::ofstream out(path, std::ios::binary);
    out << csv;
  }
  RunResult cli =
      gateway_->Ctg("admin", {"admin", "import", path, "--period", "2023"});
  EXPECT_EQ(cli.exit_code, 0) << cli.err;
  EXPECT_THAT(cli.out, HasSubstr("period 2023"));
}

TEST_F(ConventionsTest, ReimportReplacesThePeriod) {
  ctg::v1::ImportStatisticsResponse response;
  ASSERT_TRUE(
      Import(*gateway_, "admin", "2023", DemoCsv("2023"), &response).ok());
  EXPECT_TRUE(response.replaced());
  EXPECT_EQ(response.period(), "2023");
  EXPECT_GT(response.rows_imported(), 1000);
  RunResult cli = gateway_->Ctg(
      "admin", {"admin", "import", "/nonexistent.csv", "--period", "2023"});
  EXPECT_EQ(cli.exit_code, 2);
  EXPECT_THAT(cli.err, HasSubstr("/nonexistent.csv: cannot read the file"));
}

TEST_F(ConventionsTest, AdminActionsAreAudited) {
  ctg::v1::Convention c;
  ASSERT_TRUE(Create("33069", "Le Bouscat", {"33069"}, &c).ok());
  auto stub = ctg::v1::Audit::NewStub(gateway_->Channel("auditor"));
  auto context = Deadline();
  ctg::v1::ListEventsRequest request;
  request.set_organisation("caf/33");
  auto reader = stub->ListEvents(context.get(), request);
  std::set<std::string> methods;
  ctg::v1::AuditEvent e;
  bool convention_event = false;
  while (reader->Read(&e)) {
    if (e.code() == 0) methods.insert(e.method());
    if (e.method() == "/ctg.v1.Conventions/CreateConvention" &&
        e.target_id() == c.id()) {
      convention_event = true;
    }
  }
  ASSERT_TRUE(reader->Finish().ok());
  EXPECT_TRUE(convention_event);
  EXPECT_TRUE(methods.count("/ctg.v1.Statistics/ImportStatistics"));
}

}  // namespace
}  // namespace ctg::testing
