// Fuzz entry 3: request validation (policy/request_validation.h) and the
// text rules (policy/text.h).
//
// Input: a selector byte, then the fields of one call decoded by ByteReader:
// strings are drawn from a dictionary of valid and near-valid codes or taken
// raw from the input; texts are raw bytes or repetitions of tricky
// characters (accents, U+2028, bidi overrides, DEL, C1, CR...); the limits
// are the defaults or tiny ones (so that length limits are reached by short
// inputs); times may be infinite.
//
// Invariants: each function is compared with an independent model written
// from the header (which documents every check and their order):
//  - it succeeds exactly when the model says every rule holds (so an OK
//    submission has valid UTF-8, no control characters, lengths within the
//    limits, known codes, no duplicates...), and fails with the documented
//    code (kInvalidArgument; kFailedPrecondition for four-eyes only) naming
//    the field the model finds first;
//  - an approval's terms are the normalised ones (scope given or requested,
//    now < end_time <= convention end, quota 1..max);
//  - error messages are printable: valid UTF-8 without control characters
//    (values are C-escaped), so that a hostile value cannot forge log lines;
//  - ValidateText agrees with the model on arbitrary bytes, and Utf8Length
//    and Utf8SequenceLength with the model's decoding.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "fuzz/entry/byte_reader.h"
#include "fuzz/entry/entry.h"
#include "fuzz/entry/text_model.h"
#include "policy/request_validation.h"
#include "policy/text.h"

