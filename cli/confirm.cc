#include "cli/confirm.h"

#include <unistd.h>

#include <iostream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace ctg::cli {

FlagSpec YesFlag() { return {"yes", false, false, 'y'}; }

absl::Status Confirm(const Args& args, const std::string& consequences,
                     bool interactive, std::istream& in, std::ostream& out) {
  if (args.Has("yes")) return absl::OkStatus();
  if (!interactive) {
    return absl::FailedPreconditionError(
        absl::StrCat(consequences,
                     "\nThis needs confirmation and there is no terminal to "
                     "ask on: pass --yes "
                     "to proceed. Nothing was changed."));
  }
  out << consequences << "\nProceed? [y/N] " << std::flush;
  std::string answer;
  std::getline(in, answer);
  answer = absl::AsciiStrToLower(absl::StripAsciiWhitespace(answer));
  if (answer == "y" || answer == "yes") return absl::OkStatus();
  return absl::CancelledError("not confirmed: nothing was changed");
}

absl::Status ConfirmOnTerminal(const Args& args,
                               const std::string& consequences) {
  bool interactive = isatty(STDIN_FILENO) && isatty(STDERR_FILENO);
  return Confirm(args, consequences, interactive, std::cin, std::cerr);
}

}  // namespace ctg::cli
