// The web console's browser-side defences: the security headers of every
// answer, and the CSRF token.
//
// CSRF: a token bound to the user's client certificate,
//   hex(nonce) "." hex(HMAC-SHA256(key, nonce || certificate SHA-256)),
// is set in a `__Host-` cookie (Secure; HttpOnly; SameSite=Strict; Path=/)
// and handed to the page by GET /session; every API call must send it back
// in the X-CSRF-Token header, equal to the cookie, and valid for the
// certificate presented. The key is random per process.
//
// Thread-safe (immutable after construction).
#ifndef CTG_GATEWAY_WEB_HTTP_SECURITY_H_
#define CTG_GATEWAY_WEB_HTTP_SECURITY_H_

#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace ctg::gateway::web {

inline constexpr char kCsrfCookie[] = "__Host-ctg_csrf";
inline constexpr char kCsrfHeader[] = "X-CSRF-Token";

// The headers every answer carries: CSP (no inline script, nothing but this
// origin, no framing), HSTS, nosniff, Referrer-Policy, no caching of API
// answers (`api`).
std::map<std::string, std::string> SecurityHeaders(bool api);

class CsrfTokens {
 public:
  CsrfTokens();  // draws a random key

  // A fresh token for the certificate whose SHA-256 (hex) is `cert_sha256`.
  std::string Issue(absl::string_view cert_sha256) const;
  // The Set-Cookie value carrying `token`.
  static std::string Cookie(absl::string_view token);
  // The token of a Cookie header, if any.
  static std::string FromCookieHeader(absl::string_view cookie_header);

  // OK when `header` equals `cookie` and is valid for `cert_sha256`.
  // Errors: kPermissionDenied saying which is missing or wrong.
  absl::Status Check(absl::string_view header, absl::string_view cookie,
                     absl::string_view cert_sha256) const;

 private:
  std::string Mac(absl::string_view nonce_hex,
                  absl::string_view cert_sha256) const;
  std::string key_;
};

}  // namespace ctg::gateway::web

#endif  // CTG_GATEWAY_WEB_HTTP_SECURITY_H_
