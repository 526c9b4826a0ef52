// Confirmation of risky administrator actions (revoking an approval,
// terminating a convention at once): show what the action will end, then
// ask on the terminal, or take --yes. Not thread-safe (reads stdin).
#ifndef CTG_CLI_CONFIRM_H_
#define CTG_CLI_CONFIRM_H_

#include <istream>
#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "cli/args.h"

namespace ctg::cli {

// The --yes flag, for commands that confirm.
FlagSpec YesFlag();

// Prints `consequences` (what the action will end) and asks "Proceed?".
// OK with --yes, or when `interactive` and the answer is y/yes. Errors:
// kCancelled when the answer is anything else; kFailedPrecondition without
// --yes when not `interactive` (standard input or error is not a
// terminal), saying to pass --yes. Nothing is sent to the gateway on error.
absl::Status Confirm(const Args& args, const std::string& consequences,
                     bool interactive, std::istream& in, std::ostream& out);

// Confirm() on the process's terminal (interactive when stdin and stderr
// are terminals).
absl::Status ConfirmOnTerminal(const Args& args,
                               const std::string& consequences);

}  // namespace ctg::cli

#endif  // CTG_CLI_CONFIRM_H_
