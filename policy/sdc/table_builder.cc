#include "policy/sdc/table_builder.h"

#include <algorithm>
#include <functional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"

namespace ctg::policy::sdc {
namespace {

constexpr int64_t kMaxRowsPerBlock = 4'000'000;

// The figures of one block, indexed by piece and category.
struct ParsedBlock {
  std::vector<int32_t> ncat;  // per breakdown
  std::vector<int64_t> stride;
  int64_t ncross = 1;
  std::vector<int64_t> total, total_amount;         // per piece
  std::vector<std::vector<int64_t>> count, amount;  // [b][piece * ncat + c]
  // One figure of the input: breakdown b (-1: the total), piece p, category
  // c.
  int64_t FigureKey(int32_t b, int32_t p, int32_t c) const {
    return ((static_cast<int64_t>(b) + 1) * (1 << 20) + c) * (1LL << 31) + p;
  }
};

absl::Status Bad(const BlockInput& in, absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("block ", in.indicator, "/", in.period, ": ", what));
}

absl::StatusOr<ParsedBlock> Parse(const Geography& geo, const BlockInput& in) {
  if (in.indicator.empty() || in.period.empty())
    return Bad(in, "empty indicator or period");
  ParsedBlock pb;
  const size_t np = geo.pieces().size();
  absl::flat_hash_map<
      std::string,
      std::pair<int32_t, absl::flat_hash_map<std::string, int32_t>>>
      cats;
  for (int32_t b = 0; b < static_cast<int32_t>(in.breakdowns.size()); ++b) {
    const Breakdown& bd = in.breakdowns[b];
    auto& [index, names] = cats[bd.code];
    if (bd.code.empty() || !names.empty() || bd.categories.empty()) {
      return Bad(
          in, absl::StrCat("breakdown \"", bd.code, "\" is empty or repeated"));
    }
    index = b;
    for (int32_t c = 0; c < static_cast<int32_t>(bd.categories.size()); ++c) {
      if (bd.categories[c].empty() ||
          !names.emplace(bd.categories[c], c).second) {
        return Bad(in,
                   absl::StrCat("breakdown ", bd.code, ": category \"",
                                bd.categories[c], "\" is empty or repeated"));
      }
    }
    pb.ncat.push_back(static_cast<int32_t>(bd.categories.size()));
    pb.stride.push_back(pb.ncross);
    pb.ncross *= pb.ncat.back();
    if (pb.ncross * static_cast<int64_t>(np) > kMaxRowsPerBlock) {
      return Bad(in, "too many cross-classified inner cells");
    }
    pb.count.emplace_back(np * pb.ncat.back(), 0);
    pb.amount.emplace_back(np * pb.ncat.back(), 0);
  }
  pb.total.assign(np, -1);
  pb.total_amount.assign(np, 0);
  absl::flat_hash_set<int64_t> seen;
  for (const Figure& f : in.figures) {
    const int32_t p = geo.PieceIndex(f.piece);
    if (p < 0) return Bad(in, absl::StrCat("unknown piece ", f.piece));
    const std::string where =
        absl::StrCat("piece ", f.piece, " ", f.breakdown, "=", f.category);
    if (f.count < 0 || f.amount < 0)
      return Bad(in, absl::StrCat(where, ": negative figure"));
    int32_t b = -1, c = 0;
    if (!f.breakdown.empty()) {
      auto it = cats.find(f.breakdown);
      if (it == cats.end())
        return Bad(in, absl::StrCat(where, ": unknown breakdown"));
      auto ct = it->second.second.find(f.category);
      if (ct == it->second.second.end())
        return Bad(in, absl::StrCat(where, ": unknown category"));
      b = it->second.first;
      c = ct->second;
    } else if (!f.category.empty()) {
      return Bad(in, absl::StrCat(where, ": category without breakdown"));
    }
    if (!seen.insert(pb.FigureKey(b, p, c)).second) {
      return Bad(in, absl::StrCat(where, ": figure given twice"));
    }
    if (b < 0) {
      pb.total[p] = f.count;
      pb.total_amount[p] = f.amount;
    } else {
      pb.count[b][static_cast<size_t>(p) * pb.ncat[b] + c] = f.count;
      pb.amount[b][static_cast<size_t>(p) * pb.ncat[b] + c] = f.amount;
    }
  }
  for (size_t p = 0; p < np; ++p) {
    if (pb.total[p] < 0)
      return Bad(in, absl::StrCat("piece ", geo.pieces()[p], " has no total"));
    for (size_t b = 0; b < pb.ncat.size(); ++b) {
      int64_t n = 0, a = 0;
      for (int32_t c = 0; c < pb.ncat[b]; ++c) {
        n += pb.count[b][p * pb.ncat[b] + c];
        a += pb.amount[b][p * pb.ncat[b] + c];
      }
      if (n != pb.total[p] ||
          (in.kind == IndicatorKind::kAmount && a != pb.total_amount[p])) {
        return Bad(
            in, absl::StrCat("not additive: piece ", geo.pieces()[p],
                             " breakdown ", in.breakdowns[b].code, " sums to ",
                             n, " but the total is ", pb.total[p]));
      }
    }
  }
  return pb;
}

// Adds the block's inner cells (piece-major, then cross index).
void AddRows(const ParsedBlock& pb, int32_t block, size_t np, TableModel* m) {
  const size_t nb = pb.ncat.size();
  for (size_t p = 0; p < np; ++p) {
    for (int64_t x = 0; x < pb.ncross; ++x) {
      InnerCell in{block, pb.total[p], true};
      if (nb == 1) in.value = pb.count[0][p * pb.ncat[0] + x];
      if (nb > 1) {
        in.value_known = false;
        for (size_t b = 0; b < nb; ++b) {
          const int64_t c = (x / pb.stride[b]) % pb.ncat[b];
          in.value = std::min(in.value, pb.count[b][p * pb.ncat[b] + c]);
        }
        if (in.value == 0) in.value_known = true;  // inside a zero marginal
      }
      m->inner.push_back(in);
    }
  }
}

// Blocks of one period linked by total_equals form one model block (the
// linked indicators share inner cells through identities). Each group lists
// input indices, its main block first (the target of the links).
absl::StatusOr<std::vector<std::vector<size_t>>> LinkGroups(
    const TableInput& input) {
  const size_t n = input.blocks.size();
  absl::flat_hash_map<BlockKey, size_t> index;
  for (size_t k = 0; k < n; ++k) {
    const BlockInput& in = input.blocks[k];
    if (!index.emplace(BlockKey{in.indicator, in.period}, k).second) {
      return Bad(in, "given twice");
    }
  }
  std::vector<size_t> root(n);
  for (size_t k = 0; k < n; ++k) root[k] = k;
  std::function<size_t(size_t)> find = [&](size_t k) {
    return root[k] == k ? k : root[k] = find(root[k]);
  };
  for (size_t k = 0; k < n; ++k) {
    const BlockInput& in = input.blocks[k];
    if (in.total_equals.indicator.empty()) continue;
    auto it = index.find(BlockKey{in.total_equals.indicator, in.period});
    if (it == index.end()) {
      return Bad(in, absl::StrCat("total_equals names indicator ",
                                  in.total_equals.indicator,
                                  ", absent from this period"));
    }
    if (!input.blocks[it->second].total_equals.indicator.empty()) {
      return Bad(
          in, "total_equals must name an indicator that is not linked itself");
    }
    root[find(k)] = find(it->second);
  }
  std::vector<std::vector<size_t>> groups;
  absl::flat_hash_map<size_t, size_t> group_of_root;
  for (size_t k = 0; k < n; ++k) {
    auto [it, inserted] = group_of_root.try_emplace(find(k), groups.size());
    if (inserted) groups.emplace_back();
    groups[it->second].push_back(k);
  }
  for (auto& g : groups) {  // the target (not linked itself) first
    std::stable_partition(g.begin(), g.end(), [&](size_t k) {
      return input.blocks[k].total_equals.indicator.empty();
    });
  }
  return groups;
}

// The identities "total of `in` = a category of its target", per piece.
absl::Status AddIdentities(const BlockInput& in, const ParsedBlock& pb,
                           int32_t first_row, const std::vector<size_t>& group,
                           const TableInput& input,
                           const std::vector<ParsedBlock>& parsed,
                           const std::vector<int32_t>& member_first_row,
                           int32_t block, size_t np, TableModel* m) {
  size_t t = 0;
  while (input.blocks[group[t]].indicator != in.total_equals.indicator) ++t;
  const BlockInput& target = input.blocks[group[t]];
  const ParsedBlock& tp = parsed[t];
  int32_t b = -1, c = -1;
  for (int32_t k = 0; k < static_cast<int32_t>(target.breakdowns.size()); ++k) {
    if (target.breakdowns[k].code != in.total_equals.breakdown) continue;
    const auto& cats = target.breakdowns[k].categories;
    auto it = std::find(cats.begin(), cats.end(), in.total_equals.category);
    if (it != cats.end()) {
      b = k;
      c = static_cast<int32_t>(it - cats.begin());
    }
  }
  if (b < 0) {
    return Bad(in, absl::StrCat("total_equals names an unknown cell of ",
                                target.indicator));
  }
  for (size_t p = 0; p < np; ++p) {
    const int64_t want = tp.count[b][p * tp.ncat[b] + c];
    if (pb.total[p] != want) {
      return Bad(
          in, absl::StrCat("total of piece ", p, " is ", pb.total[p], " but ",
                           target.indicator, "/", target.breakdowns[b].code,
                           "=", in.total_equals.category, " is ", want));
    }
    Identity id{block, {}, {}};
    for (int64_t x = 0; x < pb.ncross; ++x) {
      id.plus.push_back(static_cast<int32_t>(first_row + p * pb.ncross + x));
    }
    const int64_t base =
        member_first_row[t] + static_cast<int64_t>(p) * tp.ncross;
    for (int64_t x = 0; x < tp.ncross; ++x) {
      if ((x / tp.stride[b]) % tp.ncat[b] == c)
        id.minus.push_back(static_cast<int32_t>(base + x));
    }
    m->identities.push_back(std::move(id));
  }
  return absl::OkStatus();
}

// The cells of one indicator: every territory and hidden piece, total and
// every category; then the check of the base's own territory figures.
absl::Status AddCells(const Geography& geo, const BlockInput& in,
                      const ParsedBlock& pb, const std::vector<int64_t>& pop,
                      int32_t first_row,
                      const absl::flat_hash_set<std::string>& want_t,
                      const absl::flat_hash_set<std::string>& want_b,
                      TableModel* m) {
  const size_t first_cell = m->cells.size();
  auto add_area = [&](const std::string& code,
                      const std::vector<int32_t>& pieces, bool is_piece,
                      bool requested) {
    int64_t popu = 0;
    for (int32_t p : pieces) popu += pop[p];
    for (int32_t b = -1; b < static_cast<int32_t>(pb.ncat.size()); ++b) {
      const bool wanted = requested && (b < 0 || want_b.empty() ||
                                        want_b.contains(in.breakdowns[b].code));
      for (int32_t c = 0; c < (b < 0 ? 1 : pb.ncat[b]); ++c) {
        Cell cell;
        cell.key = {code, in.period, in.indicator,
                    b < 0 ? "" : in.breakdowns[b].code,
                    b < 0 ? "" : in.breakdowns[b].categories[c]};
        for (int32_t p : pieces) {
          const int64_t base = first_row + static_cast<int64_t>(p) * pb.ncross;
          for (int64_t x = 0; x < pb.ncross; ++x) {
            if (b >= 0 && (x / pb.stride[b]) % pb.ncat[b] != c) continue;
            cell.rows.push_back(static_cast<int32_t>(base + x));
          }
          const size_t k = b < 0 ? 0 : static_cast<size_t>(p) * pb.ncat[b] + c;
          cell.value += b < 0 ? pb.total[p] : pb.count[b][k];
          cell.amount += b < 0 ? pb.total_amount[p] : pb.amount[b][k];
        }
        cell.territory_population = popu;
        cell.requested = wanted;
        cell.piece = is_piece;
        m->cells.push_back(std::move(cell));
      }
    }
  };
  for (const auto& t : geo.territories()) {
    add_area(t.code, t.pieces, false,
             want_t.empty() || want_t.contains(t.code));
  }
  for (int32_t p : geo.hidden_pieces())
    add_area(geo.pieces()[p], {p}, true, false);
  // Territory figures the base computed itself must equal the sums.
  absl::flat_hash_map<CellKey, size_t> index;
  if (!in.territory_figures.empty()) {
    for (size_t c = first_cell; c < m->cells.size(); ++c)
      index[m->cells[c].key] = c;
  }
  for (const Figure& f : in.territory_figures) {
    CellKey k{f.piece, in.period, in.indicator, f.breakdown, f.category};
    auto it = index.find(k);
    if (it == index.end())
      return Bad(in, absl::StrCat("unknown territory figure ", k.ToString()));
    const Cell& c = m->cells[it->second];
    if (c.value != f.count ||
        (in.kind == IndicatorKind::kAmount && c.amount != f.amount)) {
      return Bad(in, absl::StrCat("not additive: ", k.ToString(), " is ",
                                  f.count, " but its pieces sum to ", c.value));
    }
  }
  return absl::OkStatus();
}

// The code under which a piece's own cells are keyed: the territory made of
// that piece alone, or the hidden piece's id.
std::vector<std::string> PieceCodes(const Geography& geo) {
  std::vector<std::string> code(geo.pieces().size());
  for (int32_t p : geo.hidden_pieces()) code[p] = geo.pieces()[p];
  for (const auto& t : geo.territories()) {
    if (t.pieces.size() == 1 && code[t.pieces[0]].empty())
      code[t.pieces[0]] = t.code;
  }
  return code;
}

using CellIndex = absl::flat_hash_map<CellKey, int32_t>;

CellIndex IndexCells(const TableModel& m) {
  CellIndex index;
  for (int32_t c = 0; c < static_cast<int32_t>(m.cells.size()); ++c)
    index[m.cells[c].key] = c;
  return index;
}

const BlockInput* FindBlock(const TableInput& input,
                            absl::string_view indicator,
                            absl::string_view period) {
  for (const BlockInput& b : input.blocks) {
    if (b.indicator == indicator && b.period == period) return &b;
  }
  return nullptr;
}

// bounded_by: one Bound per piece, for the total and each shared category.
absl::Status AddBoundedBy(const std::vector<std::string>& codes,
                          const TableInput& input, const CellIndex& index,
                          TableModel* m) {
  for (const BlockInput& in : input.blocks) {
    if (in.bounded_by.empty()) continue;
    const BlockInput* pop = FindBlock(input, in.bounded_by, in.period);
    if (pop == nullptr || pop == &in) continue;
    // The categories both indicators have, per breakdown of `in`.
    std::vector<std::vector<std::pair<std::string, std::string>>> pairs;
    for (const Breakdown& b : in.breakdowns) {
      pairs.emplace_back();
      for (const Breakdown& pb : pop->breakdowns) {
        if (pb.code != b.code) continue;
        for (const std::string& c : b.categories) {
          if (std::find(pb.categories.begin(), pb.categories.end(), c) !=
              pb.categories.end()) {
            pairs.back().push_back({b.code, c});
          }
        }
      }
    }
    for (const std::string& piece : codes) {
      if (piece.empty()) continue;
      // Checks the bound of one cell; adds it to the model when `add`.
      auto bound = [&](const std::string& breakdown,
                       const std::string& category,
                       bool add) -> absl::StatusOr<bool> {
        auto sub = index.find(
            CellKey{piece, in.period, in.indicator, breakdown, category});
        auto big = index.find(
            CellKey{piece, in.period, pop->indicator, breakdown, category});
        if (sub == index.end() || big == index.end()) return false;
        const Cell& s = m->cells[sub->second];
        const Cell& b = m->cells[big->second];
        if (s.value > b.value) {
          return Bad(in, absl::StrCat("bounded_by ", pop->indicator,
                                      " does not hold: ", s.key.ToString(),
                                      " is ", s.value, " but ",
                                      b.key.ToString(), " is ", b.value));
        }
        if (add) m->bounds.push_back(Bound{s.rows, b.rows});
        return true;
      };
      // The total's bound is the sum of the category bounds of a breakdown
      // whose every category has one (its categories partition the
      // sub-population; the population's paired categories are at most its
      // total): the LP does not need it.
      bool total_implied = false;
      for (size_t k = 0; k < pairs.size(); ++k) {
        size_t added = 0;
        for (const auto& [breakdown, category] : pairs[k]) {
          CTG_ASSIGN_OR_RETURN(bool ok, bound(breakdown, category, true));
          added += ok;
        }
        total_implied =
            total_implied ||
            (added > 0 && added == in.breakdowns[k].categories.size());
      }
      CTG_RETURN_IF_ERROR(bound("", "", !total_implied).status());
    }
  }
  return absl::OkStatus();
}

// One sum bound in one period: one Bound per piece whose sub side holds the
// rows of every present term (a row named by two terms twice).
absl::Status AddSumBound(const std::vector<std::string>& codes,
                         const SumBoundInput& sb, const BlockInput& pop,
                         const CellIndex& index, TableModel* m) {
  for (const std::string& piece : codes) {
    if (piece.empty()) continue;
    auto whole = index.find(CellKey{piece, pop.period, pop.indicator, "", ""});
    if (whole == index.end()) continue;
    Bound bound{{}, m->cells[whole->second].rows};
    int64_t sum = 0;
    std::vector<std::string> names;
    for (const CellName& t : sb.terms) {
      auto it = index.find(
          CellKey{piece, pop.period, t.indicator, t.breakdown, t.category});
      if (it == index.end()) continue;
      const Cell& c = m->cells[it->second];
      bound.sub.insert(bound.sub.end(), c.rows.begin(), c.rows.end());
      sum += c.value;
      names.push_back(c.key.ToString());
    }
    if (bound.sub.empty()) continue;
    const int64_t population = m->cells[whole->second].value;
    if (sum > population) {
      return Bad(pop, absl::StrCat("sum bound does not hold: ",
                                   absl::StrJoin(names, " + "), " is ", sum,
                                   " but ", piece, " has ", population));
    }
    std::sort(bound.sub.begin(), bound.sub.end());
    m->bounds.push_back(std::move(bound));
  }
  return absl::OkStatus();
}

absl::Status AddBounds(const Geography& geo, const TableInput& input,
                       TableModel* m) {
  const bool any =
      !input.sum_bounds.empty() ||
      std::any_of(input.blocks.begin(), input.blocks.end(),
                  [](const BlockInput& b) { return !b.bounded_by.empty(); });
  if (!any)
    return absl::OkStatus();  // national tables: no index of a million keys
  const std::vector<std::string> codes = PieceCodes(geo);
  const CellIndex index = IndexCells(*m);
  CTG_RETURN_IF_ERROR(AddBoundedBy(codes, input, index, m));
  for (const SumBoundInput& sb : input.sum_bounds) {
    for (const BlockInput& pop : input.blocks) {
      if (pop.indicator != sb.population) continue;
      CTG_RETURN_IF_ERROR(AddSumBound(codes, sb, pop, index, m));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<TableModel> BuildTable(const Geography& geo,
                                      const TableInput& input) {
  if (input.blocks.empty())
    return absl::InvalidArgumentError("table is empty: no block");
  const size_t np = geo.pieces().size();
  // R6 populations per period and piece.
  absl::flat_hash_map<std::string, std::vector<int64_t>> pop;
  for (const PieceAllocataires& a : input.allocataires) {
    const int32_t p = geo.PieceIndex(a.piece);
    if (p < 0 || a.allocataires < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("allocataires for period ", a.period,
                       ": unknown piece or negative: ", a.piece));
    }
    auto [it, inserted] = pop.try_emplace(a.period, np, -1);
    it->second[p] = a.allocataires;
  }
  for (const BlockInput& in : input.blocks) {
    if (!in.allocataire_count || pop.contains(in.period)) continue;
    std::vector<int64_t>& v = pop[in.period];
    v.assign(np, -1);
    for (const Figure& f : in.figures) {
      const int32_t p = geo.PieceIndex(f.piece);
      if (p >= 0 && f.breakdown.empty()) v[p] = f.count;
    }
  }
  absl::flat_hash_set<std::string> want_t(input.requested_territories.begin(),
                                          input.requested_territories.end());
  absl::flat_hash_set<std::string> want_b(input.requested_breakdowns.begin(),
                                          input.requested_breakdowns.end());
  absl::flat_hash_map<std::string, int32_t> territory_index;
  for (int32_t t = 0; t < static_cast<int32_t>(geo.territories().size()); ++t) {
    territory_index[geo.territories()[t].code] = t;
  }
  for (const std::string& t : want_t) {
    if (!territory_index.contains(t)) {
      return absl::InvalidArgumentError(
          absl::StrCat("requested territory ", t, " is unknown"));
    }
  }
  TableModel m;
  CTG_ASSIGN_OR_RETURN(std::vector<std::vector<size_t>> groups,
                       LinkGroups(input));
  for (const std::vector<size_t>& group : groups) {
    const int32_t bi = static_cast<int32_t>(m.blocks.size());
    const BlockInput& main = input.blocks[group[0]];
    auto pit = pop.find(main.period);
    for (size_t p = 0; pit != pop.end() && p < np; ++p) {
      if (pit->second[p] < 0) pit = pop.end();
    }
    if (pit == pop.end()) {
      return Bad(main,
                 "no allocataire count for every piece of this period (R6)");
    }
    Block blk{{main.indicator, main.period},
              main.kind,
              main.allocataire_count,
              static_cast<int32_t>(m.inner.size()),
              0,
              static_cast<int32_t>(m.cells.size()),
              0};
    std::vector<ParsedBlock> parsed;
    std::vector<int32_t> member_first_row;
    for (size_t k : group) {
      const BlockInput& in = input.blocks[k];
      if (in.kind != main.kind)
        return Bad(in, "linked indicators must be of the same kind");
      CTG_ASSIGN_OR_RETURN(ParsedBlock pb, Parse(geo, in));
      member_first_row.push_back(static_cast<int32_t>(m.inner.size()));
      AddRows(pb, bi, np, &m);
      if (k != group[0]) blk.linked_indicators.push_back(in.indicator);
      parsed.push_back(std::move(pb));
    }
    blk.num_rows = static_cast<int32_t>(m.inner.size()) - blk.first_row;
    if (group.size() == 1) {
      blk.layout_pieces = static_cast<int32_t>(np);
      blk.layout_per_piece = static_cast<int32_t>(parsed[0].ncross);
    }
    for (size_t k = 0; k < group.size(); ++k) {
      CTG_RETURN_IF_ERROR(AddCells(geo, input.blocks[group[k]], parsed[k],
                                   pit->second, member_first_row[k], want_t,
                                   want_b, &m));
    }
    blk.num_cells = static_cast<int32_t>(m.cells.size()) - blk.first_cell;
    for (size_t k = 1; k < group.size(); ++k) {
      CTG_RETURN_IF_ERROR(AddIdentities(input.blocks[group[k]], parsed[k],
                                        member_first_row[k], group, input,
                                        parsed, member_first_row, bi, np, &m));
    }
    m.blocks.push_back(std::move(blk));
  }
  CTG_RETURN_IF_ERROR(AddBounds(geo, input, &m));
  return m;
}

void MarkRequested(absl::Span<const std::string> territories,
                   absl::Span<const std::string> indicators,
                   absl::Span<const std::string> breakdowns,
                   TableModel& model) {
  const absl::flat_hash_set<std::string> t(territories.begin(),
                                           territories.end());
  const absl::flat_hash_set<std::string> i(indicators.begin(),
                                           indicators.end());
  const absl::flat_hash_set<std::string> b(breakdowns.begin(),
                                           breakdowns.end());
  for (Cell& cell : model.cells) {
    cell.requested =
        !cell.piece && t.contains(cell.key.territory) &&
        i.contains(cell.key.indicator) &&
        (cell.key.breakdown.empty() || b.contains(cell.key.breakdown));
  }
}

}  // namespace ctg::policy::sdc
