// The real `ctg` binary against a real gateway: each message a user meets
// when something is wrong (certificates, flags, typos) says what is wrong,
// and the commands added for people (periods, extract verify, confirmations)
// do what their help says.
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/demo_data.h"
#include "tests/integration/gateway_fixture.h"

namespace ctg::testing {
namespace {

using ::testing::AllOf;
using ::testing::AnyOf;
using ::testing::HasSubstr;
using ::testing::Not;

// gRPC's own wording, which must never reach the user.
auto NoRawGrpc() {
  return AllOf(Not(HasSubstr("Socket closed")), Not(HasSubstr("UNAVAILABLE")),
               Not(HasSubstr("failed to connect")), Not(HasSubstr(".cc:")),
               Not(HasSubstr("Handshake")));
}

class CliMessagesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto gw = TestGateway::Start();
    ASSERT_TRUE(gw.ok()) << gw.status();
    gateway_ = gw->release();
    auto bases = LoadDemoData(*gateway_);
    ASSERT_TRUE(bases.ok()) << bases.status();
  }
  static void TearDownTestSuite() {
    delete gateway_;
    gateway_ = nullptr;
  }

  // `ctg args...` as `client`, with extra environment (TZ fixed so that
  // dates print the same everywhere).
  static RunResult Ctg(const std::string& client,
                       const std::vector<std::string>& args,
                       std::map<std::string, std::string> extra = {}) {
    std::map<std::string, std::string> env = gateway_->CliEnv(client);
    env["TZ"] = "Europe/Paris";
    env["COLUMNS"] = "80";
    for (const auto& [k, v] : extra) env[k] = v;
    std::vector<std::string> argv = {CtgBinary()};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunProgram(argv, env);
  }

  static std::string Pki(const std::string& file) {
    return gateway_->pki_dir() + "/" + file;
  }

  static std::string Approved() {
    ctg::v1::Scope scope;
    scope.add_indicators("allocataires");
    for (const std::string& t : BouscatTerritories()) scope.add_territories(t);
    scope.add_periods("2023");
    auto id = SubmitAndApprove(*gateway_, scope, 3);
    EXPECT_TRUE(id.ok()) << id.status();
    return id.ok() ? *id : "";
  }

  static TestGateway* gateway_;
};

TestGateway* CliMessagesTest::gateway_ = nullptr;

// --- certificates

TEST_F(CliMessagesTest, ExpiredCertificateSaysWhen) {
  RunResult r = Ctg("expired", {"health"});
  EXPECT_EQ(r.exit_code, 2);
  // The dev PKI's expired certificate ended on 2021-01-01 00:00 UTC.
  EXPECT_THAT(
      r.err,
      HasSubstr("your certificate has expired on 2021-01-01 01:00 +01:00"));
  EXPECT_THAT(r.err, NoRawGrpc());
}

TEST_F(CliMessagesTest, RevokedCertificateNamedFromTheCrl) {
  // The CRL beside the CA file (the dev PKI's crl.pem) lists it.
  RunResult r = Ctg("revoked", {"health"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err,
              HasSubstr("the gateway refused your certificate: revoked on "));
  EXPECT_THAT(r.err, HasSubstr("crl.pem"));
  EXPECT_THAT(r.err, NoRawGrpc());
}

TEST_F(CliMessagesTest, RevokedCertificateWithoutCrlGivesTheLikelyCauses) {
  RunResult r =
      Ctg("revoked", {"health"}, {{"CTG_CRL", Pki("no-such-crl.pem")}});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("the gateway refused your certificate"));
  EXPECT_THAT(r.err, HasSubstr("Likely causes: it has been revoked"));
  EXPECT_THAT(r.err, NoRawGrpc());
}

TEST_F(CliMessagesTest, KeyOfAnotherCertificate) {
  RunResult r =
      Ctg("reviewer", {"health"}, {{"CTG_KEY", Pki("clients/admin.key")}});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("key does not match certificate"));
  EXPECT_THAT(r.err, HasSubstr("clients/admin.key"));
}

