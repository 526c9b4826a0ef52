// A plain HTTP/1.0 GET over a loopback socket, for tests of the gateway's
// metrics listener (no client library needed).
#ifndef CTG_TESTS_TESTING_HTTP_GET_H_
#define CTG_TESTS_TESTING_HTTP_GET_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace ctg::testing {

struct HttpResponse {
  int status = 0;
  std::string body;
};

// GET `path` from 127.0.0.1:`port`. Errors: kUnavailable when the
// connection fails, kDataLoss when the answer is not HTTP.
inline absl::StatusOr<HttpResponse> HttpGet(int port, const std::string& path) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return absl::UnavailableError("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return absl::UnavailableError(absl::StrCat("connect to port ", port));
  }
  std::string request =
      absl::StrCat("GET ", path, " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
  if (write(fd, request.data(), request.size()) !=
      static_cast<ssize_t>(request.size())) {
    close(fd);
    return absl::UnavailableError("write");
  }
  std::string raw;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0)
    raw.append(buf, static_cast<size_t>(n));
  close(fd);
  size_t space = raw.find(' ');
  size_t end = raw.find("\r\n\r\n");
  HttpResponse response;
  if (raw.rfind("HTTP/1.", 0) != 0 || space == std::string::npos ||
      end == std::string::npos ||
      !absl::SimpleAtoi(raw.substr(space + 1, 3), &response.status)) {
    return absl::DataLossError(
        absl::StrCat("not an HTTP answer: ", raw.substr(0, 80)));
  }
  response.body = raw.substr(end + 4);
  return response;
}

}  // namespace ctg::testing

#endif  // CTG_TESTS_TESTING_HTTP_GET_H_
