// ctg review ...: the Caf reviewer's side of the étude d'opportunité.
#include "cli/command.h"

namespace ctg::cli {

void RegisterReviewCommands(std::vector<Command>&) {}

}  // namespace ctg::cli