namespace ctg::fuzz {
namespace {

using policy::Amendment;
using policy::CatalogueView;
using policy::DecisionInput;
using policy::Perimeter;
using policy::Recipient;
using policy::RecipientKind;
using policy::RequestLimits;
using policy::Scope;
using policy::Submission;

constexpr absl::string_view kIndicators[] = {
    "allocataires", "rsa",  "paje", "housing_aid", "children",
    "Allocataires", "rsa ", "",     "unknown"};
constexpr absl::string_view kTerritories[] = {
    "33069",     "330690101", "330690102", "QN03302M", "33063",
    "330690103", "33069 ",    "",          "QN03302m"};
constexpr absl::string_view kPeriods[] = {"2023",    "2022", "2023-06", "2021",
                                          "2023-13", "",     "2023 "};
constexpr absl::string_view kBreakdowns[] = {
    "family_type",    "age_head", "aid_type",     "age_band",
    "children_count", "",         "family_type\n"};
constexpr absl::string_view kNames[] = {"Service petite enfance",
                                        "service petite enfance",
                                        "Observatoire",
                                        "Agence d'urbanisme",
                                        "",
                                        " ",
                                        "Bureau d’études"};
constexpr absl::string_view kPersons[] = {
    "marie.dupont", "ops-1", "a_b", "", ".", "..", "x y", "é"};
constexpr absl::string_view kReviewers[] = {
    "spiffe://caf33.example/caf/33/reviewer/alice",
    "spiffe://caf33.example/caf/33/reviewer/bob", ""};
// Units repeated to build long or tricky texts.
constexpr absl::string_view kUnits[] = {"a",
                                        " ",
                                        "é",
                                        "\n",
                                        "\t",
                                        "\r",
                                        "\v",
                                        "\x7f",
                                        "\xc2\x85",
                                        "\xe2\x80\xa8",
                                        "\xe2\x80\xae",
                                        "\xe2\x81\xa6",
                                        "\xe2\x82\xac",
                                        "\xf0\x9d\x84\x9e",
                                        "\xed\xa0\x80",
                                        "\xc0\xaf",
                                        "\xff",
                                        "Diagnostic CTG",
                                        absl::string_view("\0", 1)};

std::string Code(ByteReader& r, absl::Span<const absl::string_view> dict) {
  const uint8_t sel = r.Byte();
  if (sel < 224) return std::string(dict[sel % dict.size()]);
  return std::string(r.ShortString());
}

std::string Text(ByteReader& r) {
  const uint8_t sel = r.Byte();
  switch (sel % 4) {
    case 0:
      return std::string(r.ShortString());
    case 1: {
      // A unit repeated n times, possibly after a prefix.
      std::string s(r.Byte() % 2 ? "Objet " : "");
      const std::string unit(kUnits[r.Byte() % std::size(kUnits)]);
      const int64_t n = r.Range(0, 300);
      for (int64_t i = 0; i < n; ++i) s += unit;
      return s;
    }
    case 2: {
      std::string s;
      const int64_t pieces = r.Range(1, 5);
      for (int64_t i = 0; i < pieces; ++i)
        absl::StrAppend(&s, kUnits[r.Byte() % std::size(kUnits)]);
      return s;
    }
    default:
      return std::string(r.String());
  }
}

std::vector<std::string> List(ByteReader& r,
                              absl::Span<const absl::string_view> dict) {
  std::vector<std::string> out(static_cast<size_t>(r.Range(0, 5)));
  for (std::string& s : out) s = Code(r, dict);
  return out;
}

Scope MakeScope(ByteReader& r) {
  return Scope{List(r, kIndicators), List(r, kTerritories), List(r, kPeriods),
               List(r, kBreakdowns)};
}

RequestLimits MakeLimits(ByteReader& r) {
  RequestLimits l;
  if (r.Byte() % 3 != 0) return l;  // mostly the documented defaults
  for (size_t* v :
       {&l.max_purpose_chars, &l.max_objective_chars,
        &l.max_justification_chars, &l.max_answer_chars, &l.max_question_chars,
        &l.max_reasoning_chars, &l.max_reason_chars, &l.max_name_chars}) {
    *v = static_cast<size_t>(r.Range(0, 12));
  }
  for (size_t* v : {&l.max_indicators, &l.max_territories, &l.max_periods,
                    &l.max_breakdowns, &l.max_recipients, &l.max_questions}) {
    *v = static_cast<size_t>(r.Range(0, 4));
  }
  l.min_retention_months = static_cast<int>(r.Range(-1, 3));
  l.max_retention_months = static_cast<int>(r.Range(0, 12));
  l.max_download_quota = static_cast<int>(r.Range(-1, 5));
  return l;
}

int SmallInt(ByteReader& r) {
  if (r.Byte() % 4 == 0)
    return static_cast<int>(static_cast<int32_t>(r.Uint(4)));
  return static_cast<int>(r.Range(-3, 130));
}

absl::Time MakeTime(ByteReader& r, absl::Time base) {
  switch (r.Byte() % 6) {
    case 0:
      return absl::InfiniteFuture();
    case 1:
      return absl::InfinitePast();
    case 2:
      return base;
    default:
      return base + absl::Seconds(r.Range(-100000, 100000));
  }
}

const CatalogueView& Catalogue() {
  static const CatalogueView* c =
      new CatalogueView{{{"allocataires", {"family_type", "age_head"}},
                         {"rsa", {"family_type"}},
                         {"paje", {}},
                         {"housing_aid", {"aid_type"}}},
                        {"2022", "2023", "2023-06"}};
  return *c;
}

const Perimeter& ThePerimeter() {
  static const Perimeter* p = new Perimeter{
      "CTG-33069", {"33069", "330690101", "330690102", "QN03302M"}};
  return *p;
}

// ---- The model: the first failing field ("" when everything holds). ----

bool TextOk(const std::string& s, size_t max, bool required, bool paragraph) {
  return ModelTextOk(s, max, required, paragraph);
}

template <typename Known>
bool ListOk(const std::vector<std::string>& items, size_t max, bool required,
            Known known) {
  if (items.empty() && required) return false;
  if (items.size() > max) return false;
  std::set<std::string> seen;
  for (const std::string& s : items) {
    if (!seen.insert(s).second || !known(s)) return false;
  }
  return true;
}

std::string ModelScope(const Scope& s, const RequestLimits& l,
                       const std::string& field) {
  const CatalogueView& cat = Catalogue();
  if (!ListOk(s.indicators, l.max_indicators, true, [&](const std::string& c) {
        return cat.indicators.count(c) > 0;
      })) {
    return field + ".indicators";
  }
  if (!ListOk(s.territories, l.max_territories, true,
              [&](const std::string& c) {
                return ThePerimeter().territories.count(c) > 0;
              })) {
    return field + ".territories";
  }
  if (!ListOk(s.periods, l.max_periods, true,
              [&](const std::string& c) { return cat.periods.count(c) > 0; })) {
    return field + ".periods";
  }
  if (!ListOk(s.breakdowns, l.max_breakdowns, false, [&](const std::string& b) {
        for (const std::string& ind : s.indicators) {
          if (cat.indicators.at(ind).count(b)) return true;
        }
        return false;
      })) {
    return field + ".breakdowns";
  }
  return "";
}

bool PersonOk(const std::string& s) {
  if (s.empty() || s.size() > 64 || s == "." || s == "..") return false;
  for (char c : s) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' &&
        c != '-' && c != '_') {
      return false;
    }
  }
  return true;
}

