#include "gateway/web/http_security.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cstdlib>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace ctg::gateway::web {
namespace {

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()),
                 static_cast<int>(n)) != 1) {
    std::abort();  // no entropy: never issue guessable tokens
  }
  return out;
}

bool ConstantTimeEqual(absl::string_view a, absl::string_view b) {
  return a.size() == b.size() &&
         CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

std::map<std::string, std::string> SecurityHeaders(bool api) {
  std::map<std::string, std::string> headers = {
      {"Content-Security-Policy",
       "default-src 'none'; script-src 'self'; style-src 'self'; img-src "
       "'self' data:; "
       "connect-src 'self'; font-src 'self'; form-action 'self'; base-uri "
       "'none'; "
       "frame-ancestors 'none'"},
      {"Strict-Transport-Security", "max-age=31536000; includeSubDomains"},
      {"X-Content-Type-Options", "nosniff"},
      {"X-Frame-Options", "DENY"},
      {"Referrer-Policy", "no-referrer"},
      {"Cross-Origin-Opener-Policy", "same-origin"},
      {"Cross-Origin-Resource-Policy", "same-origin"},
      {"Permissions-Policy", "camera=(), microphone=(), geolocation=()"},
  };
  headers["Cache-Control"] = api ? "no-store" : "no-cache";
  return headers;
}

CsrfTokens::CsrfTokens() : key_(RandomBytes(32)) {}

std::string CsrfTokens::Mac(absl::string_view nonce_hex,
                            absl::string_view cert_sha256) const {
  std::string data = absl::StrCat(nonce_hex, "|", cert_sha256);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac,
       &len);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(mac), len));
}

std::string CsrfTokens::Issue(absl::string_view cert_sha256) const {
  std::string nonce = absl::BytesToHexString(RandomBytes(16));
  return absl::StrCat(nonce, ".", Mac(nonce, cert_sha256));
}

std::string CsrfTokens::Cookie(absl::string_view token) {
  return absl::StrCat(kCsrfCookie, "=", token,
                      "; Path=/; Secure; HttpOnly; SameSite=Strict");
}

std::string CsrfTokens::FromCookieHeader(absl::string_view cookie_header) {
  for (absl::string_view part : absl::StrSplit(cookie_header, ';')) {
    part = absl::StripAsciiWhitespace(part);
    if (absl::ConsumePrefix(&part, kCsrfCookie) &&
        absl::ConsumePrefix(&part, "=")) {
      return std::string(part);
    }
  }
  return "";
}

absl::Status CsrfTokens::Check(absl::string_view header,
                               absl::string_view cookie,
                               absl::string_view cert_sha256) const {
  if (header.empty()) {
    return absl::PermissionDeniedError(
        "web console: the X-CSRF-Token header is missing; reload the page");
  }
  if (cookie.empty()) {
    return absl::PermissionDeniedError(
        "web console: the CSRF cookie is missing; reload the page");
  }
  if (!ConstantTimeEqual(header, cookie)) {
    return absl::PermissionDeniedError(
        "web console: the X-CSRF-Token header does not match the CSRF cookie");
  }
  size_t dot = header.find('.');
  if (dot == absl::string_view::npos ||
      !ConstantTimeEqual(header.substr(dot + 1),
                         Mac(header.substr(0, dot), cert_sha256))) {
    return absl::PermissionDeniedError(
        "web console: the CSRF token was not issued for this certificate; "
        "reload the page");
  }
  return absl::OkStatus();
}

}  // namespace ctg::gateway::web
