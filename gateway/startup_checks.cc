#include "gateway/startup_checks.h"

#include <netdb.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace ctg::gateway {
namespace {

struct HostPort {
  std::string host;  // without IPv6 brackets
  int port = -1;
};

bool Split(const std::string& listen, HostPort* out) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0 ||
      !absl::SimpleAtoi(listen.substr(colon + 1), &out->port) ||
      out->port < 0 || out->port > 65535) {
    return false;
  }
  out->host = listen.substr(0, colon);
  if (out->host.size() >= 2 && out->host.front() == '[' &&
      out->host.back() == ']') {
    out->host = out->host.substr(1, out->host.size() - 2);
  }
  return true;
}

// Binds a throwaway socket as gRPC would (SO_REUSEADDR, no SO_REUSEPORT);
// returns 0 or the errno of the failure.
int ProbeBind(const HostPort& hp) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  std::string port = absl::StrCat(hp.port);
  if (getaddrinfo(hp.host.c_str(), port.c_str(), &hints, &found) != 0 ||
      found == nullptr) {
    return EADDRNOTAVAIL;
  }
  int error = 0;
  int fd = socket(found->ai_family, found->ai_socktype | SOCK_CLOEXEC,
                  found->ai_protocol);
  if (fd < 0) {
    error = errno;
  } else {
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd, found->ai_addr, found->ai_addrlen) != 0) error = errno;
    close(fd);
  }
  freeaddrinfo(found);
  return error;
}

}  // namespace

absl::Status CheckListenAddress(const std::string& listen) {
  HostPort hp;
  if (!Split(listen, &hp)) {
    return absl::InvalidArgumentError(
        absl::StrCat("listen \"", listen,
                     "\": expected HOST:PORT with a port from 0 to 65535"));
  }
  return absl::OkStatus();
}

absl::Status ExplainListenFailure(const std::string& listen) {
  HostPort hp;
  int error = Split(listen, &hp) ? ProbeBind(hp) : 0;
  if (error == EADDRINUSE) {
    return absl::FailedPreconditionError(
        absl::StrCat("listen \"", listen, "\": port ", hp.port,
                     " is already in use (another ctg-gateway or another "
                     "program listens there): "
                     "stop it or choose another port"));
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "listen \"", listen, "\": cannot listen on this address",
      error != 0 ? absl::StrCat(" (", std::strerror(error), ")") : ""));
}

absl::Status CheckPrivateKeyFile(const std::string& path,
                                 absl::string_view key) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0)
    return absl::OkStatus();  // the reader says why
  if ((st.st_mode & 077) == 0) return absl::OkStatus();
  char mode[8];
  std::snprintf(mode, sizeof(mode), "%04o",
                static_cast<unsigned>(st.st_mode & 07777));
  return absl::FailedPreconditionError(absl::StrCat(
      key, " ", path, " is accessible to group or others (mode ", mode,
      "): a private key must be private to the gateway's user; fix it with: "
      "chmod 600 ",
      path));
}

}  // namespace ctg::gateway