std::string ModelRecipients(const std::vector<Recipient>& rs,
                            const RequestLimits& l) {
  if (rs.size() > l.max_recipients) return "recipients";
  std::set<std::pair<int, std::string>> names;
  std::set<std::string> persons;
  for (const Recipient& r : rs) {
    if (r.kind != RecipientKind::kOwnService &&
        r.kind != RecipientKind::kOperator) {
      return "recipients";
    }
    if (!TextOk(r.name, l.max_name_chars, true, false)) return "recipients";
    if (r.kind == RecipientKind::kOwnService && !r.operator_person.empty()) {
      return "recipients";
    }
    if (r.kind == RecipientKind::kOperator &&
        (!PersonOk(r.operator_person) ||
         !persons.insert(r.operator_person).second)) {
      return "recipients";
    }
    std::string lower = r.name;
    for (char& c : lower) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    if (!names.insert({static_cast<int>(r.kind), lower}).second)
      return "recipients";
  }
  return "";
}

std::string ModelSubmission(const Submission& s, const RequestLimits& l) {
  if (!TextOk(s.purpose, l.max_purpose_chars, true, true)) return "purpose";
  if (!TextOk(s.objective, l.max_objective_chars, true, false))
    return "objective";
  if (!TextOk(s.justification, l.max_justification_chars, false, true)) {
    return "justification";
  }
  if (std::string f = ModelScope(s.scope, l, "scope"); !f.empty()) return f;
  if (std::string f = ModelRecipients(s.recipients, l); !f.empty()) return f;
  if (s.retention_months < l.min_retention_months ||
      s.retention_months > l.max_retention_months) {
    return "retention_months";
  }
  return "";
}

// Checks `status` against the model's verdict `field` ("" = must be OK).
std::string Compare(
    const char* what, const absl::Status& status, const std::string& field,
    absl::StatusCode code = absl::StatusCode::kInvalidArgument) {
  if (field.empty()) {
    if (!status.ok()) {
      return absl::StrCat(
          what, ": refused what the model accepts: ", status.ToString());
    }
    return "";
  }
  if (status.ok()) {
    return absl::StrCat(what, ": accepted although the model refuses ", field);
  }
  if (status.code() != code) {
    return absl::StrCat(what, ": wrong code: ", status.ToString());
  }
  const absl::string_view m = status.message();
  if (!absl::StartsWith(m, field) || m.size() <= field.size() ||
      (m[field.size()] != ':' && m[field.size()] != '[')) {
    return absl::StrCat(what, ": the model expected an error on ", field,
                        ", got: ", status.ToString());
  }
  if (!ModelPrintable(m)) {
    return absl::StrCat(
        what, ": message is not printable UTF-8: ", absl::CHexEscape(m));
  }
  return "";
}

std::vector<Recipient> MakeRecipients(ByteReader& r) {
  std::vector<Recipient> out(static_cast<size_t>(r.Range(0, 4)));
  for (Recipient& x : out) {
    x.kind = static_cast<RecipientKind>(r.Range(0, 3));
    x.name = r.Byte() % 4 == 0 ? Text(r) : Code(r, kNames);
    x.operator_person = Code(r, kPersons);
  }
  return out;
}

std::string CheckSubmission(ByteReader& r) {
  const RequestLimits l = MakeLimits(r);
  Submission s;
  s.purpose = Text(r);
  s.objective = Text(r);
  s.justification = Text(r);
  s.scope = MakeScope(r);
  s.recipients = MakeRecipients(r);
  s.retention_months = SmallInt(r);
  return Compare("ValidateSubmission",
                 policy::ValidateSubmission(s, Catalogue(), ThePerimeter(), l),
                 ModelSubmission(s, l));
}

std::string CheckAmendment(ByteReader& r) {
  const RequestLimits l = MakeLimits(r);
  const std::string recorded = Text(r);
  Amendment a;
  a.purpose = r.Byte() % 3 == 0 ? recorded : Text(r);
  a.answer = Text(r);
  a.justification = Text(r);
  if (r.Bool()) a.scope = MakeScope(r);
  std::string field;
  if (!a.purpose.empty() && a.purpose != recorded) {
    field = "purpose";
  } else if (!TextOk(a.answer, l.max_answer_chars, true, true)) {
    field = "answer";
  } else if (!TextOk(a.justification, l.max_justification_chars, false, true)) {
    field = "justification";
  } else if (a.scope.has_value()) {
    field = ModelScope(*a.scope, l, "scope");
  }
  return Compare(
      "ValidateAmendment",
      policy::ValidateAmendment(a, recorded, Catalogue(), ThePerimeter(), l),
      field);
}

