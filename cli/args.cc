#include "cli/args.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "cli/suggest.h"

namespace ctg::cli {
namespace {

absl::Status UnknownFlag(const std::string& word,
                         absl::Span<const FlagSpec> flags) {
  std::vector<std::string> names;
  for (const FlagSpec& f : flags) names.push_back("--" + f.name);
  std::string guess = Suggest(word, names);
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown flag ", word,
      guess.empty() ? "" : absl::StrCat(" (did you mean ", guess, "?)")));
}

}  // namespace

absl::StatusOr<Args> Args::Parse(absl::Span<const std::string> argv,
                                 absl::Span<const FlagSpec> flags) {
  Args args;
  bool only_positionals = false;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& word = argv[i];
    if (!only_positionals && word.size() == 2 && word[0] == '-' &&
        word[1] != '-') {
      // A short flag ("-o FILE") stands for its long name.
      const FlagSpec* spec = nullptr;
      for (const FlagSpec& f : flags) {
        if (f.short_name == word[1]) spec = &f;
      }
      if (spec == nullptr) return UnknownFlag(word, flags);
      std::string value;
      if (spec->takes_value) {
        if (i + 1 >= argv.size()) {
          return absl::InvalidArgumentError(
              absl::StrCat("flag ", word, " needs a value"));
        }
        value = argv[++i];
      }
      auto& values = args.values_[spec->name];
      if (!values.empty() && !spec->repeated) {
        return absl::InvalidArgumentError(
            absl::StrCat("flag --", spec->name, " given twice"));
      }
      values.push_back(value);
      continue;
    }
    if (only_positionals || !absl::StartsWith(word, "--")) {
      args.positionals_.push_back(word);
      continue;
    }
    if (word == "--") {
      only_positionals = true;
      continue;
    }
    std::string name = word.substr(2);
    std::string value;
    bool inline_value = false;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      inline_value = true;
    }
    const FlagSpec* spec = nullptr;
    for (const FlagSpec& f : flags) {
      if (f.name == name) spec = &f;
    }
    if (spec == nullptr) return UnknownFlag("--" + name, flags);
    if (spec->takes_value && !inline_value) {
      if (i + 1 >= argv.size()) {
        return absl::InvalidArgumentError(
            absl::StrCat("flag --", name, " needs a value"));
      }
      value = argv[++i];
    } else if (!spec->takes_value && inline_value) {
      return absl::InvalidArgumentError(
          absl::StrCat("flag --", name, " takes no value"));
    }
    auto& values = args.values_[name];
    if (!values.empty() && !spec->repeated) {
      return absl::InvalidArgumentError(
          absl::StrCat("flag --", name, " given twice"));
    }
    values.push_back(value);
  }
  return args;
}

std::string Args::Get(const std::string& name,
                      const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second.back();
}

std::vector<std::string> Args::GetAll(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>() : it->second;
}

std::vector<std::string> Args::GetList(const std::string& name) const {
  std::vector<std::string> out;
  auto it = values_.find(name);
  if (it == values_.end()) return out;
  for (const std::string& v : it->second) {
    for (absl::string_view part : absl::StrSplit(v, ',', absl::SkipEmpty())) {
      out.emplace_back(part);
    }
  }
  return out;
}

absl::Status RequireFlags(const Args& args,
                          const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    bool given = false;
    for (const std::string& v : args.GetAll(name)) {
      given |= !absl::StripAsciiWhitespace(v).empty();
    }
    if (!given)
      return absl::InvalidArgumentError(
          absl::StrCat("--", name, " is required"));
  }
  return absl::OkStatus();
}

}  // namespace ctg::cli
