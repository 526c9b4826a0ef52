// Runs a program as a child process for integration tests: either to
// completion with its output captured, or in the background (the gateway)
// with its stdout readable line by line.
#ifndef CTG_TESTS_TESTING_SUBPROCESS_H_
#define CTG_TESTS_TESTING_SUBPROCESS_H_

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace ctg::testing {

struct RunResult {
  int exit_code = -1;  // -1 if killed by a signal
  std::string out;
  std::string err;
};

// Runs `argv` with extra environment variables and waits for it. Stdin is
// /dev/null, or `input` when given.
RunResult RunProgram(const std::vector<std::string>& argv,
                     const std::map<std::string, std::string>& env = {},
                     const std::string& input = "");

// A background child process. Killed (SIGKILL) on destruction if still
// running.
class Child {
 public:
  // Starts `argv`; its stdout is a pipe (ReadLine), its stderr goes to
  // `stderr_path` (appended).
  Child(const std::vector<std::string>& argv, const std::string& stderr_path);
  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  // Next stdout line (without '\n'), or false on EOF / timeout.
  bool ReadLine(std::string* line, int timeout_ms);
  // Sends `sig` and waits for the exit; returns the exit code (or 128+sig).
  int Stop(int sig, int timeout_ms = 20000);
  // Waits for the child to exit by itself; returns its exit code.
  int Wait(int timeout_ms);
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string buffer_;
  bool exited_ = false;
  int status_ = 0;
};

}  // namespace ctg::testing

#endif  // CTG_TESTS_TESTING_SUBPROCESS_H_
