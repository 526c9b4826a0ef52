// ctg completion bash: the bash completion script, generated from the
// command table (also written at build time, see cli/CMakeLists.txt).
#include <iostream>

#include "absl/strings/str_cat.h"
#include "cli/command.h"
#include "cli/help_text.h"
#include "cli/output.h"

namespace ctg::cli {
namespace {

int Completion(const Args& args) {
  if (!args.positionals().empty()) {
    return ReportError(
        absl::InvalidArgumentError(absl::StrCat(
            "unexpected ", args.positionals()[0], ": only bash is supported")),
        kExitUsage);
  }
  std::cout << BashCompletion(AllCommands());
  return kExitOk;
}

}  // namespace

void RegisterCompletionCommand(std::vector<Command>& commands) {
  commands.push_back({"completion",
                      "bash",
                      "",
                      "Prints the bash completion script for ctg: command "
                      "words, then each command's "
                      "flags. The package installs it; otherwise: source <(ctg "
                      "completion bash).",
                      {},
                      Completion});
}

}  // namespace ctg::cli
