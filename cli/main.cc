// ctg: the command-line client of ctg-gateway, for commune requesters, Caf
// reviewers and administrators, and auditors. `ctg --help` lists commands.
#include <iostream>
#include <string>
#include <vector>

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/version.h"
#include "cli/command.h"
#include "cli/connection.h"
#include "cli/output.h"

namespace ctg::cli {
namespace {

constexpr char kConnectionHelp[] =
    "Connection (every command): --gateway HOST:PORT (CTG_GATEWAY), --ca FILE (CTG_CA),\n"
    "  --cert FILE (CTG_CERT), --key FILE (CTG_KEY), --timeout SECONDS (default 30).\n"
    "Output: --format table|json. Exit codes: 0 ok, 1 refused or failed (the gRPC\n"
    "status is printed), 2 usage error, 3 verification failed.\n";

std::vector<Command> AllCommands() {
  std::vector<Command> commands;
  RegisterHealthCommands(commands);
  RegisterRequestCommands(commands);
  RegisterReviewCommands(commands);
  RegisterExtractCommands(commands);
  RegisterCatalogueCommands(commands);
  RegisterAdminCommands(commands);
  RegisterAuditCommands(commands);
  return commands;
}

std::string Name(const Command& c) {
  return c.group.empty() ? c.verb : absl::StrCat(c.group, " ", c.verb);
}

void PrintOverview(const std::vector<Command>& commands, const std::string& group,
                   std::ostream& out) {
  out << "usage: ctg " << (group.empty() ? "COMMAND" : group + " VERB")
      << " [ARGS] [FLAGS]\n\nCommands:\n";
  for (const Command& c : commands) {
    if (!group.empty() && c.group != group && !absl::StartsWith(c.group, group + " ")) continue;
    out << "  ctg " << Name(c) << " " << c.usage << "\n";
  }
  out << "\n" << kConnectionHelp
      << "Run `ctg " << (group.empty() ? "GROUP VERB" : group + " VERB")
      << " --help` for one command.\n";
}

void PrintCommandHelp(const Command& c, std::ostream& out) {
  out << "usage: ctg " << Name(c) << " " << c.usage << "\n\n" << c.help << "\n\n"
      << kConnectionHelp;
}

int Run(const std::vector<std::string>& words) {
  if (words.size() == 1 && words[0] == "--version") {
    std::cout << "ctg " << Version() << "\n";
    return kExitOk;
  }
  std::vector<Command> commands = AllCommands();
  if (words.empty() || words[0] == "--help" || words[0] == "-h" || words[0] == "help") {
    PrintOverview(commands, "", words.empty() ? std::cerr : std::cout);
    return words.empty() ? kExitUsage : kExitOk;
  }
  // A command is named by its group's words then its verb
  // ("admin convention create"); the longest match wins.
  const Command* found = nullptr;
  size_t used = 0;
  for (const Command& c : commands) {
    std::vector<std::string> name = absl::StrSplit(Name(c), ' ');
    if (name.size() > words.size() || name.size() <= used) continue;
    if (std::equal(name.begin(), name.end(), words.begin())) {
      found = &c;
      used = name.size();
    }
  }
  if (found == nullptr) {
    // A known group (or group prefix): show its commands.
    std::string group;
    for (const std::string& w : words) {
      if (absl::StartsWith(w, "-")) break;
      std::string candidate = group.empty() ? w : absl::StrCat(group, " ", w);
      bool known = false;
      for (const Command& c : commands) {
        known |= c.group == candidate || absl::StartsWith(c.group, candidate + " ");
      }
      if (!known) break;
      group = candidate;
    }
    if (!group.empty()) {
      size_t depth = std::count(group.begin(), group.end(), ' ') + 1;
      bool help = words.size() > depth && (words[depth] == "--help" || words[depth] == "-h");
      if (!help) {
        std::cerr << "ctg: " << (words.size() > depth ? "unknown verb \"" + words[depth] + "\" for "
                                                      : "missing verb for ")
                  << group << "\n\n";
      }
      PrintOverview(commands, group, help ? std::cout : std::cerr);
      return help ? kExitOk : kExitUsage;
    }
    std::cerr << "ctg: unknown command \"" << words[0] << "\" (see ctg --help)\n";
    return kExitUsage;
  }
  std::vector<FlagSpec> flags = CommonFlags();
  flags.insert(flags.end(), found->flags.begin(), found->flags.end());
  std::vector<std::string> rest(words.begin() + used, words.end());
  auto args = Args::Parse(rest, flags);
  if (!args.ok()) {
    std::cerr << "ctg " << Name(*found) << ": " << args.status().message()
              << " (see ctg " << Name(*found) << " --help)\n";
    return kExitUsage;
  }
  if (args->Has("help")) {
    PrintCommandHelp(*found, std::cout);
    return kExitOk;
  }
  if (auto json = WantsJson(*args); !json.ok()) return ReportError(json.status(), kExitUsage);
  return found->run(*args);
}

}  // namespace
}  // namespace ctg::cli

int main(int argc, char** argv) {
  std::vector<std::string> words(argv + 1, argv + argc);
  return ctg::cli::Run(words);
}
