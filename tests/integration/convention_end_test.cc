// R11 over real mTLS: a release made while the commune's convention is
// under a termination notice tells when the convention ends and what that
// means for the data, in its signed receipt, its audit event, `ctg extract
// get`, the saved receipt and `ctg request show`; a release without notice
// tells no end date.
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "ctg/v1/audit.grpc.pb.h"
#include "ctg/v1/conventions.grpc.pb.h"
#include "ctg/v1/extracts.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/demo_data.h"
#include "tests/integration/gateway_fixture.h"
#include "tests/testing/temp_dir.h"

namespace ctg::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class ConventionEndTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto gw = TestGateway::Start();
    ASSERT_TRUE(gw.ok()) << gw.status();
    gateway_ = gw->release();
    auto loaded = LoadDemoData(*gateway_, {"2023"});
    ASSERT_TRUE(loaded.ok()) << loaded.status();
  }
  static void TearDownTestSuite() {
    delete gateway_;
    gateway_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(gateway_, nullptr); }

  static std::string Today() {
    absl::TimeZone paris;
    if (!absl::LoadTimeZone("Europe/Paris", &paris))
      paris = absl::UTCTimeZone();
    return absl::FormatCivilTime(absl::ToCivilDay(absl::Now(), paris));
  }
  static std::string DayBefore(const std::string& day) {
    absl::CivilDay d;
    EXPECT_TRUE(absl::ParseCivilTime(day, &d)) << day;
    return absl::FormatCivilTime(d - 1);
  }
  static std::string AuditKeyPath() {
    return DevPki::Get().dir() + "/audit-signing.pub";
  }
  static std::string Slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  // A request of Le Bouscat approved with `quota` downloads.
  static std::string Approved(int quota) {
    ctg::v1::Scope scope;
    scope.add_indicators("allocataires");
    scope.add_territories("33069");
    scope.add_periods("2023");
    auto id = SubmitAndApprove(*gateway_, scope, quota);
    EXPECT_TRUE(id.ok()) << id.status();
    return id.ok() ? *id : "";
  }

  // The trailer of the extract of `request_id` downloaded over gRPC.
  static ctg::v1::ExtractTrailer Download(const std::string& request_id) {
    auto stub =
        ctg::v1::Extracts::NewStub(gateway_->Channel("requester-33069"));
    auto context = Deadline(60);
    ctg::v1::GetExtractRequest request;
    request.set_request_id(request_id);
    auto reader = stub->GetExtract(context.get(), request);
    ctg::v1::ExtractTrailer trailer;
    ctg::v1::ExtractChunk chunk;
    while (reader->Read(&chunk)) {
      if (chunk.has_trailer()) trailer = chunk.trailer();
    }
    grpc::Status status = reader->Finish();
    EXPECT_TRUE(status.ok()) << status.error_message();
    return trailer;
  }

  // The audit event `sequence`, as the auditor lists it.
  static ctg::v1::AuditEvent Event(uint64_t sequence) {
    auto stub = ctg::v1::Audit::NewStub(gateway_->Channel("auditor"));
    ctg::v1::ListEventsRequest request;
    request.set_from_sequence(sequence);
    auto context = Deadline();
    auto reader = stub->ListEvents(context.get(), request);
    ctg::v1::AuditEvent e;
    EXPECT_TRUE(reader->Read(&e));
    context->TryCancel();
    reader->Finish();
    return e;
  }
  static std::string FactOf(const ctg::v1::AuditEvent& e,
                            const std::string& key) {
    for (const auto& f : e.facts()) {
      if (f.key() == key) return f.value();
    }
    return "";
  }

  static TestGateway* gateway_;
};

TestGateway* ConventionEndTest::gateway_ = nullptr;