std::string CheckQuestions(ByteReader& r) {
  const RequestLimits l = MakeLimits(r);
  std::vector<std::string> qs(static_cast<size_t>(r.Range(0, 4)));
  for (std::string& q : qs) q = Text(r);
  std::string field;
  if (qs.empty() || qs.size() > l.max_questions) field = "questions";
  for (size_t i = 0; field.empty() && i < qs.size(); ++i) {
    if (!TextOk(qs[i], l.max_question_chars, true, true)) field = "questions";
  }
  return Compare("ValidateQuestions", policy::ValidateQuestions(qs, l), field);
}

std::optional<policy::Opinion> MakeOpinion(ByteReader& r) {
  if (r.Byte() % 4 == 0) return std::nullopt;
  policy::Opinion o;
  o.value =
      static_cast<policy::OpinionValue>(r.Byte() % 5 == 0 ? r.Range(0, 3) : 1);
  o.reasoning = Text(r);
  o.reviewer = Code(r, kReviewers);
  return o;
}

std::string ModelOpinion(const std::string& field,
                         const std::optional<policy::Opinion>& o,
                         const RequestLimits& l) {
  if (!o.has_value()) return "";
  if (o->value != policy::OpinionValue::kFavourable &&
      o->value != policy::OpinionValue::kUnfavourable) {
    return field + ".opinion";
  }
  if (!TextOk(o->reasoning, l.max_reasoning_chars, true, true)) {
    return field + ".reasoning";
  }
  if (o->reviewer.empty()) return field + ".reviewer";
  return "";
}

std::string CheckDecision(ByteReader& r) {
  const RequestLimits l = MakeLimits(r);
  DecisionInput in;
  in.decision = static_cast<policy::Decision>(
      r.Byte() % 7 == 0 ? r.Range(0, 3) : r.Range(1, 2));
  in.opportunity = MakeOpinion(r);
  in.feasibility = MakeOpinion(r);
  // The requested scope comes from the store: valid (but fuzzed lists).
  Scope requested = MakeScope(r);
  if (r.Bool()) in.scope = MakeScope(r);
  const absl::Time now =
      absl::FromUnixSeconds(1700000000 + r.Range(-1000, 1000));
  const absl::Time convention_end =
      r.Byte() % 3 == 0 ? absl::InfiniteFuture() : MakeTime(r, now);
  if (r.Bool()) in.end_time = MakeTime(r, now);
  in.download_quota = r.Byte() % 3 == 0 ? SmallInt(r) : 0;
  in.reasons = r.Bool() ? Text(r) : "";
  const policy::DecisionOptions options{.four_eyes = r.Bool()};

  // The model.
  std::string field;
  absl::StatusCode code = absl::StatusCode::kInvalidArgument;
  policy::ApprovalTerms terms;
  const bool approve = in.decision == policy::Decision::kApprove;
  if (!approve && in.decision != policy::Decision::kReject) {
    field = "decision";
  } else if (field = ModelOpinion("opportunity", in.opportunity, l);
             !field.empty()) {
  } else if (field = ModelOpinion("feasibility", in.feasibility, l);
             !field.empty()) {
  } else if (options.four_eyes && in.opportunity && in.feasibility &&
             in.opportunity->reviewer == in.feasibility->reviewer) {
    field = "four-eyes rule";
    code = absl::StatusCode::kFailedPrecondition;
  } else if (approve) {
    if (!in.opportunity) {
      field = "opportunity";
    } else if (in.opportunity->value != policy::OpinionValue::kFavourable) {
      field = "opportunity.opinion";
    } else if (!in.feasibility) {
      field = "feasibility";
    } else if (in.feasibility->value != policy::OpinionValue::kFavourable) {
      field = "feasibility.opinion";
    } else if (!in.reasons.empty()) {
      field = "reasons";
    } else {
      terms.scope = in.scope.value_or(requested);
      if (in.scope.has_value()) {
        field = ModelScope(*in.scope, l, "scope");
        const std::pair<const char*, std::vector<std::string> Scope::*>
            lists[] = {{"scope.indicators", &Scope::indicators},
                       {"scope.territories", &Scope::territories},
                       {"scope.periods", &Scope::periods},
                       {"scope.breakdowns", &Scope::breakdowns}};
        for (const auto& [name, member] : lists) {
          if (!field.empty()) break;
          const std::set<std::string> asked(((requested).*member).begin(),
                                            ((requested).*member).end());
          for (const std::string& s : (*in.scope).*member) {
            if (!asked.count(s)) {
              field = name;
              break;
            }
          }
        }
      }
      terms.end_time = in.end_time.value_or(convention_end);
      if (!field.empty()) {
      } else if (terms.end_time <= now || terms.end_time > convention_end) {
        field = "end_time";
      } else if (in.download_quota < 0 ||
                 in.download_quota > l.max_download_quota) {
        field = "download_quota";
      }
      terms.download_quota = in.download_quota == 0 ? 1 : in.download_quota;
    }
  } else {
    if (in.scope.has_value()) {
      field = "scope";
    } else if (in.end_time.has_value()) {
      field = "end_time";
    } else if (in.download_quota != 0) {
      field = "download_quota";
    } else if (!TextOk(in.reasons, l.max_reasoning_chars, true, true)) {
      field = "reasons";
    }
  }

  absl::StatusOr<policy::DecisionOutcome> got =
      policy::ValidateDecision(in, requested, Catalogue(), ThePerimeter(), now,
                               convention_end, options, l);
  if (code == absl::StatusCode::kFailedPrecondition) {
    if (got.ok() || got.status().code() != code) {
      return absl::StrCat("ValidateDecision: four-eyes not enforced: ",
                          got.ok() ? "OK" : got.status().ToString());
    }
    return ModelPrintable(got.status().message())
               ? ""
               : "ValidateDecision: four-eyes message not printable";
  }
  if (std::string v = Compare("ValidateDecision", got.status(), field);
      !v.empty()) {
    return v;
  }
  if (!got.ok()) return "";
  if (got->decision != in.decision) return "ValidateDecision: decision changed";
  if (approve != got->approval.has_value()) {
    return "ValidateDecision: approval terms present iff approved, violated";
  }
  if (approve) {
    const policy::ApprovalTerms& t = *got->approval;
    if (t.scope.indicators != terms.scope.indicators ||
        t.scope.territories != terms.scope.territories ||
        t.scope.periods != terms.scope.periods ||
        t.scope.breakdowns != terms.scope.breakdowns) {
      return "ValidateDecision: approved scope is not the given or requested "
             "one";
    }
    if (t.end_time != terms.end_time || !(now < t.end_time) ||
        t.end_time > convention_end) {
      return "ValidateDecision: end_time not in (now, convention end]";
    }
    if (t.download_quota != terms.download_quota || t.download_quota < 1 ||
        t.download_quota > std::max(1, l.max_download_quota)) {
      return absl::StrCat("ValidateDecision: quota ", t.download_quota);
    }
  }
  return "";
}

