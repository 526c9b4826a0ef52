// The gateway names the request field an error is about ("reasons:
// required", "scope.territories[2]: ..."); the user typed a flag. This maps
// one to the other. Thread-safe (pure).
#ifndef CTG_CLI_FIELD_FLAGS_H_
#define CTG_CLI_FIELD_FLAGS_H_

#include <string>

namespace ctg::cli {

// `message` with its leading field path replaced by the flag that sets it
// ("--reason: required", "--territory (value 3): ..."); "" when the message
// does not start with a field ctg sets from a flag.
std::string WithFlagName(const std::string& message);

}  // namespace ctg::cli

#endif  // CTG_CLI_FIELD_FLAGS_H_