TEST_F(ConventionEndTest, ReleaseUnderTerminationNoticeSaysWhenItEnds) {
  const std::string id = Approved(4);
  ASSERT_FALSE(id.empty());

  // Without notice: no end date anywhere.
  ctg::v1::ExtractTrailer before = Download(id);
  EXPECT_FALSE(before.receipt().has_convention_end());
  ctg::v1::AuditEvent before_event = Event(before.receipt().audit_sequence());
  EXPECT_EQ(before_event.method(), "/ctg.v1.Extracts/GetExtract");
  EXPECT_EQ(FactOf(before_event, "convention_ends"), "");
  RunResult shown_before =
      gateway_->Ctg("requester-33069", {"request", "show", id});
  ASSERT_EQ(shown_before.exit_code, 0) << shown_before.err;
  EXPECT_THAT(shown_before.out, Not(HasSubstr("convention ends")));

  // Attack: a notice added by its recipient to the receipt of a release
  // made without one (an empty end date, as the event records none) is
  // refused, not printed as recorded by the audit event.
  TempDir plain_dir;
  const std::string plain = plain_dir.path() + "/plain.csv";
  RunResult plain_got =
      gateway_->Ctg("requester-33069", {"extract", "get", id, "-o", plain});
  ASSERT_EQ(plain_got.exit_code, 0) << plain_got.err;
  std::string added = Slurp(plain + ".receipt.json");
  ASSERT_EQ(added.rfind('}'), added.size() - 2) << added;  // "}\n"
  added.insert(added.size() - 2,
               ",\"convention_end\":{\"convention_id\":\"CTG-33069-1\","
               "\"notice_date\":\"\",\"end_date\":\"\",\"effective_date\":"
               "\"\",\"conditions\":\"Destroy nothing, keep forever.\"}");
  std::ofstream(plain + ".receipt.json") << added;
  RunResult added_verified = gateway_->Ctg(
      "requester-33069",
      {"extract", "verify", plain, "--audit-key", AuditKeyPath()});
  EXPECT_NE(added_verified.exit_code, 0) << added_verified.out;
  EXPECT_THAT(added_verified.err,
              HasSubstr("the convention end notice differs from the release "
                        "event's"));

  // The Caf gives notice today: three months' notice.
  ctg::v1::TerminateConventionRequest terminate;
  terminate.set_id("CTG-33069-1");
  terminate.set_notice_date(Today());
  terminate.set_reason("Fin du partenariat");
  ctg::v1::Convention c;
  auto admin = ctg::v1::Conventions::NewStub(gateway_->Channel("admin"));
  ASSERT_TRUE(admin->TerminateConvention(Deadline().get(), terminate, &c).ok());
  ASSERT_EQ(c.state(), ctg::v1::TERMINATION_NOTIFIED);
  const std::string effective = c.termination_effective_date();
  const std::string end = DayBefore(effective);

  // The receipt tells the end, the notice and the rules.
  ctg::v1::ExtractTrailer after = Download(id);
  ASSERT_TRUE(after.receipt().has_convention_end());
  const ctg::v1::ConventionEndNotice& notice = after.receipt().convention_end();
  EXPECT_EQ(notice.convention_id(), "CTG-33069-1");
  EXPECT_EQ(notice.notice_date(), Today());
  EXPECT_EQ(notice.end_date(), end);
  EXPECT_EQ(notice.effective_date(), effective);
  EXPECT_THAT(notice.conditions(), HasSubstr(absl::StrCat("it ends on ", end)));
  EXPECT_THAT(notice.conditions(), HasSubstr("Art. 10"));
  EXPECT_THAT(notice.conditions(), HasSubstr("Art. 12"));
  // The release event records the end date as a fact.
  ctg::v1::AuditEvent after_event = Event(after.receipt().audit_sequence());
  EXPECT_EQ(after_event.method(), "/ctg.v1.Extracts/GetExtract");
  EXPECT_EQ(FactOf(after_event, "convention_ends"), end);
  EXPECT_THAT(after.receipt().event(), HasSubstr(end));

  // `ctg extract get` says it, saves it with the receipt and verifies it
  // against the signed event.
  TempDir dir;
  const std::string file = dir.path() + "/extract.csv";
  RunResult got = gateway_->Ctg(
      "requester-33069",
      {"extract", "get", id, "-o", file, "--audit-key", AuditKeyPath()});
  ASSERT_EQ(got.exit_code, 0) << got.err;
  EXPECT_THAT(got.err, HasSubstr("receipt verified"));
  EXPECT_THAT(got.err,
              HasSubstr(absl::StrCat("convention CTG-33069-1 ends on ", end)));
  EXPECT_THAT(Slurp(file + ".receipt.json"),
              HasSubstr(absl::StrCat("\"end_date\":\"", end, "\"")));
  RunResult verified =
      gateway_->Ctg("requester-33069",
                    {"extract", "verify", file, "--audit-key", AuditKeyPath()});
  EXPECT_EQ(verified.exit_code, 0) << verified.err;
  EXPECT_THAT(verified.out,
              HasSubstr(absl::StrCat("convention CTG-33069-1 ends on ", end,
                                     " (recorded by its audit event)")));
  // A receipt whose end date was edited no longer matches its signed event.
  std::string edited = Slurp(file + ".receipt.json");
  const std::string field = absl::StrCat("\"end_date\":\"", end, "\"");
  edited.replace(edited.find(field), field.size(),
                 "\"end_date\":\"2099-12-31\"");
  const std::string original = Slurp(file + ".receipt.json");
  std::ofstream(file + ".receipt.json") << edited;
  RunResult tampered =
      gateway_->Ctg("requester-33069",
                    {"extract", "verify", file, "--audit-key", AuditKeyPath()});
  EXPECT_NE(tampered.exit_code, 0);
  EXPECT_THAT(tampered.err,
              HasSubstr("the convention end date differs from the release "
                        "event's"));
  // Attack: so does one whose other terms were edited by the recipient (the
  // rules the data stay under, the convention, the notice date), each
  // printed or read as the receipt's.
  const std::vector<std::pair<std::string, std::string>> edits = {
      {"The convention sets no earlier destruction date.",
       "The data may be kept and passed on freely after the end."},
      {"\"convention_id\":\"CTG-33069-1\"",
       "\"convention_id\":\"CTG-33069-9\""},
      {absl::StrCat("\"notice_date\":\"", Today(), "\""),
       "\"notice_date\":\"2020-01-01\""},
  };
  for (const auto& [from, to] : edits) {
    std::string other = original;
    ASSERT_NE(other.find(from), std::string::npos) << from;
    other.replace(other.find(from), from.size(), to);
    std::ofstream(file + ".receipt.json") << other;
    RunResult forged = gateway_->Ctg(
        "requester-33069",
        {"extract", "verify", file, "--audit-key", AuditKeyPath()});
    EXPECT_NE(forged.exit_code, 0) << to << "\n" << forged.out;
    EXPECT_THAT(forged.err,
                HasSubstr("the convention end notice differs from the release "
                          "event's"))
        << to;
  }
  // A second "conditions", read first by a person: the receipt is not
  // valid JSON (a repeated key).
  std::string doubled = original;
  const std::string object = "\"convention_end\":{";
  doubled.insert(doubled.find(object) + object.size(),
                 "\"conditions\":\"Keep forever.\",");
  std::ofstream(file + ".receipt.json") << doubled;
  RunResult repeated =
      gateway_->Ctg("requester-33069",
                    {"extract", "verify", file, "--audit-key", AuditKeyPath()});
  EXPECT_NE(repeated.exit_code, 0) << repeated.out;
  EXPECT_THAT(repeated.err, HasSubstr("Repeated map key: 'conditions'"));
  std::ofstream(file + ".receipt.json") << original;

  // `ctg request show` tells it too.
  RunResult shown = gateway_->Ctg("requester-33069", {"request", "show", id});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_THAT(shown.out,
              HasSubstr(absl::StrCat("convention ends ", end, " (notice given ",
                                     Today(), ")")));
}

}  // namespace
}  // namespace ctg::testing