TEST_F(CliMessagesTest, CertificateOfAnotherCa) {
  RunResult r = Ctg("foreign", {"health"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("the gateway refused your certificate"));
  EXPECT_THAT(r.err, HasSubstr("not by the CA of"));
  EXPECT_THAT(r.err, NoRawGrpc());
}

TEST_F(CliMessagesTest, GatewayCertificateNotSignedByCtgCa) {
  RunResult r =
      Ctg("reviewer", {"health"}, {{"CTG_CA", Pki("foreign-ca.pem")}});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(
      r.err, HasSubstr("the gateway's certificate is not signed by the CA of"));
  EXPECT_THAT(r.err, HasSubstr("foreign-ca.pem"));
  EXPECT_THAT(r.err, NoRawGrpc());
}

TEST_F(CliMessagesTest, CertificateWithoutSpiffeUri) {
  RunResult r = Ctg("no-uri", {"health"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("has 0 URI subject alternative names"));
  RunResult two = Ctg("two-uris", {"health"});
  EXPECT_EQ(two.exit_code, 2);
  EXPECT_THAT(two.err, HasSubstr("exactly one spiffe:// URI"));
}

TEST_F(CliMessagesTest, UnreachableGateway) {
  RunResult r = Ctg("reviewer", {"health"}, {{"CTG_GATEWAY", "127.0.0.1:1"}});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("cannot reach the gateway at 127.0.0.1:1"));
  EXPECT_THAT(r.err, NoRawGrpc());
}

TEST_F(CliMessagesTest, AGoodCertificateStillWorks) {
  RunResult r = Ctg("reviewer", {"health"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("SERVING"));
}

// --- flags and commands

TEST_F(CliMessagesTest, MissingFlagNamesTheFlag) {
  RunResult r = Ctg("reviewer", {"review", "reject", "REQ-000001"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--reason is required"));
  EXPECT_THAT(r.err, Not(HasSubstr("reasons: required")));
  RunResult submit =
      Ctg("requester-33069", {"request", "submit", "--purpose", "Diagnostic"});
  EXPECT_EQ(submit.exit_code, 2);
  EXPECT_THAT(submit.err, HasSubstr("--objective is required"));
  // A value the gateway refuses is reported against the flag that gave it.
  RunResult outside = Ctg(
      "requester-33069", {"request", "submit", "--purpose", "Diagnostic",
                          "--objective", "Axe I", "--indicator", "allocataires",
                          "--territory", "33069,33162", "--period", "2023"});
  EXPECT_EQ(outside.exit_code, 1);
  EXPECT_THAT(outside.err, HasSubstr("ctg: --territory (value 2): "));
  EXPECT_THAT(outside.err, Not(HasSubstr("scope.territories")));
}

TEST_F(CliMessagesTest, MistypedCommandVerbAndFlagGetASuggestion) {
  RunResult command = Ctg("reviewer", {"reveiw", "list"});
  EXPECT_EQ(command.exit_code, 2);
  EXPECT_THAT(
      command.err,
      HasSubstr("unknown command \"reveiw\" (did you mean `ctg review`?)"));
  RunResult verb = Ctg("reviewer", {"review", "lsit"});
  EXPECT_EQ(verb.exit_code, 2);
  EXPECT_THAT(verb.err, HasSubstr("did you mean `ctg review list`?"));
  RunResult flag =
      Ctg("reviewer", {"review", "reject", "REQ-000001", "--reasn", "x"});
  EXPECT_EQ(flag.exit_code, 2);
  EXPECT_THAT(flag.err,
              HasSubstr("unknown flag --reasn (did you mean --reason?)"));
}

TEST_F(CliMessagesTest, HelpForAGroupAndForOneCommand) {
  RunResult group = Ctg("reviewer", {"help", "review"});
  EXPECT_EQ(group.exit_code, 0) << group.err;
  EXPECT_THAT(group.out, HasSubstr("ctg review revoke"));
  EXPECT_THAT(group.out, Not(HasSubstr("ctg request submit")));
  RunResult one = Ctg("reviewer", {"help", "catalogue", "periods"});
  EXPECT_EQ(one.exit_code, 0) << one.err;
  EXPECT_THAT(one.out, HasSubstr("usage: ctg catalogue periods"));
  RunResult typo = Ctg("reviewer", {"help", "reveiw"});
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_THAT(typo.err, HasSubstr("did you mean `ctg help review`?"));
}

TEST_F(CliMessagesTest, FilterThatCanNeverMatchSaysWhy) {
  RunResult r = Ctg("auditor", {"audit", "events", "--organisation", "33069"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(
      r.err,
      HasSubstr("--organisation 33069: expects commune/INSEE or caf/ID"));
  RunResult since =
      Ctg("auditor", {"audit", "events", "--since", "2026-12-01"});
  EXPECT_EQ(since.exit_code, 0) << since.err;
}

// --- catalogue periods

TEST_F(CliMessagesTest, CataloguePeriodsWithTerritoriesPerPeriod) {
  RunResult caf = Ctg("reviewer", {"catalogue", "periods"});
  ASSERT_EQ(caf.exit_code, 0) << caf.err;
  EXPECT_THAT(caf.out, HasSubstr("PERIOD"));
  EXPECT_THAT(caf.out, HasSubstr("2022"));
  EXPECT_THAT(caf.out, HasSubstr("2023"));
  // Le Bouscat sees its perimeter: one commune, 12 IRIS, one QPV.
  RunResult commune =
      Ctg("requester-33069", {"catalogue", "periods", "--format", "json"});
  ASSERT_EQ(commune.exit_code, 0) << commune.err;
  EXPECT_THAT(commune.out, HasSubstr("\"period\":\"2023\""));
  EXPECT_THAT(commune.out,
              HasSubstr("\"communes\":\"1\",\"iris\":\"12\",\"qpv\":\"1\""));
  // The territories of one period, and a period the base does not hold.
  RunResult iris =
      Ctg("requester-33069",
          {"catalogue", "territories", "--period", "2022", "--level", "iris"});
  ASSERT_EQ(iris.exit_code, 0) << iris.err;
  EXPECT_THAT(iris.out, HasSubstr("330690101"));
  EXPECT_THAT(iris.out, Not(HasSubstr("QN03302M")));
  RunResult missing =
      Ctg("reviewer", {"catalogue", "territories", "--period", "1999"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err,
              HasSubstr("period: 1999 is not in the statistical base"));
}

// --- extract verify

TEST_F(CliMessagesTest, ExtractVerifyRechecksASavedExtract) {
  std::string id = Approved();
  std::string key = Pki("audit-signing.pub");
  std::string dir = gateway_->dir();
  for (const std::string format : {"csv", "json"}) {
    std::string file = absl::StrCat(dir, "/saved.", format);
    RunResult get =
        Ctg("requester-33069", {"extract", "get", id, "--format", format, "-o",
                                file, "--audit-key", key});
    ASSERT_EQ(get.exit_code, 0) << get.err;
    RunResult ok =
        Ctg("requester-33069", {"extract", "verify", file, "--audit-key", key});
    EXPECT_EQ(ok.exit_code, 0) << format << ": " << ok.err;
    EXPECT_THAT(ok.out, HasSubstr("is the extract released for " + id));
    // One figure changed: the receipt no longer matches.
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    std::string changed = text.str();
    size_t at = changed.find(format == "csv" ? ",published"
                                             : "\"status\":\"published\"");
    ASSERT_NE(at, std::string::npos);
    size_t digit = changed.find_last_of("0123456789", at);
    changed[digit] = changed[digit] == '9' ? '8' : changed[digit] + 1;
    std::ofstream(file, std::ios::trunc) << changed;
    RunResult bad =
        Ctg("requester-33069", {"extract", "verify", file, "--audit-key", key});
    EXPECT_EQ(bad.exit_code, 3) << format;
    EXPECT_THAT(bad.err,
                AnyOf(HasSubstr("does not match its receipt"),
                      HasSubstr("does not match the sha256 it states")));
  }
}

// --- confirmations

TEST_F(CliMessagesTest, RevokeWithoutTerminalNeedsYes) {
  std::string id = Approved();
  RunResult refused =
      Ctg("reviewer", {"review", "revoke", id, "--reason", "Manquement"});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_THAT(refused.err, HasSubstr("ends its approval"));
  EXPECT_THAT(refused.err, HasSubstr("downloads used 0 of 3"));
  EXPECT_THAT(refused.err, HasSubstr("pass --yes"));
  RunResult still = Ctg("reviewer", {"review", "show", id});
  EXPECT_THAT(still.out, HasSubstr("APPROVED"));
  RunResult done = Ctg(
      "reviewer", {"review", "revoke", id, "--reason", "Manquement", "--yes"});
  EXPECT_EQ(done.exit_code, 0) << done.err;
  EXPECT_THAT(done.out, HasSubstr("REVOKED"));
}

TEST_F(CliMessagesTest, TerminationInThePastNeedsYes) {
  RunResult refused =
      Ctg("admin", {"admin", "convention", "terminate", "CTG-33162-1",
                    "--notice-date", "2024-01-15", "--reason", "Fin"});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_THAT(refused.err,
              HasSubstr("it takes effect on 2024-04-15, so it ends AT ONCE"));
  EXPECT_THAT(refused.err, HasSubstr("pass --yes"));
  RunResult still =
      Ctg("admin", {"admin", "convention", "show", "CTG-33162-1"});
  EXPECT_THAT(still.out, Not(HasSubstr("terminated")));
}

TEST_F(CliMessagesTest, ApprovalEndShownAsTyped) {
  ctg::v1::Scope scope;
  scope.add_indicators("allocataires");
  scope.add_territories("33069");
  scope.add_periods("2023");
  auto submitted =
      Ctg("requester-33069",
          {"request", "submit", "--purpose", "Diagnostic social de territoire",
           "--objective", "Axe I.2", "--indicator", "allocataires",
           "--territory", "33069", "--period", "2023", "--format", "json"});
  ASSERT_EQ(submitted.exit_code, 0) << submitted.err;
  size_t at = submitted.out.find("REQ-");
  ASSERT_NE(at, std::string::npos);
  std::string id = submitted.out.substr(at, 10);
  ASSERT_EQ(Ctg("reviewer", {"review", "start", id}).exit_code, 0);
  RunResult approved =
      Ctg("reviewer", {"review", "approve", id, "--opportunity", "Utile",
                       "--feasibility", "Faisable", "--until", "2027-06-30"});
  ASSERT_EQ(approved.exit_code, 0) << approved.err;
  EXPECT_THAT(approved.out, HasSubstr("until         2027-06-30 included"));
  // Times carry their offset.
  EXPECT_THAT(approved.out, ::testing::ContainsRegex(
                                "history +20[0-9-]+ [0-9:]+ \\+0[12]:00"));
}

}  // namespace
}  // namespace ctg::testing
