// Verb groups whose issues have not landed yet register nothing; each moves
// to its own file when it lands.
#include "cli/command.h"

namespace ctg::cli {

void RegisterRequestCommands(std::vector<Command>&) {}
void RegisterReviewCommands(std::vector<Command>&) {}
void RegisterExtractCommands(std::vector<Command>&) {}

}  // namespace ctg::cli
