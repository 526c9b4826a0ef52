// Help for people and for tools, all from the command table (command.h):
// help wrapped to the terminal, the man page and the bash completion
// script. Thread-safe (pure, except TerminalWidth which reads the
// environment and the terminal).
#ifndef CTG_CLI_HELP_TEXT_H_
#define CTG_CLI_HELP_TEXT_H_

#include <ostream>
#include <string>
#include <vector>

#include "cli/command.h"

namespace ctg::cli {

// "admin convention create", "health".
std::string CommandName(const Command& c);

// Whether the command talks to the gateway (takes the connection flags).
bool Connects(const Command& c);

// Columns to wrap help to: $COLUMNS, else the width of the terminal on
// standard output, else 80; at least 40.
int TerminalWidth();

// `text` wrapped at spaces to `width` columns (code points), the first line
// of each paragraph starting with `indent` spaces and the next ones with
// `hanging` (default: `indent`); existing line breaks are kept.
std::string Wrap(const std::string& text, int width, int indent = 0,
                 int hanging = -1);

// `ctg --help` or `ctg GROUP --help`: the commands (of `group`, "" for all).
void PrintOverview(const std::vector<Command>& commands,
                   const std::string& group, int width, std::ostream& out);
// `ctg GROUP VERB --help`: usage, description and only this command's flags.
void PrintCommandHelp(const Command& c, int width, std::ostream& out);
// `ctg help connection`: the flags and variables every connecting command
// takes.
void PrintConnectionHelp(int width, std::ostream& out);

// The ctg(1) manual page (roff), every command included.
std::string ManPage(const std::vector<Command>& commands);

// A bash completion script for ctg (command words, then each command's
// flags; files otherwise). Install as
// /usr/share/bash-completion/completions/ctg.
std::string BashCompletion(const std::vector<Command>& commands);

}  // namespace ctg::cli

#endif  // CTG_CLI_HELP_TEXT_H_
