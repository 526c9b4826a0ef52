// The web console's browser-side pieces that need no server: CSRF tokens,
// security headers, the HTTP mapping of gRPC codes, the embedded assets and
// the in-process caller bindings.
#include <grpcpp/server_context.h>

#include "absl/strings/match.h"
#include "gateway/in_process_callers.h"
#include "gateway/web/assets.h"
#include "gateway/web/http_security.h"
#include "gateway/web/json_api.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ctg::gateway::web {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kCert[] =
    "2d31fb0622f71c6a80563f6205d7f07e5af415b1aa799e4a79868e32c337d219";
constexpr char kOtherCert[] =
    "b1d019fa61c8b4bf5155ca92a53400cf0c2df098e4f7f5dceed522a2cd64f405";

TEST(CsrfTokensTest,
     AnIssuedTokenIsAcceptedOnlyDoubleSubmittedForItsCertificate) {
  CsrfTokens csrf;
  std::string token = csrf.Issue(kCert);
  EXPECT_TRUE(csrf.Check(token, token, kCert).ok());
  EXPECT_THAT(csrf.Check("", token, kCert).message(),
              HasSubstr("X-CSRF-Token header is missing"));
  EXPECT_THAT(csrf.Check(token, "", kCert).message(),
              HasSubstr("cookie is missing"));
  EXPECT_THAT(csrf.Check(token, csrf.Issue(kCert), kCert).message(),
              HasSubstr("does not match"));
  EXPECT_EQ(csrf.Check(token, token, kOtherCert).code(),
            absl::StatusCode::kPermissionDenied);
  // Another process's key, or a made-up MAC.
  CsrfTokens other;
  std::string foreign = other.Issue(kCert);
  EXPECT_EQ(csrf.Check(foreign, foreign, kCert).code(),
            absl::StatusCode::kPermissionDenied);
  std::string forged =
      token.substr(0, token.find('.') + 1) + std::string(64, '0');
  EXPECT_EQ(csrf.Check(forged, forged, kCert).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(csrf.Check("no-dot", "no-dot", kCert).code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(CsrfTokensTest, TheCookieIsLockedDownAndReadBack) {
  std::string cookie = CsrfTokens::Cookie("abc.def");
  EXPECT_THAT(cookie, HasSubstr("__Host-ctg_csrf=abc.def"));
  for (const char* attribute :
       {"Secure", "HttpOnly", "SameSite=Strict", "Path=/"}) {
    EXPECT_THAT(cookie, HasSubstr(attribute));
  }
  EXPECT_EQ(CsrfTokens::FromCookieHeader("a=1; __Host-ctg_csrf=abc.def; b=2"),
            "abc.def");
  EXPECT_EQ(CsrfTokens::FromCookieHeader("ctg_csrf=abc.def"), "");
}

TEST(SecurityHeadersTest, StrictPolicyOnEveryAnswer) {
  auto headers = SecurityHeaders(true);
  const std::string& csp = headers["Content-Security-Policy"];
  EXPECT_THAT(csp, HasSubstr("default-src 'none'"));
  EXPECT_THAT(csp, HasSubstr("script-src 'self';"));
  EXPECT_THAT(csp, HasSubstr("frame-ancestors 'none'"));
  EXPECT_THAT(csp, Not(HasSubstr("unsafe")));
  EXPECT_THAT(headers["Strict-Transport-Security"], HasSubstr("max-age="));
  EXPECT_EQ(headers["X-Content-Type-Options"], "nosniff");
  EXPECT_EQ(headers["Cache-Control"], "no-store");
  EXPECT_EQ(SecurityHeaders(false)["Cache-Control"], "no-cache");
}

TEST(JsonApiTest, ErrorsCarryTheGrpcCodeAndItsHttpStatus) {
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::OK), 200);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::INVALID_ARGUMENT), 400);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::FAILED_PRECONDITION), 400);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::UNAUTHENTICATED), 401);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::PERMISSION_DENIED), 403);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::NOT_FOUND), 404);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::RESOURCE_EXHAUSTED), 429);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::UNIMPLEMENTED), 501);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::DATA_LOSS), 500);
  EXPECT_EQ(
      ErrorJson(
          grpc::Status(grpc::StatusCode::NOT_FOUND, "request \"R\" not found"),
          "x"),
      R"({"code":5,"status":"NOT_FOUND","message":"request \"R\" not found","detail":"x"})");
}

TEST(AssetsTest, ThePagesAreEmbeddedWithTheirTypes) {
  const Asset* index = FindAsset("/index.html");
  ASSERT_NE(index, nullptr);
  std::string html(reinterpret_cast<const char*>(index->data), index->size);
  EXPECT_THAT(html, HasSubstr("<html lang=\"fr\">"));
  EXPECT_THAT(html, Not(HasSubstr("<script>")));  // no inline script
  EXPECT_NE(FindAsset("/app.js"), nullptr);
  EXPECT_NE(FindAsset("/lib/chart.umd.min.js"), nullptr);
  EXPECT_EQ(FindAsset("/../CMakeLists.txt"), nullptr);
  EXPECT_EQ(FindAsset("/axe.min.js"),
            nullptr);  // test-only library: not served
  EXPECT_THAT(MimeType("/app.js"), HasSubstr("application/javascript"));
  EXPECT_EQ(AssetEtag(*index), AssetEtag(*FindAsset("/index.html")));
  EXPECT_NE(AssetEtag(*index), AssetEtag(*FindAsset("/app.js")));
  EXPECT_THAT(MimeType("/index.html"), HasSubstr("text/html"));
}

TEST(InProcessCallersTest, AContextIsBoundOnlyWhileRegistered) {
  InProcessCallers callers;
  grpc::ServerContext context, other;
  EXPECT_FALSE(callers.Find(context).has_value());
  callers.BindContext(&context,
                      {.cert_pem = "PEM", .peer = "ipv4:127.0.0.1:1"});
  ASSERT_TRUE(callers.Find(context).has_value());
  EXPECT_EQ(callers.Find(context)->peer, "ipv4:127.0.0.1:1");
  EXPECT_FALSE(callers.Find(other).has_value());  // no metadata token either
  callers.UnbindContext(&context);
  EXPECT_FALSE(callers.Find(context).has_value());
  std::string token = callers.BindToken({.cert_pem = "PEM", .peer = "p"});
  EXPECT_EQ(token.size(), 64u);
  EXPECT_NE(token, callers.BindToken({.cert_pem = "PEM", .peer = "p"}));
}

}  // namespace
}  // namespace ctg::gateway::web
