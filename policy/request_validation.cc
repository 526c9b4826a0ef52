#include "policy/request_validation.h"

#include <cstdint>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"
#include "policy/identity.h"
#include "policy/text.h"

namespace ctg::policy {
namespace {

constexpr size_t kMaxEchoBytes = 64;

absl::Status Invalid(absl::string_view field, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", what));
}

// A value from the caller, safe to put in a message.
std::string Quote(absl::string_view value) {
  bool cut = value.size() > kMaxEchoBytes;
  return absl::StrCat("\"", absl::CHexEscape(value.substr(0, kMaxEchoBytes)),
                      cut ? "...\"" : "\"");
}

std::string Item(absl::string_view field, size_t index) {
  return absl::StrCat(field, "[", index, "]");
}

std::string Time(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

// Count, presence and duplicates of one list; then `known` for each item,
// which returns what is wrong with it or "" when it is fine.
template <typename Known>
absl::Status CheckList(absl::string_view field,
                       const std::vector<std::string>& items, size_t max_items,
                       Presence presence, Known known) {
  if (items.empty() && presence == Presence::kRequired) {
    return Invalid(field, "at least one required");
  }
  if (items.size() > max_items) {
    return Invalid(field,
                   absl::StrCat(items.size(), " items, at most ", max_items));
  }
  std::map<absl::string_view, size_t> seen;
  for (size_t i = 0; i < items.size(); ++i) {
    auto [it, inserted] = seen.emplace(items[i], i);
    if (!inserted) {
      return Invalid(Item(field, i),
                     absl::StrCat(Quote(items[i]), " is a duplicate of ",
                                  Item(field, it->second)));
    }
    if (std::string why = known(items[i]); !why.empty()) {
      return Invalid(Item(field, i), absl::StrCat(Quote(items[i]), " ", why));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckOpinion(absl::string_view field,
                          const std::optional<Opinion>& opinion,
                          const RequestLimits& limits) {
  if (!opinion.has_value()) return absl::OkStatus();
  if (opinion->value != OpinionValue::kFavourable &&
      opinion->value != OpinionValue::kUnfavourable) {
    return Invalid(absl::StrCat(field, ".opinion"),
                   "must be FAVOURABLE or UNFAVOURABLE");
  }
  CTG_RETURN_IF_ERROR(ValidateText(
      absl::StrCat(field, ".reasoning"), opinion->reasoning,
      limits.max_reasoning_chars, Presence::kRequired, TextKind::kParagraph));
  if (opinion->reviewer.empty()) {
    return Invalid(absl::StrCat(field, ".reviewer"), "required");
  }
  return absl::OkStatus();
}

absl::StatusOr<ApprovalTerms> CheckApproval(
    const DecisionInput& input, const Scope& requested,
    const CatalogueView& catalogue, const Perimeter& perimeter, absl::Time now,
    absl::Time convention_end, const RequestLimits& limits) {
  // R1: both opinions of the étude, both favourable.
  for (const auto& [field, opinion] :
       {std::pair<absl::string_view, const std::optional<Opinion>*>{
            "opportunity", &input.opportunity},
        {"feasibility", &input.feasibility}}) {
    if (!opinion->has_value()) {
      return Invalid(field, "required: an approval needs both opinions (R1)");
    }
    if ((*opinion)->value != OpinionValue::kFavourable) {
      return Invalid(absl::StrCat(field, ".opinion"),
                     "is UNFAVOURABLE; an approval needs both opinions "
                     "FAVOURABLE (R1)");
    }
  }
  if (!input.reasons.empty()) {
    return Invalid("reasons",
                   "only a rejection has reasons; the opinions "
                   "carry the approval's reasoning");
  }
  ApprovalTerms terms;
  terms.scope = input.scope.value_or(requested);
  if (input.scope.has_value()) {
    CTG_RETURN_IF_ERROR(
        ValidateScope(terms.scope, catalogue, perimeter, limits, "scope"));
    CTG_RETURN_IF_ERROR(CheckNarrowing(terms.scope, requested, "scope"));
  }
  // R11: nothing is released after the convention's end.
  terms.end_time = input.end_time.value_or(convention_end);
  if (terms.end_time <= now) {
    return Invalid("end_time",
                   absl::StrCat(Time(terms.end_time), " is not after now (",
                                Time(now), ")"));
  }
  if (terms.end_time > convention_end) {
    return Invalid(
        "end_time",
        absl::StrCat(Time(terms.end_time), " is after the end of convention ",
                     perimeter.convention_id, " (", Time(convention_end), ")"));
  }
  if (input.download_quota < 0 ||
      input.download_quota > limits.max_download_quota) {
    return Invalid("download_quota",
                   absl::StrCat(input.download_quota, " is outside 0..",
                                limits.max_download_quota, " (0 means one)"));
  }
  terms.download_quota = input.download_quota == 0 ? 1 : input.download_quota;
  return terms;
}

absl::Status CheckRejection(const DecisionInput& input,
                            const RequestLimits& limits) {
  if (input.scope.has_value()) {
    return Invalid("scope", "only an approval has a scope");
  }
  if (input.end_time.has_value()) {
    return Invalid("end_time", "only an approval has an end time");
  }
  if (input.download_quota != 0) {
    return Invalid("download_quota", "only an approval has a download quota");
  }
  return ValidateText("reasons", input.reasons, limits.max_reasoning_chars,
                      Presence::kRequired, TextKind::kParagraph);
}

}  // namespace

absl::Status ValidateScope(const Scope& scope, const CatalogueView& catalogue,
                           const Perimeter& perimeter,
                           const RequestLimits& limits,
                           absl::string_view field) {
  auto sub = [&](absl::string_view list) {
    return absl::StrCat(field, ".", list);
  };
  CTG_RETURN_IF_ERROR(CheckList(
      sub("indicators"), scope.indicators, limits.max_indicators,
      Presence::kRequired, [&](const std::string& code) -> std::string {
        return catalogue.indicators.count(code) ? ""
                                                : "is not in the catalogue";
      }));
  CTG_RETURN_IF_ERROR(CheckList(
      sub("territories"), scope.territories, limits.max_territories,
      Presence::kRequired, [&](const std::string& code) -> std::string {
        if (perimeter.territories.count(code)) return "";
        return absl::StrCat("is not in the perimeter of convention ",
                            perimeter.convention_id);
      }));
  CTG_RETURN_IF_ERROR(CheckList(sub("periods"), scope.periods,
                                limits.max_periods, Presence::kRequired,
                                [&](const std::string& period) -> std::string {
                                  return catalogue.periods.count(period)
                                             ? ""
                                             : "is not in the statistical base";
                                }));
  return CheckList(
      sub("breakdowns"), scope.breakdowns, limits.max_breakdowns,
      Presence::kOptional, [&](const std::string& code) -> std::string {
        bool anywhere = false;
        for (const auto& [indicator, breakdowns] : catalogue.indicators) {
          if (!breakdowns.count(code)) continue;
          anywhere = true;
          for (const std::string& requested : scope.indicators) {
            if (requested == indicator) return "";
          }
        }
        if (!anywhere) return "is not a breakdown in the catalogue";
        return absl::StrCat("is not a breakdown of any requested indicator (",
                            absl::StrJoin(scope.indicators, ", "), ")");
      });
}

absl::Status ValidateRecipients(absl::Span<const Recipient> recipients,
                                const RequestLimits& limits) {
  if (recipients.size() > limits.max_recipients) {
    return Invalid("recipients",
                   absl::StrCat(recipients.size(), " items, at most ",
                                limits.max_recipients));
  }
  std::map<std::pair<RecipientKind, std::string>, size_t> names;
  std::map<std::string, size_t> persons;
  for (size_t i = 0; i < recipients.size(); ++i) {
    const Recipient& r = recipients[i];
    std::string at = Item("recipients", i);
    if (r.kind != RecipientKind::kOwnService &&
        r.kind != RecipientKind::kOperator) {
      return Invalid(absl::StrCat(at, ".kind"),
                     "must be OWN_SERVICE or OPERATOR");
    }
    CTG_RETURN_IF_ERROR(ValidateText(absl::StrCat(at, ".name"), r.name,
                                     limits.max_name_chars, Presence::kRequired,
                                     TextKind::kLine));
    std::string person_field = absl::StrCat(at, ".operator_person");
    if (r.kind == RecipientKind::kOwnService && !r.operator_person.empty()) {
      return Invalid(person_field, "only an OPERATOR recipient has one");
    }
    if (r.kind == RecipientKind::kOperator) {
      if (r.operator_person.empty()) {
        return Invalid(person_field, "required for an OPERATOR recipient");
      }
      if (!IsPersonSegment(r.operator_person)) {
        return Invalid(person_field,
                       absl::StrCat(Quote(r.operator_person),
                                    " is not a person name (1-64 letters, "
                                    "digits, '.', '-' or '_')"));
      }
      auto [it, inserted] = persons.emplace(r.operator_person, i);
      if (!inserted) {
        return Invalid(
            person_field,
            absl::StrCat(Quote(r.operator_person), " is already declared by ",
                         Item("recipients", it->second)));
      }
    }
    auto [it, inserted] =
        names.emplace(std::make_pair(r.kind, absl::AsciiStrToLower(r.name)), i);
    if (!inserted) {
      return Invalid(
          at, absl::StrCat("duplicate of ", Item("recipients", it->second)));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateRetention(int months, const RequestLimits& limits) {
  if (months < limits.min_retention_months ||
      months > limits.max_retention_months) {
    return Invalid(
        "retention_months",
        absl::StrCat(months, " is outside ", limits.min_retention_months, "..",
                     limits.max_retention_months));
  }
  return absl::OkStatus();
}

absl::Status ValidateSubmission(const Submission& submission,
                                const CatalogueView& catalogue,
                                const Perimeter& perimeter,
                                const RequestLimits& limits) {
  // R2: the declared purpose and the objective it serves.
  CTG_RETURN_IF_ERROR(ValidateText("purpose", submission.purpose,
                                   limits.max_purpose_chars,
                                   Presence::kRequired, TextKind::kParagraph));
  CTG_RETURN_IF_ERROR(ValidateText("objective", submission.objective,
                                   limits.max_objective_chars,
                                   Presence::kRequired, TextKind::kLine));
  CTG_RETURN_IF_ERROR(ValidateText("justification", submission.justification,
                                   limits.max_justification_chars,
                                   Presence::kOptional, TextKind::kParagraph));
  CTG_RETURN_IF_ERROR(
      ValidateScope(submission.scope, catalogue, perimeter, limits));
  // R3: onward transfer only to declared recipients.
  CTG_RETURN_IF_ERROR(ValidateRecipients(submission.recipients, limits));
  return ValidateRetention(submission.retention_months, limits);
}

absl::Status CheckPurposeUnchanged(absl::string_view recorded,
                                   absl::string_view proposed) {
  // R2: the purpose studied is the purpose bound to every release.
  if (proposed.empty() || proposed == recorded) return absl::OkStatus();
  return Invalid("purpose",
                 "the declared purpose cannot change after submission (R2); "
                 "file a new request for another purpose");
}

absl::Status ValidateAmendment(const Amendment& amendment,
                               absl::string_view recorded_purpose,
                               const CatalogueView& catalogue,
                               const Perimeter& perimeter,
                               const RequestLimits& limits) {
  CTG_RETURN_IF_ERROR(
      CheckPurposeUnchanged(recorded_purpose, amendment.purpose));
  CTG_RETURN_IF_ERROR(ValidateText("answer", amendment.answer,
                                   limits.max_answer_chars, Presence::kRequired,
                                   TextKind::kParagraph));
  CTG_RETURN_IF_ERROR(ValidateText("justification", amendment.justification,
                                   limits.max_justification_chars,
                                   Presence::kOptional, TextKind::kParagraph));
  if (!amendment.scope.has_value()) return absl::OkStatus();
  return ValidateScope(*amendment.scope, catalogue, perimeter, limits);
}

absl::Status ValidateQuestions(absl::Span<const std::string> questions,
                               const RequestLimits& limits) {
  if (questions.empty()) return Invalid("questions", "at least one required");
  if (questions.size() > limits.max_questions) {
    return Invalid("questions",
                   absl::StrCat(questions.size(), " items, at most ",
                                limits.max_questions));
  }
  for (size_t i = 0; i < questions.size(); ++i) {
    CTG_RETURN_IF_ERROR(ValidateText(
        Item("questions", i), questions[i], limits.max_question_chars,
        Presence::kRequired, TextKind::kParagraph));
  }
  return absl::OkStatus();
}

absl::Status CheckNarrowing(const Scope& approved, const Scope& requested,
                            absl::string_view field) {
  const std::pair<absl::string_view, const std::vector<std::string> Scope::*>
      lists[] = {{"indicators", &Scope::indicators},
                 {"territories", &Scope::territories},
                 {"periods", &Scope::periods},
                 {"breakdowns", &Scope::breakdowns}};
  for (const auto& [name, member] : lists) {
    const std::vector<std::string>& asked = requested.*member;
    const std::set<absl::string_view> allowed(asked.begin(), asked.end());
    const std::vector<std::string>& given = approved.*member;
    for (size_t i = 0; i < given.size(); ++i) {
      if (!allowed.count(given[i])) {
        return Invalid(Item(absl::StrCat(field, ".", name), i),
                       absl::StrCat(Quote(given[i]), " was not requested"));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateOpinions(const std::optional<Opinion>& opportunity,
                              const std::optional<Opinion>& feasibility,
                              const DecisionOptions& options,
                              const RequestLimits& limits) {
  CTG_RETURN_IF_ERROR(CheckOpinion("opportunity", opportunity, limits));
  CTG_RETURN_IF_ERROR(CheckOpinion("feasibility", feasibility, limits));
  // R1, four-eyes (configuration option): two people study the request.
  if (options.four_eyes && opportunity.has_value() && feasibility.has_value() &&
      opportunity->reviewer == feasibility->reviewer) {
    return absl::FailedPreconditionError(absl::StrCat(
        "four-eyes rule: the opportunity and feasibility opinions must come "
        "from two different reviewers; both come from ",
        opportunity->reviewer));
  }
  return absl::OkStatus();
}

absl::StatusOr<DecisionOutcome> ValidateDecision(
    const DecisionInput& input, const Scope& requested,
    const CatalogueView& catalogue, const Perimeter& perimeter, absl::Time now,
    absl::Time convention_end, const DecisionOptions& options,
    const RequestLimits& limits) {
  if (input.decision != Decision::kApprove &&
      input.decision != Decision::kReject) {
    return Invalid("decision", "must be APPROVE or REJECT");
  }
  CTG_RETURN_IF_ERROR(
      ValidateOpinions(input.opportunity, input.feasibility, options, limits));
  DecisionOutcome outcome;
  outcome.decision = input.decision;
  if (input.decision == Decision::kApprove) {
    auto terms = CheckApproval(input, requested, catalogue, perimeter, now,
                               convention_end, limits);
    if (!terms.ok()) return terms.status();
    outcome.approval = *std::move(terms);
  } else {
    CTG_RETURN_IF_ERROR(CheckRejection(input, limits));
  }
  return outcome;
}

}  // namespace ctg::policy
