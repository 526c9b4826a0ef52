// ctg request ...: the commune requester's side of the étude d'opportunité.
#include "cli/command.h"

namespace ctg::cli {

void RegisterRequestCommands(std::vector<Command>&) {}

}  // namespace ctg::cli