std::string CheckText(ByteReader& r) {
  const size_t max = static_cast<size_t>(r.Byte() % 2 ? r.Range(0, 20) : 2000);
  const bool required = r.Bool();
  const bool paragraph = r.Bool();
  const std::string text = r.Byte() % 2 ? std::string(r.Rest()) : Text(r);
  const absl::Status s = policy::ValidateText(
      "field", text, max,
      required ? policy::Presence::kRequired : policy::Presence::kOptional,
      paragraph ? policy::TextKind::kParagraph : policy::TextKind::kLine);
  if (std::string v =
          Compare("ValidateText", s,
                  TextOk(text, max, required, paragraph) ? "" : "field");
      !v.empty()) {
    return v;
  }
  const std::optional<std::vector<uint32_t>> cps = ModelUtf8(text);
  const long length = policy::Utf8Length(text);
  if (length != (cps ? static_cast<long>(cps->size()) : -1)) {
    return absl::StrCat("Utf8Length ", length, " but the model decodes ",
                        cps ? static_cast<long>(cps->size()) : -1);
  }
  // Utf8SequenceLength agrees with the model on the first sequence.
  if (!text.empty()) {
    const size_t n = policy::Utf8SequenceLength(text, 0);
    size_t want = 0;
    for (size_t k = 1; k <= 4 && k <= text.size(); ++k) {
      const auto one = ModelUtf8(absl::string_view(text).substr(0, k));
      if (one.has_value() && one->size() == 1) {
        want = k;
        break;
      }
    }
    if (n != want) {
      return absl::StrCat("Utf8SequenceLength ", n, ", model ", want);
    }
  }
  return "";
}

}  // namespace

std::string RequestValidationEntry(absl::string_view data) {
  ByteReader r(data);
  switch (r.Byte() % 5) {
    case 0:
      return CheckSubmission(r);
    case 1:
      return CheckAmendment(r);
    case 2:
      return CheckDecision(r);
    case 3:
      return CheckQuestions(r);
    default:
      return CheckText(r);
  }
}

}  // namespace ctg::fuzz
