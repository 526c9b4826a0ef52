// The `ctg` command table: one entry per `ctg GROUP VERB`, with its usage,
// help text, flags and the function that runs it.
#ifndef CTG_CLI_COMMAND_H_
#define CTG_CLI_COMMAND_H_

#include <functional>
#include <string>
#include <vector>

#include "cli/args.h"

namespace ctg::cli {

// Exit codes: 0 success, 1 the gateway refused or failed (the gRPC status is
// printed), 2 usage error, 3 a verification failed (digest, audit trail).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitVerifyFailed = 3;

struct Command {
  std::string group;  // "audit"; "" for top-level commands like "health"
  std::string verb;   // "verify"
  std::string usage;  // "--events FILE --key FILE [--checkpoint FILE]"
  std::string help;   // one paragraph
  std::vector<FlagSpec> flags;  // besides CommonFlags()
  std::function<int(const Args&)> run;
};

// Every command (command_table.cc).
std::vector<Command> AllCommands();

void RegisterHealthCommands(std::vector<Command>& commands);
void RegisterAuditCommands(std::vector<Command>& commands);
void RegisterAdminCommands(std::vector<Command>& commands);
void RegisterCatalogueCommands(std::vector<Command>& commands);
void RegisterRequestCommands(std::vector<Command>& commands);
void RegisterReviewCommands(std::vector<Command>& commands);
void RegisterPreviewCommand(std::vector<Command>& commands);
void RegisterExtractCommands(std::vector<Command>& commands);
void RegisterExtractVerifyCommand(std::vector<Command>& commands);
void RegisterCompletionCommand(std::vector<Command>& commands);
void RegisterCafRequestCommands(std::vector<Command>& commands);
void RegisterTransferCommands(std::vector<Command>& commands);

}  // namespace ctg::cli

#endif  // CTG_CLI_COMMAND_H_
