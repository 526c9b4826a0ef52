// Verb groups whose issues have not landed yet register nothing; each moves
// to its own file when it lands.
#include "cli/command.h"

namespace ctg::cli {



void RegisterExtractCommands(std::vector<Command>&) {}

}  // namespace ctg::cli
