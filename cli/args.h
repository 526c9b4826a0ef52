// Command-line arguments of one `ctg` command: positionals and --flags.
// Each command declares the flags it takes; anything else is a usage error
// naming the flag. Not thread-safe (a plain value).
#ifndef CTG_CLI_ARGS_H_
#define CTG_CLI_ARGS_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace ctg::cli {

struct FlagSpec {
  std::string name;  // without "--"
  bool takes_value = true;
  bool repeated = false;
  char short_name = 0;  // e.g. 'o' for "-o"
};

class Args {
 public:
  // Parses `argv` (after the command words) against `flags`. `--name value`
  // and `--name=value` both work; `--` ends flags. Errors
  // (kInvalidArgument): an unknown flag (with the nearest known one, "did
  // you mean --reason?"), a missing value, a non-repeated flag given twice.
  static absl::StatusOr<Args> Parse(absl::Span<const std::string> argv,
                                    absl::Span<const FlagSpec> flags);

  const std::vector<std::string>& positionals() const { return positionals_; }
  bool Has(const std::string& name) const { return values_.count(name) > 0; }
  // The flag's value, or `fallback` when absent.
  std::string Get(const std::string& name,
                  const std::string& fallback = "") const;
  // Every value of a repeated flag, in order; values containing commas are
  // split ("--territory 33069,330690101").
  std::vector<std::string> GetList(const std::string& name) const;
  // Every value of a repeated flag, as given (no comma splitting).
  std::vector<std::string> GetAll(const std::string& name) const;

 private:
  std::vector<std::string> positionals_;
  std::map<std::string, std::vector<std::string>> values_;
};

// OK when every flag of `names` (without "--") was given with a non-blank
// value; otherwise kInvalidArgument naming the first missing one:
// "--reason is required".
absl::Status RequireFlags(const Args& args,
                          const std::vector<std::string>& names);

}  // namespace ctg::cli

#endif  // CTG_CLI_ARGS_H_
