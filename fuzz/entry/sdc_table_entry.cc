// Fuzz entry 4: the secret statistique engine (policy/sdc) on tiny random
// commune tables.
//
// Input, decoded by ByteReader (short inputs give small tables, so one
// execution stays in the milliseconds):
//   commune 33069 with 0-3 IRIS (0: not divided), 0-2 QPVs over chosen
//   IRIS; 1-2 indicators (counts, or amounts with euros), each with 0-2
//   linked breakdowns of 2-3 categories, cross cells drawn as zeros, small
//   counts (1-4) or larger ones (5-64), sometimes a third indicator tied to
//   the first by total_equals; R6 populations per piece (some under 100) or
//   taken from an allocataire-count block; mask_zeros sometimes; then 1-3
//   releases to the same commune (requested territories and breakdowns from
//   the input), each recorded into the memory of the next.
//   The configuration varies too: mask_zeros, the hierarchical basis forced
//   on every block, other R6/R7 thresholds, integer audit bounds.
// Two more modes by the first byte: 0xFF parses the rest as a release
// memory (ReleaseMemory::Parse: Serialize/Parse round trip), 0xFE decodes a
// hand-filled TableModel, sometimes broken (ProtectTable refuses exactly
// what Validate() refuses, with InvalidArgument, and otherwise the
// invariants below hold).
//
// Invariants (docs/secret-statistique.md, suppressor.h, lp_audit.h):
//  - the geography and the table build (the decoder only makes valid input);
//  - ProtectTable returns a release or FailedPrecondition ("unsafe"), nothing
//    else; a release lists exactly the requested cells, in model order;
//  - an independent AuditRelease (AuditMode::kAlways) of every release, with
//    the memory it was made with, finds no breach: nothing masked is
//    recoverable within the protection criterion;
//  - the independent exact rank check (tests/policy/sdc/rank_check.h) finds
//    no masked cell that is a linear combination of what the reader knows;
//  - rules: no published figure is 1-4 (R7: counts, and contributors of
//    amounts); published figures are the model's; a cell is excluded iff
//    its territory is under the R6 threshold; a cell masked earlier stays
//    masked and one published earlier stays published; Record() accepts
//    every release.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "fuzz/entry/byte_reader.h"
#include "fuzz/entry/entry.h"
#include "policy/sdc/geography.h"
#include "policy/sdc/lp_audit.h"
#include "policy/sdc/release_memory.h"
#include "policy/sdc/suppressor.h"
#include "policy/sdc/table_builder.h"
#include "tests/policy/sdc/rank_check.h"

