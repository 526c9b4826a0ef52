#include "cli/help_text.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "cli/connection.h"

namespace ctg::cli {
namespace {

constexpr char kConnection[] =
    "--gateway HOST:PORT (CTG_GATEWAY), --ca FILE (CTG_CA), --cert FILE "
    "(CTG_CERT), "
    "--key FILE (CTG_KEY), --crl FILE (CTG_CRL, optional: recognises a revoked "
    "certificate; default crl.pem beside the CA file), --timeout SECONDS "
    "(default 30), "
    "--format table|json.";

constexpr char kExitCodes[] =
    "Exit codes: 0 ok; 1 refused or failed (the reason is printed); 2 usage "
    "error or a "
    "local certificate problem; 3 verification failed.";

size_t Width(absl::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string RoffEscape(const std::string& text) {
  std::string out = absl::StrReplaceAll(text, {{"\\", "\\e"}, {"-", "\\-"}});
  std::string lines;
  for (absl::string_view line : absl::StrSplit(out, '\n')) {
    if (!lines.empty()) lines += "\n";
    if (absl::StartsWith(line, ".") || absl::StartsWith(line, "'"))
      lines += "\\&";
    absl::StrAppend(&lines, line);
  }
  return lines;
}

// The flags of `c` as "--name" words, the connection flags included when
// it connects.
std::vector<std::string> FlagWords(const Command& c) {
  std::vector<std::string> out;
  for (const FlagSpec& f : c.flags) out.push_back("--" + f.name);
  std::vector<FlagSpec> common = CommonFlags();
  for (const FlagSpec& f : common) {
    if (Connects(c) || f.name == "help") out.push_back("--" + f.name);
  }
  return out;
}

}  // namespace

std::string CommandName(const Command& c) {
  return c.group.empty() ? c.verb : absl::StrCat(c.group, " ", c.verb);
}

bool Connects(const Command& c) {
  static const std::set<std::string> kOffline = {
      "audit verify", "extract verify", "completion bash"};
  return kOffline.count(CommandName(c)) == 0;
}

int TerminalWidth() {
  int columns = 0;
  if (const char* env = std::getenv("COLUMNS");
      env != nullptr && absl::SimpleAtoi(env, &columns) && columns > 0) {
    return std::max(columns, 40);
  }
  winsize ws{};
  if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
      ws.ws_col > 0) {
    return std::max<int>(ws.ws_col, 40);
  }
  return 80;
}

std::string Wrap(const std::string& text, int width, int indent, int hanging) {
  std::string out;
  std::string first(indent, ' ');
  std::string next(hanging < 0 ? indent : hanging, ' ');
  for (absl::string_view paragraph : absl::StrSplit(text, '\n')) {
    std::string line;
    std::string pad = first;
    for (absl::string_view word :
         absl::StrSplit(paragraph, ' ', absl::SkipEmpty())) {
      size_t limit = static_cast<size_t>(
          std::max(width - static_cast<int>(pad.size()), 10));
      if (!line.empty() && Width(line) + 1 + Width(word) > limit) {
        absl::StrAppend(&out, pad, line, "\n");
        line.clear();
        pad = next;
      }
      absl::StrAppend(&line, line.empty() ? "" : " ", word);
    }
    absl::StrAppend(&out, pad, line, "\n");
  }
  return out;
}

void PrintOverview(const std::vector<Command>& commands,
                   const std::string& group, int width, std::ostream& out) {
  out << "usage: ctg " << (group.empty() ? "COMMAND" : group + " VERB")
      << " [ARGS] [FLAGS]\n\nCommands:\n";
  for (const Command& c : commands) {
    if (!group.empty() && c.group != group &&
        !absl::StartsWith(c.group, group + " "))
      continue;
    std::string line = absl::StrCat("ctg ", CommandName(c), " ", c.usage);
    out << Wrap(line, width, 2, 6);
  }
  out << "\n"
      << Wrap(absl::StrCat("Connection (commands that reach the gateway): ",
                           kConnection),
              width)
      << Wrap(kExitCodes, width)
      << Wrap(absl::StrCat(
                  "Run `ctg help ",
                  group.empty() ? "GROUP VERB" : group + " VERB",
                  "` for one command, `ctg help connection` for the connection "
                  "settings."),
              width);
}

void PrintCommandHelp(const Command& c, int width, std::ostream& out) {
  out << Wrap(absl::StrCat("usage: ctg ", CommandName(c), " ", c.usage), width)
      << "\n"
      << Wrap(c.help, width);
  if (Connects(c)) {
    out << "\n"
        << Wrap(
               "Also takes the connection flags --gateway, --ca, --cert, "
               "--key, --crl, "
               "--timeout and --format (see `ctg help connection`).",
               width);
  }
}

void PrintConnectionHelp(int width, std::ostream& out) {
  out << Wrap(absl::StrCat("Every command that reaches the gateway takes: ",
                           kConnection),
              width)
      << "\n"
      << Wrap(
             "Before connecting, ctg checks your certificate: readable files, "
             "PEM, the key "
             "matching the certificate, its validity dates and its single "
             "spiffe:// URI. When "
             "the gateway refuses the connection, ctg replays the TLS "
             "handshake to say why.",
             width)
      << "\n"
      << Wrap(kExitCodes, width);
}

std::string ManPage(const std::vector<Command>& commands) {
  std::string out =
      ".TH CTG 1 \"\" \"ctg-gateway\" \"User Commands\"\n"
      ".SH NAME\n"
      "ctg \\- command\\-line client of ctg\\-gateway (statistical extracts "
      "for communes)\n"
      ".SH SYNOPSIS\n"
      ".B ctg\n"
      "\\fIGROUP\\fR \\fIVERB\\fR [\\fIARGS\\fR] [\\fIFLAGS\\fR]\n"
      ".br\n"
      ".B ctg help\n"
      "[\\fIGROUP\\fR [\\fIVERB\\fR]]\n"
      ".SH DESCRIPTION\n"
      "Communes file requests for statistics of the Caf and download extracts; "
      "Caf reviewers "
      "study and decide them; administrators manage conventions and the "
      "statistical base; "
      "auditors read and verify the audit trail. Every call goes over mutual "
      "TLS with the "
      "caller's certificate, whose spiffe:// URI is its identity.\n"
      ".SH COMMANDS\n";
  for (const Command& c : commands) {
    absl::StrAppend(&out, ".TP\n\\fBctg ", RoffEscape(CommandName(c)), "\\fR",
                    c.usage.empty() ? "" : " " + RoffEscape(c.usage), "\n",
                    RoffEscape(c.help), "\n");
  }
  absl::StrAppend(
      &out, ".SH CONNECTION\n", RoffEscape(kConnection), "\n",
      ".SH ENVIRONMENT\n"
      ".TP\n.B CTG_GATEWAY\nthe gateway, HOST:PORT\n"
      ".TP\n.B CTG_CA\nthe CA certificate that signed the gateway's "
      "certificate\n"
      ".TP\n.B CTG_CERT\\fR, \\fBCTG_KEY\nyour certificate and its key (PEM)\n"
      ".TP\n.B CTG_CRL\nthe Caf's CRL (optional), to name a revoked "
      "certificate\n"
      ".TP\n.B CTG_AUDIT_KEY\nthe audit public key, to verify extract "
      "receipts\n"
      ".TP\n.B COLUMNS\nthe width help is wrapped to\n"
      ".SH EXIT STATUS\n",
      RoffEscape(kExitCodes), "\n",
      ".SH SEE ALSO\nThe README of ctg\\-gateway, section \"The ctg "
      "command\".\n");
  return out;
}

std::string BashCompletion(const std::vector<Command>& commands) {
  // Words that may follow each prefix of a command name, and the flags of
  // each full command.
  std::map<std::string, std::set<std::string>> next;
  std::vector<std::pair<std::string, std::string>> flags;
  for (const Command& c : commands) {
    std::vector<std::string> words = absl::StrSplit(CommandName(c), ' ');
    std::string prefix;
    for (const std::string& w : words) {
      next[prefix].insert(w);
      prefix = prefix.empty() ? w : absl::StrCat(prefix, " ", w);
    }
    flags.emplace_back(prefix, absl::StrJoin(FlagWords(c), " "));
  }
  next[""].insert("help");
  // Longest names first, so that "admin convention create" wins over a
  // shorter name it starts with.
  std::sort(flags.begin(), flags.end(), [](const auto& a, const auto& b) {
    return a.first.size() > b.first.size();
  });
  std::string out =
      "# bash completion for ctg (generated by `ctg completion bash`)\n"
      "_ctg() {\n"
      "  local cur=${COMP_WORDS[COMP_CWORD]}\n"
      "  local line=\"${COMP_WORDS[*]:1:COMP_CWORD-1}\"\n"
      "  [ \"${COMP_WORDS[1]}\" = help ] && "
      "line=\"${COMP_WORDS[*]:2:COMP_CWORD-2}\"\n"
      "  local words=\n"
      "  case \"$line\" in\n";
  for (const auto& [name, words] : flags) {
    absl::StrAppend(&out, "    \"", name, "\" | \"", name,
                    " \"*) [[ $cur == -* ]] && words=\"", words, "\" ;;\n");
  }
  for (const auto& [prefix, words] : next) {
    absl::StrAppend(&out, "    \"", prefix, "\") words=\"",
                    absl::StrJoin(words, " "), "\" ;;\n");
  }
  out +=
      "  esac\n"
      "  COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
      "}\n"
      "complete -o default -F _ctg ctg\n";
  return out;
}

}  // namespace ctg::cli
