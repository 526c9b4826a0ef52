// The build's version, fixed when CMake configures the tree:
// `git describe --tags` when the source is a git checkout (the project
// version plus "+git<commits>.g<hash>" when no tag is reachable), else the
// project version of CMakeLists.txt. Thread-safe (a constant).
#ifndef CTG_BASE_VERSION_H_
#define CTG_BASE_VERSION_H_

namespace ctg {

// E.g. "0.1.0+git214.g9bb4671" or "0.1.0".
const char* Version();

}  // namespace ctg

#endif  // CTG_BASE_VERSION_H_
