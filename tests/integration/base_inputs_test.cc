// What goes into the gateway around the secret statistique engine, over real
// mTLS: revisions of a released period are refused (R7), a QPV straddling
// two communes is served to each for its own part, convention perimeters are
// checked against the base when created, and `ctg extract get --format json`
// writes JSON a strict parser reads back exactly.
#include <sqlite3.h>

#include <fstream>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "ctg/v1/audit.grpc.pb.h"
#include "ctg/v1/catalogue.grpc.pb.h"
#include "ctg/v1/conventions.grpc.pb.h"
#include "ctg/v1/data_requests.grpc.pb.h"
#include "ctg/v1/extracts.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "statbase/base_builder.h"
#include "statbase/csv_export.h"
#include "tests/integration/demo_data.h"
#include "tests/integration/gateway_fixture.h"
#include "tools/ctg-synth/synth.h"

namespace ctg::testing {
namespace {

using statbase::CellId;
using statbase::CellValue;
using statbase::TerritoryId;
using ::testing::HasSubstr;

// ---------------------------------------------------------------------------
// Helpers.

// Rebuilds `base` through the validating builder, each figure passed
// through `adjust`, plus `extra` territories whose figures copy an existing
// one's (declared with their own level, code, name and parent).
struct ExtraTerritory {
  statbase::TerritoryLevel level;
  std::string code, name, parent, copy_of;
};
using Adjust = std::function<CellValue(const std::string& code, CellId cell,
                                       CellValue value)>;

absl::StatusOr<statbase::Base> Rebuild(
    const statbase::Base& base, const Adjust& adjust,
    const std::vector<ExtraTerritory>& extra = {}) {
  auto builder = statbase::BaseBuilder::Create(base.period());
  if (!builder.ok()) return builder.status();
  const std::vector<statbase::IndicatorId> indicators = base.indicators();
  auto put = [&](const statbase::TerritoryDecl& decl, TerritoryId from,
                 bool adjusted) {
    std::optional<TerritoryId> to = builder->AddTerritory(decl, 0);
    if (!to) return;
    for (statbase::IndicatorId ind : indicators) {
      for (CellId cell = statbase::FirstCell(ind);
           cell < statbase::FirstCell(ind) + statbase::CellsOf(ind); ++cell) {
        CellValue v = *base.Value(from, cell);
        if (adjusted) v = adjust(std::string(decl.code), cell, v);
        builder->SetCell(*to, cell, v.count, v.amount, 0);
      }
    }
  };
  for (TerritoryId id : base.sorted_territories()) {
    const statbase::Territory& t = base.territory(id);
    const std::string parent = t.commune == statbase::kNoTerritory
                                   ? ""
                                   : base.territory(t.commune).code;
    put({t.level, t.code, t.name, parent}, id, true);
  }
  for (const ExtraTerritory& e : extra) {
    put({e.level, e.code, e.name, e.parent}, *base.FindTerritory(e.copy_of),
        false);
  }
  return builder->Build("rebuilt base");
}

CellId Cell(absl::string_view indicator, absl::string_view breakdown = "",
            absl::string_view category = "") {
  return *statbase::FindCell(indicator, breakdown, category);
}

// Imports `base` with `ctg admin import`.
RunResult Import(TestGateway& gateway, const statbase::Base& base,
                 const std::string& name) {
  std::string path = absl::StrCat(gateway.dir(), "/", name, ".csv");
  std::ofstream(path) << statbase::CanonicalCsv(base);
  return gateway.Ctg("admin",
                     {"admin", "import", path, "--period", base.period()});
}

RunResult CreateConvention(TestGateway& gateway, const std::string& commune,
                           const std::string& name,
                           const std::string& perimeter = "") {
  std::vector<std::string> args = {
      "admin", "convention", "create",     "--commune", commune,     "--name",
      name,    "--from",     "2020-01-01", "--until",   "2030-12-31"};
  if (!perimeter.empty()) {
    args.push_back("--perimeter");
    args.push_back(perimeter);
  }
  return gateway.Ctg("admin", args);
}

ctg::v1::Scope ScopeOf(const std::vector<std::string>& indicators,
                       const std::vector<std::string>& territories,
                       const std::vector<std::string>& breakdowns = {}) {
  ctg::v1::Scope scope;
  for (const auto& i : indicators) scope.add_indicators(i);
  for (const auto& t : territories) scope.add_territories(t);
  scope.add_periods("2023");
  for (const auto& b : breakdowns) scope.add_breakdowns(b);
  return scope;
}

struct Received {
  grpc::Status status;
  ctg::v1::ExtractHeader header;
  std::vector<ctg::v1::ExtractCell> cells;
};

Received GetExtract(TestGateway& gateway, const std::string& client,
                    const std::string& id) {
  auto stub = ctg::v1::Extracts::NewStub(gateway.Channel(client));
  auto context = Deadline(60);
  ctg::v1::GetExtractRequest request;
  request.set_request_id(id);
  auto reader = stub->GetExtract(context.get(), request);
  Received out;
  ctg::v1::ExtractChunk chunk;
  while (reader->Read(&chunk)) {
    if (chunk.has_header()) out.header = chunk.header();
    for (const auto& c : chunk.cells().cells()) out.cells.push_back(c);
  }
  out.status = reader->Finish();
  return out;
}

const ctg::v1::ExtractCell* FindCellOf(const Received& got,
                                       const std::string& territory,
                                       const std::string& indicator,
                                       const std::string& breakdown = "",
                                       const std::string& category = "") {
  for (const auto& c : got.cells) {
    if (c.territory() == territory && c.indicator() == indicator &&
        c.breakdown() == breakdown && c.category() == category) {
      return &c;
    }
  }
  return nullptr;
}

// Every row of the statistics tables, to show that nothing changed.
std::string DumpStatistics(const std::string& db_path) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  std::string out;
  for (const char* sql :
       {"SELECT period, base_version, digest, rows, import_time_us FROM "
        "stat_periods ORDER BY 1",
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

std::vector<ctg::v1::AuditEvent> ImportEvents(TestGateway& gateway) {
  auto stub = ctg::v1::Audit::NewStub(gateway.Channel("auditor"));
  auto context = Deadline();
  ctg::v1::ListEventsRequest request;
  request.set_method("/ctg.v1.Statistics/ImportStatistics");
  auto reader = stub->ListEvents(context.get(), request);
  std::vector<ctg::v1::AuditEvent> out;
  ctg::v1::AuditEvent e;
  while (reader->Read(&e)) out.push_back(e);
  EXPECT_TRUE(reader->Finish().ok());
  return out;
}

// ---------------------------------------------------------------------------
// Revisions (R7).

// One household of IRIS 330690101 moves from "couple with children" to
// "isolated" (the isolated 90 -> 91, couples with children 80 ->
// 79), in the IRIS and its commune, every relation kept.
absl::StatusOr<statbase::Base> OneHouseholdMoved(const statbase::Base& base) {
  const TerritoryId iris = *base.FindTerritory("330690101");
  std::string children_category;
  for (const char* c : {"1", "2", "3_plus"}) {
    if (base.Value(iris, Cell("couples_with_children", "children_count", c))
            ->count > 0) {
      children_category = c;
      break;
    }
  }
  if (children_category.empty())
    return absl::InternalError("no couple with children");
  const std::set<CellId> minus = {
      Cell("allocataires", "family_type", "couple_with_children"),
      Cell("couples_with_children"),
      Cell("couples_with_children", "children_count", children_category)};
  const CellId plus = Cell("allocataires", "family_type", "isolated");
  return Rebuild(base, [&](const std::string& code, CellId cell, CellValue v) {
    if (code != "33069" && code != "330690101") return v;
    if (cell == plus) ++v.count;
    if (minus.count(cell)) --v.count;
    return v;
  });
}

TEST(RevisionTest, AReleasedPeriodIsFinalAndANeverReleasedOneReimports) {
  auto gw = TestGateway::Start();
  ASSERT_TRUE(gw.ok()) << gw.status();
  TestGateway& gateway = **gw;
  auto bases = LoadDemoData(gateway);
  ASSERT_TRUE(bases.ok()) << bases.status();
  const statbase::Base& original = *bases->at("2023");

  // A first release of 2023 to Le Bouscat.
  const ctg::v1::Scope scope = ScopeOf(
      {"allocataires"}, {"33069", "330690101", "330690102"}, {"family_type"});
  auto first_id = SubmitAndApprove(gateway, scope, 1);
  ASSERT_TRUE(first_id.ok()) << first_id.status();
  Received first = GetExtract(gateway, "requester-33069", *first_id);
  ASSERT_TRUE(first.status.ok()) << first.status.error_message();

  // The revised base is valid, but re-importing 2023 is refused.
  auto revised = OneHouseholdMoved(original);
  ASSERT_TRUE(revised.ok()) << revised.status();
  ASSERT_NE(revised->digest(), original.digest());
  const std::string before = DumpStatistics(gateway.db_path());
  const size_t events_before = ImportEvents(gateway).size();
  RunResult refused = Import(gateway, *revised, "revised-2023");
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_THAT(refused.err, HasSubstr("FAILED_PRECONDITION"));
  EXPECT_THAT(
      refused.err,
      HasSubstr("period 2023 was already released (1 extract to 1 commune)"));
  EXPECT_THAT(refused.err, HasSubstr("Nothing was imported"));
  // Nothing changed, and the refusal is one audit event.
  EXPECT_TRUE(DumpStatistics(gateway.db_path()) == before)
      << "the statistics tables changed";
  std::vector<ctg::v1::AuditEvent> events = ImportEvents(gateway);
  ASSERT_EQ(events.size(), events_before + 1);
  EXPECT_EQ(events.back().code(),
            static_cast<int>(grpc::StatusCode::FAILED_PRECONDITION));

  // The same content again is no revision (a script run twice).
  RunResult same = Import(gateway, original, "same-2023");
  EXPECT_EQ(same.exit_code, 0) << same.err;
  EXPECT_THAT(same.out, HasSubstr("replaced period 2023"));

  // A second release of the same scope comes from the same base version:
  // there is no difference to read.
  auto second_id = SubmitAndApprove(gateway, scope, 1);
  ASSERT_TRUE(second_id.ok()) << second_id.status();
  Received second = GetExtract(gateway, "requester-33069", *second_id);
  ASSERT_TRUE(second.status.ok()) << second.status.error_message();
  EXPECT_EQ(second.header.base_version(), first.header.base_version());
  for (const char* category : {"isolated", "couple_with_children"}) {
    const ctg::v1::ExtractCell* a =
        FindCellOf(first, "330690101", "allocataires", "family_type", category);
    const ctg::v1::ExtractCell* b = FindCellOf(
        second, "330690101", "allocataires", "family_type", category);
    ASSERT_NE(a, nullptr);
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(a->DebugString(), b->DebugString()) << category;
  }

  // 2022 was never released: it may be imported again (a correction).
  auto revised_2022 = OneHouseholdMoved(*bases->at("2022"));
  ASSERT_TRUE(revised_2022.ok()) << revised_2022.status();
  RunResult again = Import(gateway, *revised_2022, "revised-2022");
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.out, HasSubstr("replaced period 2022"));
}

// ---------------------------------------------------------------------------
// A QPV straddling two communes.

// The demo with the QPV Champ de courses (attached to Le Bouscat) extended
// over the whole IRIS 331620101 of Eysines: a new piece with that IRIS's
// figures, added to the QPV's.
absl::StatusOr<statbase::Base> StraddlingDemo() {
  auto demo = synth::GenerateDemo(synth::kDefaultSeed, "2023");
  if (!demo.ok()) return demo.status();
  const TerritoryId eysines_iris = *demo->FindTerritory("331620101");
  return Rebuild(*demo,
                 [&](const std::string& code, CellId cell, CellValue v) {
                   if (code != "QN03302M") return v;
                   const CellValue add = *demo->Value(eysines_iris, cell);
                   v.count += add.count;
                   v.amount += add.amount;
                   return v;
                 },
                 {{statbase::TerritoryLevel::kIrisQpv, "331620101+QN03302M",
                   "Eysines Centre / Champ de courses", "33162", "331620101"}});
}

TEST(StraddlingQpvTest, EachCommuneIsServedItsOwnPartOfTheQpv) {
  auto gw = TestGateway::Start();
  ASSERT_TRUE(gw.ok()) << gw.status();
  TestGateway& gateway = **gw;
  auto base = StraddlingDemo();
  ASSERT_TRUE(base.ok()) << base.status();
  RunResult imported = Import(gateway, *base, "straddling");
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  ASSERT_EQ(CreateConvention(gateway, "33069", "Le Bouscat").exit_code, 0);
  ASSERT_EQ(CreateConvention(gateway, "33162", "Eysines").exit_code, 0);

  // Eysines's catalogue lists the QPV, as part of Eysines.
  auto catalogue =
      ctg::v1::Catalogue::NewStub(gateway.Channel("requester-33162"));
  ctg::v1::ListTerritoriesRequest list;
  list.set_level(ctg::v1::QPV);
  ctg::v1::ListTerritoriesResponse listed;
  ASSERT_TRUE(catalogue->ListTerritories(Deadline().get(), list, &listed).ok());
  ASSERT_EQ(listed.territories_size(), 1);
  EXPECT_EQ(listed.territories(0).code(), "QN03302M");
  EXPECT_EQ(listed.territories(0).parent(), "33162");

  struct Side {
    std::string client, commune, iris;
  };
  for (const Side& side : {Side{"requester-33069", "33069", "330690102"},
                           Side{"requester-33162", "33162", "331620101"}}) {
    SCOPED_TRACE(side.commune);
    const ctg::v1::Scope scope = ScopeOf({"allocataires", "housing_aid"},
                                         {side.commune, side.iris, "QN03302M"});
    auto id = SubmitAndApprove(gateway, scope, 1, side.client);
    ASSERT_TRUE(id.ok()) << id.status();
    auto reviewer = ctg::v1::DataRequests::NewStub(gateway.Channel("reviewer"));
    ctg::v1::PreviewFeasibilityRequest preview_request;
    preview_request.set_id(*id);
    ctg::v1::FeasibilityPreview preview;
    grpc::Status s = reviewer->PreviewFeasibility(Deadline(60).get(),
                                                  preview_request, &preview);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_GT(preview.cells_total(), 0);

    Received got = GetExtract(gateway, side.client, *id);
    ASSERT_TRUE(got.status.ok()) << got.status.error_message();
    EXPECT_EQ(static_cast<int64_t>(got.cells.size()), preview.cells_total());
    // Every published figure of the QPV is the sum of the commune's own
    // pieces (never the whole QPV).
    int checked = 0;
    for (const ctg::v1::ExtractCell& c : got.cells) {
      if (c.territory() != "QN03302M" || c.status() != ctg::v1::PUBLISHED)
        continue;
      const CellId cell = Cell(c.indicator(), c.breakdown(), c.category());
      int64_t expected = 0;
      for (TerritoryId t : base->sorted_territories()) {
        const statbase::Territory& piece = base->territory(t);
        if (piece.level == statbase::TerritoryLevel::kIrisQpv &&
            base->territory(piece.commune).code == side.commune) {
          expected += base->Value(t, cell)->count;
        }
      }
      EXPECT_EQ(c.value(), expected) << c.ShortDebugString();
      ++checked;
    }
    EXPECT_GT(checked, 0) << "no published figure of the QPV to compare";
  }
}

// ---------------------------------------------------------------------------
// Convention perimeters.

TEST(PerimeterTest,
     TerritoriesOutsideTheCommuneOrAbsentFromTheBaseAreRefusedAtCreation) {
  auto gw = TestGateway::Start();
  ASSERT_TRUE(gw.ok()) << gw.status();
  TestGateway& gateway = **gw;

  // No base yet: accepted, and the import reports the gap.
  RunResult early = CreateConvention(gateway, "33069", "Le Bouscat",
                                     "33069,330690101,330690199");
  ASSERT_EQ(early.exit_code, 0) << early.err;
  auto demo = synth::GenerateDemo(synth::kDefaultSeed, "2023");
  ASSERT_TRUE(demo.ok());
  RunResult imported = Import(gateway, *demo, "demo-2023");
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_THAT(
      imported.out,
      HasSubstr("warning: convention CTG-33069-1: the base of 2023 holds "
                "no figures for 330690199 in commune 33069"));

  // With a base: an IRIS it does not hold, a QPV of another commune.
  RunResult absent =
      CreateConvention(gateway, "33069", "Le Bouscat", "33069,330690199");
  EXPECT_NE(absent.exit_code, 0);
  EXPECT_THAT(
      absent.err,
      HasSubstr("--perimeter (value 2): territory 330690199 is not in the "
                "statistical base of 2023 for commune 33069"));
  RunResult outside =
      CreateConvention(gateway, "33162", "Eysines", "33162,QN03302M");
  EXPECT_NE(outside.exit_code, 0);
  EXPECT_THAT(outside.err, HasSubstr("--perimeter (value 2): territory "
                                     "QN03302M lies outside commune 33162"));
  // What the base holds is accepted.
  RunResult fine = CreateConvention(gateway, "33069", "Le Bouscat",
                                    "33069,330690102,QN03302M");
  EXPECT_EQ(fine.exit_code, 0) << fine.err;
}

// ---------------------------------------------------------------------------
// JSON output.

TEST(ExtractJsonTest, AStrictJsonParserReadsThePurposeBackExactly) {
  auto gw = TestGateway::Start();
  ASSERT_TRUE(gw.ok()) << gw.status();
  TestGateway& gateway = **gw;
  ASSERT_TRUE(LoadDemoData(gateway, {"2023"}).ok());

  const std::string purpose =
      "Diagnostic de l'accès aux droits « RSA » : \"quartier\" \\ "
      "Champ-de-Courses — été";
  ctg::v1::SubmitRequestRequest submit =
      SubmitMessage(ScopeOf({"allocataires"}, {"33069"}, {"family_type"}));
  submit.set_purpose(purpose);
  submit.set_objective("Axe I.2 : l'accès aux droits");
  auto requests =
      ctg::v1::DataRequests::NewStub(gateway.Channel("requester-33069"));
  ctg::v1::DataRequest request;
  grpc::Status s = requests->SubmitRequest(Deadline().get(), submit, &request);
  ASSERT_TRUE(s.ok()) << s.error_message();
  auto reviewer = ctg::v1::DataRequests::NewStub(gateway.Channel("reviewer"));
  ctg::v1::StartStudyRequest start;
  start.set_id(request.id());
  ASSERT_TRUE(reviewer->StartStudy(Deadline().get(), start, &request).ok());
  ctg::v1::DecideRequestRequest decide;
  decide.set_id(request.id());
  decide.set_decision(ctg::v1::DecideRequestRequest::APPROVE);
  decide.mutable_opportunity()->set_opinion(ctg::v1::FAVOURABLE);
  decide.mutable_opportunity()->set_reasoning("Conforme");
  decide.mutable_feasibility()->set_opinion(ctg::v1::FAVOURABLE);
  decide.mutable_feasibility()->set_reasoning("Faisable");
  decide.set_download_quota(1);
  s = reviewer->DecideRequest(Deadline().get(), decide, &request);
  ASSERT_TRUE(s.ok()) << s.error_message();

  const std::string out = gateway.dir() + "/extract.json";
  RunResult got = gateway.Ctg(
      "requester-33069",
      {"extract", "get", request.id(), "--format", "json", "--output", out});
  ASSERT_EQ(got.exit_code, 0) << got.err;
  // Python's json module is strict (RFC 8259): "\'" is an error there. The
  // receipt saved beside the extract is JSON too.
  RunResult parsed = RunProgram(
      {"/usr/bin/python3", "-c",
       "import json, sys\n"
       "d = json.load(open(sys.argv[1], encoding='utf-8'))\n"
       "r = json.load(open(sys.argv[1] + '.receipt.json', encoding='utf-8'))\n"
       "assert r['checkpoint'].count('\\n') >= 3 and r['tree_size'] >= "
       "r['audit_sequence']\n"
       "sys.stdout.write(d['purpose'] + '\\n' + d['objective'] + '\\n' + "
       "d['source'] + '\\n' +\n"
       "                 str(len(d['cells'])))\n",
       out});
  ASSERT_EQ(parsed.exit_code, 0) << parsed.err;
  std::vector<std::string> lines = absl::StrSplit(parsed.out, '\n');
  ASSERT_EQ(lines.size(), 4u) << parsed.out;
  EXPECT_EQ(lines[0], purpose);
  EXPECT_EQ(lines[1], "Axe I.2 : l'accès aux droits");
  EXPECT_THAT(lines[2], HasSubstr("Source : Caf"));
  EXPECT_EQ(lines[3], "5");  // the total and four family types of 33069
}

}  // namespace
}  // namespace ctg::testing
