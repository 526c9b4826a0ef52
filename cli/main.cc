// ctg: the command-line client of ctg-gateway, for commune requesters, Caf
// reviewers and administrators, and auditors. `ctg --help` lists commands.
#include <grpc/support/log.h>

#include <algorithm>
#include <csignal>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/version.h"
#include "cli/command.h"
#include "cli/connection.h"
#include "cli/help_text.h"
#include "cli/output.h"
#include "cli/suggest.h"

namespace ctg::cli {
namespace {

// The command named by the first words (its group's words then its verb,
// "admin convention create"; the longest match wins), and how many words
// it used.
const Command* FindCommand(const std::vector<Command>& commands,
                           const std::vector<std::string>& words,
                           size_t* used) {
  const Command* found = nullptr;
  *used = 0;
  for (const Command& c : commands) {
    std::vector<std::string> name = absl::StrSplit(CommandName(c), ' ');
    if (name.size() > words.size() || name.size() <= *used) continue;
    if (std::equal(name.begin(), name.end(), words.begin())) {
      found = &c;
      *used = name.size();
    }
  }
  return found;
}

// The longest known group the words start with ("admin convention"), or "".
std::string KnownGroup(const std::vector<Command>& commands,
                       const std::vector<std::string>& words) {
  std::string group;
  for (const std::string& w : words) {
    if (absl::StartsWith(w, "-")) break;
    std::string candidate = group.empty() ? w : absl::StrCat(group, " ", w);
    bool known = false;
    for (const Command& c : commands) {
      known |=
          c.group == candidate || absl::StartsWith(c.group, candidate + " ");
    }
    if (!known) break;
    group = candidate;
  }
  return group;
}

// The words that may follow `prefix` ("" for the first word).
std::vector<std::string> NextWords(const std::vector<Command>& commands,
                                   const std::string& prefix) {
  std::set<std::string> out;
  size_t depth =
      prefix.empty() ? 0 : std::count(prefix.begin(), prefix.end(), ' ') + 1;
  for (const Command& c : commands) {
    std::vector<std::string> name = absl::StrSplit(CommandName(c), ' ');
    std::string joined;
    for (size_t i = 0; i < depth && i < name.size(); ++i) {
      joined += (i ? " " : "") + name[i];
    }
    if (name.size() > depth && joined == prefix) out.insert(name[depth]);
  }
  if (prefix.empty()) out.insert("help");
  return {out.begin(), out.end()};
}

std::string DidYouMean(const std::string& word,
                       const std::vector<std::string>& candidates,
                       const std::string& prefix) {
  std::string guess = Suggest(word, candidates);
  if (guess.empty()) return "";
  return absl::StrCat(" (did you mean `ctg ",
                      prefix.empty() ? "" : prefix + " ", guess, "`?)");
}

// `ctg help [WORDS...]` and `ctg help --man`.
int Help(const std::vector<Command>& commands,
         const std::vector<std::string>& words) {
  int width = TerminalWidth();
  if (words.empty()) {
    PrintOverview(commands, "", width, std::cout);
    return kExitOk;
  }
  if (words[0] == "--man") {
    std::cout << ManPage(commands);
    return kExitOk;
  }
  if (words[0] == "connection" && words.size() == 1) {
    PrintConnectionHelp(width, std::cout);
    return kExitOk;
  }
  size_t used = 0;
  const Command* found = FindCommand(commands, words, &used);
  if (found != nullptr && used == words.size()) {
    PrintCommandHelp(*found, width, std::cout);
    return kExitOk;
  }
  std::string group = KnownGroup(commands, words);
  size_t depth =
      group.empty() ? 0 : std::count(group.begin(), group.end(), ' ') + 1;
  if (!group.empty() && depth == words.size()) {
    PrintOverview(commands, group, width, std::cout);
    return kExitOk;
  }
  std::vector<std::string> candidates = NextWords(commands, group);
  candidates.push_back("connection");
  std::cerr << "ctg help: no command \"" << absl::StrJoin(words, " ") << "\""
            << DidYouMean(words[depth], candidates,
                          group.empty() ? "help" : "help " + group)
            << " (see ctg help)\n";
  return kExitUsage;
}

int Run(const std::vector<std::string>& words) {
  if (words.size() == 1 && words[0] == "--version") {
    std::cout << "ctg " << Version() << "\n";
    return kExitOk;
  }
  std::vector<Command> commands = AllCommands();
  if (words.empty()) {
    PrintOverview(commands, "", TerminalWidth(), std::cerr);
    return kExitUsage;
  }
  if (words[0] == "--help" || words[0] == "-h") return Help(commands, {});
  if (words[0] == "help")
    return Help(commands, {words.begin() + 1, words.end()});
  size_t used = 0;
  const Command* found = FindCommand(commands, words, &used);
  if (found == nullptr) {
    std::string group = KnownGroup(commands, words);
    if (!group.empty()) {
      // A known group (or group prefix): show its commands.
      size_t depth = std::count(group.begin(), group.end(), ' ') + 1;
      bool help = words.size() > depth &&
                  (words[depth] == "--help" || words[depth] == "-h");
      if (help) return Help(commands, {words.begin(), words.begin() + depth});
      if (words.size() > depth) {
        std::cerr << "ctg: unknown verb \"" << words[depth] << "\" for "
                  << group
                  << DidYouMean(words[depth], NextWords(commands, group), group)
                  << "\n\n";
      } else {
        std::cerr << "ctg: missing verb for " << group << "\n\n";
      }
      PrintOverview(commands, group, TerminalWidth(), std::cerr);
      return kExitUsage;
    }
    std::cerr << "ctg: unknown command \"" << words[0] << "\""
              << DidYouMean(words[0], NextWords(commands, ""), "")
              << " (see ctg help)\n";
    return kExitUsage;
  }
  std::vector<FlagSpec> flags = found->flags;
  for (const FlagSpec& f : CommonFlags()) {
    if (Connects(*found) || f.name == "help" || f.name == "format" ||
        f.name == "key") {
      if (std::none_of(flags.begin(), flags.end(),
                       [&](const FlagSpec& g) { return g.name == f.name; })) {
        flags.push_back(f);
      }
    }
  }
  std::vector<std::string> rest(words.begin() + used, words.end());
  auto args = Args::Parse(rest, flags);
  if (!args.ok()) {
    std::cerr << "ctg " << CommandName(*found) << ": "
              << args.status().message() << " (see ctg help "
              << CommandName(*found) << ")\n";
    return kExitUsage;
  }
  if (args->Has("help")) {
    PrintCommandHelp(*found, TerminalWidth(), std::cout);
    return kExitOk;
  }
  // `extract get` has its own formats ("--format csv|json") and checks them.
  if (!absl::StrContains(found->usage, "--format csv")) {
    if (auto json = WantsJson(*args); !json.ok())
      return ReportError(json.status(), kExitUsage);
  }
  return found->run(*args);
}

// gRPC's own log lines ("Handshake failed ...") would hide the explanation
// ctg prints; the failure reaches the user through the call's status.
void SilentLog(gpr_log_func_args*) {}

}  // namespace
}  // namespace ctg::cli

int main(int argc, char** argv) {
  gpr_set_log_function(ctg::cli::SilentLog);
  // A gateway that closes the connection while ctg replays the handshake
  // (cli/tls_check.h) must give an error to explain, not kill ctg.
  signal(SIGPIPE, SIG_IGN);
  std::vector<std::string> words(argv + 1, argv + argc);
  return ctg::cli::Run(words);
}