namespace ctg::fuzz {
namespace {

using namespace ::ctg::policy::sdc;  // NOLINT: a harness of this module

constexpr char kPeriod[] = "2023";

// A figure drawn from one byte: zero, small (1-4) or larger (5-64).
int64_t Count(ByteReader& r) {
  const uint8_t b = r.Byte();
  if (b < 80) return 0;
  if (b < 150) return 1 + b % 4;
  return 5 + b % 60;
}

BlockInput RandomBlock(ByteReader& r, const Geography& geo,
                       const std::string& indicator, bool allocataire_count) {
  const bool amount = !allocataire_count && r.Byte() % 4 == 0;
  BlockInput b{indicator,
               kPeriod,
               amount ? IndicatorKind::kAmount : IndicatorKind::kCount,
               allocataire_count,
               {},
               {},
               {}};
  const int nb = static_cast<int>(r.Range(0, 2));
  for (int k = 0; k < nb; ++k) {
    Breakdown bd{absl::StrCat("b", k), {}};
    const int nc = static_cast<int>(r.Range(2, 3));
    for (int c = 0; c < nc; ++c) bd.categories.push_back(absl::StrCat("c", c));
    b.breakdowns.push_back(bd);
  }
  for (const std::string& piece : geo.pieces()) {
    // Cross cells, then every breakdown's margins (consistent by design).
    std::vector<int64_t> ncat;
    int64_t ncross = 1;
    for (const Breakdown& bd : b.breakdowns) {
      ncat.push_back(static_cast<int64_t>(bd.categories.size()));
      ncross *= ncat.back();
    }
    std::vector<std::vector<int64_t>> margin(nb), euros(nb);
    for (int k = 0; k < nb; ++k) {
      margin[k].assign(ncat[k], 0);
      euros[k].assign(ncat[k], 0);
    }
    int64_t total = 0, total_euros = 0;
    for (int64_t x = 0; x < ncross; ++x) {
      int64_t v = Count(r);
      if (allocataire_count) v *= 1 + r.Byte() % 8;  // populations around 100
      const int64_t e = amount ? v * (50 + r.Byte()) : 0;
      total += v;
      total_euros += e;
      int64_t rest = x;
      for (int k = 0; k < nb; ++k) {
        margin[k][rest % ncat[k]] += v;
        euros[k][rest % ncat[k]] += e;
        rest /= ncat[k];
      }
    }
    b.figures.push_back({piece, "", "", total, total_euros});
    for (int k = 0; k < nb; ++k) {
      for (int64_t c = 0; c < ncat[k]; ++c) {
        b.figures.push_back({piece, b.breakdowns[k].code,
                             b.breakdowns[k].categories[c], margin[k][c],
                             euros[k][c]});
      }
    }
  }
  return b;
}

// An indicator whose total equals category c0 of `target`'s first
// breakdown, piece by piece, split over 0-1 breakdown.
BlockInput LinkedBlock(ByteReader& r, const BlockInput& target) {
  BlockInput b{"L0", kPeriod, IndicatorKind::kCount, false, {}, {}, {}};
  b.total_equals = {target.indicator, target.breakdowns[0].code,
                    target.breakdowns[0].categories[0]};
  const int nc = static_cast<int>(r.Range(0, 3));
  if (nc > 1) {
    b.breakdowns.push_back({"k", {}});
    for (int c = 0; c < nc; ++c)
      b.breakdowns[0].categories.push_back(absl::StrCat("k", c));
  }
  for (const Figure& f : target.figures) {
    if (f.breakdown != target.breakdowns[0].code ||
        f.category != target.breakdowns[0].categories[0]) {
      continue;
    }
    b.figures.push_back({f.piece, "", "", f.count});
    int64_t rest = f.count;
    for (int c = 0; nc > 1 && c < nc; ++c) {
      const int64_t v = c + 1 == nc ? rest : r.Range(0, rest);
      rest -= v;
      b.figures.push_back({f.piece, "k", b.breakdowns[0].categories[c], v});
    }
  }
  return b;
}

std::string CheckRelease(const TableModel& model, const Release& release,
                         const ReleaseMemory& memory, const SdcConfig& config,
                         int k) {
  const std::string at = absl::StrCat("release ", k + 1, ": ");
  std::vector<const Cell*> requested;
  for (const Cell& c : model.cells) {
    if (c.requested) requested.push_back(&c);
  }
  if (release.cells.size() != requested.size()) {
    return absl::StrCat(at, release.cells.size(), " cells for ",
                        requested.size(), " requested");
  }
  for (size_t i = 0; i < requested.size(); ++i) {
    const ReleasedCell& rc = release.cells[i];
    const Cell& mc = *requested[i];
    const std::string name = rc.key.ToString();
    if (rc.key != mc.key) return absl::StrCat(at, "cell ", i, " is ", name);
    const bool excluded_territory =
        mc.territory_population >= 0 &&
        mc.territory_population < config.territory_threshold;
    if ((rc.status == CellStatus::kExcluded) != excluded_territory) {
      return absl::StrCat(at, name, " status ", CellStatusName(rc.status),
                          " but territory population ",
                          mc.territory_population);
    }
    if (rc.status == CellStatus::kPublished) {
      if (rc.value != mc.value || rc.amount != mc.amount) {
        return absl::StrCat(at, name, " published ", rc.value, "/", rc.amount,
                            ", model has ", mc.value, "/", mc.amount);
      }
      if (rc.value >= 1 && rc.value < config.frequency_threshold) {
        return absl::StrCat(at, name, " published a small figure ", rc.value);
      }
    }
    if (const MemoryEntry* e = memory.Find(rc.key); e != nullptr) {
      const bool was_published = e->state == MemoryEntry::State::kPublished;
      if (was_published != (rc.status == CellStatus::kPublished)) {
        return absl::StrCat(at, name, " was ",
                            was_published ? "published" : "masked",
                            " earlier, now ", CellStatusName(rc.status));
      }
    }
  }
  if (!release.audit.breaches.empty()) {
    return absl::StrCat(at, "returned with breaches in its own audit report");
  }

  SdcConfig audit_config = config;
  audit_config.audit.mode = AuditMode::kAlways;
  absl::StatusOr<AuditReport> audit =
      AuditRelease(model, release, memory, audit_config);
  if (!audit.ok())
    return absl::StrCat(at, "AuditRelease: ", audit.status().ToString());
  if (!audit->breaches.empty()) {
    const CellInterval& b = audit->breaches[0];
    return absl::StrCat(at, audit->breaches.size(), " breach(es), first ",
                        b.key.ToString(), " in [", b.lower, ", ", b.upper,
                        "], needs upper >= ", b.required_upper);
  }
  const std::vector<std::string> derivable =
      policy::sdc::testing::DerivableMaskedCells(model, release, memory,
                                                 config);
  if (!derivable.empty()) {
    return absl::StrCat(
        at, "masked cell derivable from what the reader knows: ", derivable[0]);
  }
  return "";
}

// The configuration: defaults, with from the input sometimes mask_zeros,
// the hierarchical basis for every block (normally >= 50,000 rows, so that
// its decisions are audited on tiny tables too), other thresholds, no
// protection of small pieces.
SdcConfig MakeConfig(ByteReader& r) {
  SdcConfig config;
  const uint8_t b = r.Byte();
  config.mask_zeros = b % 8 == 0;
  if ((b >> 3) & 1) config.hierarchical_basis_min_rows = 1;
  if ((b >> 7) & 1) {
    const uint8_t t = r.Byte();
    config.frequency_threshold = 3 + t % 4;                 // 3..6
    config.territory_threshold = 50 + 25 * ((t >> 2) % 5);  // 50..150
    config.protect_small_pieces = ((t >> 5) & 1) == 0;
    config.audit.integer = ((t >> 6) & 3) == 3;
  }
  return config;
}

// Input starting with 0xFF: ReleaseMemory::Parse on the rest. A memory
// that parses serialises to a text that parses to an equal memory and
// serialises to the same bytes (equal memories give equal bytes); errors
// are InvalidArgument.
std::string CheckMemoryText(absl::string_view text) {
  absl::StatusOr<ReleaseMemory> m = ReleaseMemory::Parse(text);
  if (!m.ok()) {
    return m.status().code() == absl::StatusCode::kInvalidArgument
               ? ""
               : absl::StrCat("ReleaseMemory::Parse: ", m.status().ToString());
  }
  const std::string once = m->Serialize();
  absl::StatusOr<ReleaseMemory> again = ReleaseMemory::Parse(once);
  if (!again.ok()) {
    return absl::StrCat("Serialize() output does not parse: ",
                        again.status().ToString());
  }
  if (!(*again == *m)) return "memory changed through Serialize and Parse";
  if (again->Serialize() != once) return "Serialize is not stable";
  return "";
}

// Input starting with 0xFE: a hand-filled TableModel (what tests and
// special tables may build, table_model.h), usually valid by construction,
// sometimes with one field broken. ProtectTable must refuse exactly the
// models Validate() refuses (InvalidArgument) and otherwise release safely.
TableModel HandFilledModel(ByteReader& r) {
  TableModel m;
  const int nb = static_cast<int>(r.Range(1, 2));
  for (int bi = 0; bi < nb; ++bi) {
    Block b;
    b.key = {absl::StrCat("I", bi), kPeriod};
    b.kind = r.Byte() % 4 == 0 ? IndicatorKind::kAmount : IndicatorKind::kCount;
    b.allocataire_count = r.Byte() % 6 == 0;
    b.first_row = static_cast<int32_t>(m.inner.size());
    b.num_rows = static_cast<int32_t>(r.Range(1, 6));
    b.first_cell = static_cast<int32_t>(m.cells.size());
    for (int k = 0; k < b.num_rows; ++k) {
      InnerCell in;
      in.block = bi;
      in.value = Count(r);
      in.value_known = r.Byte() % 6 != 0;
      m.inner.push_back(in);
    }
    const int nc = static_cast<int>(r.Range(1, 8));
    for (int c = 0; c < nc; ++c) {
      Cell cell;
      cell.key = {absl::StrCat("T", c), kPeriod, b.key.indicator, "", ""};
      if (r.Byte() % 3 == 0)
        cell.key.breakdown = "b", cell.key.category = absl::StrCat("c", c);
      const uint8_t mask = r.Byte();
      for (int k = 0; k < b.num_rows; ++k) {
        if ((mask >> k) & 1) cell.rows.push_back(b.first_row + k);
      }
      if (cell.rows.empty())
        cell.rows.push_back(b.first_row + mask % b.num_rows);
      for (int32_t row : cell.rows) cell.value += m.inner[row].value;
      if (b.kind == IndicatorKind::kAmount)
        cell.amount = cell.value * (50 + r.Byte());
      const uint8_t flags = r.Byte();
      cell.requested = flags & 1;
      cell.piece = !cell.requested && ((flags >> 1) & 1);
      cell.territory_population = (flags >> 2) & 1 ? -1 : 40 + 2 * r.Byte();
      m.cells.push_back(std::move(cell));
    }
    b.num_cells = static_cast<int32_t>(m.cells.size()) - b.first_cell;
    m.blocks.push_back(b);
  }
  if (!m.cells.empty()) m.cells[0].requested = true;
  // Sometimes break one thing Validate() checks.
  const uint8_t broken = r.Byte();
  if (broken % 4 == 0) {
    Cell& c = m.cells[r.Byte() % m.cells.size()];
    switch ((broken >> 2) % 8) {
      case 0:
        c.value += 1 + r.Byte() % 3;
        break;  // not additive
      case 1:
        c.value = -1;
        break;  // negative
      case 2:
        c.rows.push_back(c.rows.front());
        break;  // unsorted/repeated
      case 3:
        c.rows.push_back(static_cast<int32_t>(m.inner.size()));
        break;  // out of range
      case 4:
        c.key = m.cells[0].key;
        break;  // duplicate key (or itself)
      case 5:
        c.key.period = "2024";
        break;  // not its block's
      case 6:
        c.key.breakdown = "b";
        c.key.category.clear();
        break;  // no category
      default:
        m.blocks.back().num_cells += 1;
        break;  // blocks do not cover
    }
  }
  return m;
}

std::string CheckHandFilledModel(ByteReader& r) {
  const TableModel model = HandFilledModel(r);
  const SdcConfig config = MakeConfig(r);
  const absl::Status valid = model.Validate();
  ReleaseMemory memory;
  absl::StatusOr<Release> release = ProtectTable(model, memory, config, "v1");
  if (!valid.ok()) {
    if (valid.code() != absl::StatusCode::kInvalidArgument) {
      return absl::StrCat("Validate: ", valid.ToString());
    }
    if (release.ok() ||
        release.status().code() != absl::StatusCode::kInvalidArgument) {
      return absl::StrCat(
          "ProtectTable on an invalid model (", valid.message(),
          "): ", release.ok() ? "released" : release.status().ToString());
    }
    return "";
  }
  if (!release.ok()) {
    if (release.status().code() != absl::StatusCode::kFailedPrecondition) {
      return absl::StrCat("ProtectTable on a valid model: ",
                          release.status().ToString());
    }
    return "";
  }
  return CheckRelease(model, *release, memory, config, 0);
}

// CTG_FUZZ_VERBOSE=1: one line per input on stderr (what the input reached),
// to check that a corpus exercises the audit, not only refusals.
bool Verbose() {
  static const bool verbose = [] {
    const char* env = std::getenv("CTG_FUZZ_VERBOSE");
    return env != nullptr && std::string(env) == "1";
  }();
  return verbose;
}

}  // namespace

std::string SdcTableEntry(absl::string_view data) {
  if (!data.empty() && static_cast<uint8_t>(data[0]) == 0xFF) {
    return CheckMemoryText(data.substr(1));
  }
  ByteReader r(data);
  if (!data.empty() && static_cast<uint8_t>(data[0]) == 0xFE) {
    r.Byte();
    return CheckHandFilledModel(r);
  }
  CommuneLayout layout{"33069", {}, {}};
  const int n_iris = static_cast<int>(r.Range(0, 3));
  for (int i = 0; i < n_iris; ++i)
    layout.iris.push_back(absl::StrFormat("33069%04d", i + 1));
  const int n_qpv = static_cast<int>(r.Range(0, 2));
  for (int q = 0; q < n_qpv; ++q) {
    const std::string qpv = q == 0 ? "QN03301M" : "QN03302M";
    const uint8_t mask = r.Byte();
    bool any = false;
    for (int i = 0; i < std::max(n_iris, 1); ++i) {
      if ((mask >> i) & 1) {
        layout.qpv_parts.push_back(
            {qpv, n_iris == 0 ? layout.commune : layout.iris[i]});
        any = true;
      }
    }
    if (!any)
      layout.qpv_parts.push_back(
          {qpv, n_iris == 0 ? layout.commune : layout.iris[0]});
  }
  absl::StatusOr<Geography> geo = CommuneGeography(layout);
  if (!geo.ok())
    return absl::StrCat("CommuneGeography: ", geo.status().ToString());

  TableInput input;
  const bool population_block = r.Byte() % 4 == 0;
  if (population_block)
    input.blocks.push_back(RandomBlock(r, *geo, "allocataires", true));
  const int n_blocks = static_cast<int>(r.Range(1, 2));
  for (int k = 0; k < n_blocks; ++k) {
    input.blocks.push_back(RandomBlock(r, *geo, absl::StrCat("I", k), false));
  }
  const BlockInput& first = input.blocks[population_block ? 1 : 0];
  if (first.kind == IndicatorKind::kCount && !first.breakdowns.empty() &&
      r.Byte() % 3 == 0) {
    input.blocks.push_back(LinkedBlock(r, first));
  }
  if (!population_block) {
    for (const std::string& piece : geo->pieces()) {
      input.allocataires.push_back({kPeriod, piece, 40 + 3 * r.Byte()});
    }
  }
  std::vector<std::string> territories;
  for (const auto& t : geo->territories()) territories.push_back(t.code);

  const SdcConfig config = MakeConfig(r);
  ReleaseMemory memory;
  int released = 0, refused = 0, masked = 0, cells = 0;
  const int n_releases = static_cast<int>(r.Range(1, 3));
  for (int k = 0; k < n_releases; ++k) {
    const uint8_t mask = r.Byte();
    input.requested_territories.clear();
    for (size_t i = 0; i < territories.size(); ++i) {
      if (i >= 8 || ((mask >> i) & 1))
        input.requested_territories.push_back(territories[i]);
    }
    if (input.requested_territories.empty()) {
      input.requested_territories.push_back(territories[0]);
    }
    input.requested_breakdowns.clear();
    if (r.Bool()) input.requested_breakdowns = {"b0"};

    absl::StatusOr<TableModel> model = BuildTable(*geo, input);
    if (!model.ok()) {
      return absl::StrCat("BuildTable refused a valid table: ",
                          model.status().ToString());
    }
    absl::StatusOr<Release> release =
        ProtectTable(*model, memory, config, "v1", /*seed=*/k);
    if (!release.ok()) {
      if (release.status().code() != absl::StatusCode::kFailedPrecondition) {
        return absl::StrCat("ProtectTable: ", release.status().ToString());
      }
      ++refused;
      continue;  // a reasoned refusal is safe
    }
    ++released;
    for (const ReleasedCell& c : release->cells) {
      ++cells;
      masked += c.status != CellStatus::kPublished;
    }
    if (std::string v = CheckRelease(*model, *release, memory, config, k);
        !v.empty()) {
      return v;
    }
    if (absl::Status s = memory.Record(*release); !s.ok()) {
      return absl::StrCat("Record: ", s.ToString());
    }
  }
  if (Verbose()) {
    std::fprintf(stderr,
                 "sdc_table: %zu pieces, %zu blocks, %d released, %d refused, "
                 "%d of %d cells masked\n",
                 geo->pieces().size(), input.blocks.size(), released, refused,
                 masked, cells);
  }
  return "";
}

}  // namespace ctg::fuzz
