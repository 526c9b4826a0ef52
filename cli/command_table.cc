// Every `ctg` command, in the order help lists them.
#include "cli/command.h"

namespace ctg::cli {

std::vector<Command> AllCommands() {
  std::vector<Command> commands;
  RegisterHealthCommands(commands);
  RegisterRequestCommands(commands);
  RegisterReviewCommands(commands);
  RegisterExtractCommands(commands);
  RegisterTransferCommands(commands);
  RegisterCafRequestCommands(commands);
  RegisterCatalogueCommands(commands);
  RegisterAdminCommands(commands);
  RegisterAuditCommands(commands);
  RegisterCompletionCommand(commands);
  return commands;
}

}  // namespace ctg::cli
