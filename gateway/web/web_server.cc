#include "gateway/web/web_server.h"

#include <google/protobuf/util/json_util.h>
#include <httplib.h>
#include <sys/socket.h>

#include <optional>
#include <thread>

#include "absl/functional/function_ref.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "base/json.h"
#include "base/status_macros.h"
#include "ctg/v1/caf_requests.pb.h"
#include "ctg/v1/data_requests.pb.h"
#include "ctg/v1/transfer_agreements.pb.h"
#include "gateway/status_mapping.h"
#include "gateway/web/assets.h"
#include "gateway/web/evaluation_report_json.h"
#include "gateway/web/http_security.h"
#include "gateway/web/json_api.h"
#include "gateway/web/tls_setup.h"
#include "gateway/x509_util.h"
#include "policy/identity.h"

namespace ctg::gateway::web {

struct WebServer::Impl {
  WebServerDeps deps;
  std::unique_ptr<httplib::SSLServer> http;
  std::unique_ptr<JsonApi> api;
  CsrfTokens csrf;
  std::string address;
  std::thread listener;
  bool stopped = false;

  void Routes();
  void Session(const httplib::Request& req, httplib::Response& res);
  void Api(const httplib::Request& req, httplib::Response& res);
  void Report(const httplib::Request& req, httplib::Response& res);
  // The CSRF verdict of a state-changing or data-reading request.
  absl::Status CheckCsrf(const httplib::Request& req,
                         const InProcessCallers::Binding& caller);
  void Static(const httplib::Request& req, httplib::Response& res);
  void BodyTooLarge(const httplib::Request& req, httplib::Response& res);
  // Records the refusal of `method` for `why` as the Dispatcher records any
  // refused call of this caller (identity, rate limit and authorization
  // first), without running it.
  grpc::Status Refuse(const std::string& method,
                      const InProcessCallers::Binding& caller,
                      const absl::Status& why);
};

namespace {

constexpr int kMaxStreamMessages = 100000;
constexpr size_t kWorkerThreads = 48;

// "ipv4:127.0.0.1:50312", as gRPC names its peers.
std::string PeerOf(const httplib::Request& req) {
  if (absl::StrContains(req.remote_addr, ':')) {
    return absl::StrCat("ipv6:[", req.remote_addr, "]:", req.remote_port);
  }
  return absl::StrCat("ipv4:", req.remote_addr, ":", req.remote_port);
}

InProcessCallers::Binding BindingOf(const httplib::Request& req) {
  return {.cert_pem = PeerCertificatePem(req.ssl), .peer = PeerOf(req)};
}

std::string CertSha256(const std::string& pem) {
  auto cert = ParsePemCertificate(pem);
  return cert.ok() ? CertificateSha256(cert->get()) : "";
}

void SetJson(httplib::Response& res, int status, const std::string& json) {
  res.status = status;
  res.set_content(json, "application/json; charset=utf-8");
}

// Calls the list `method` as `caller` page after page (500 a page), giving
// each page to `take`. The first answer that is not a page is returned.
template <typename Page>
std::optional<ApiAnswer> ForEachPage(const JsonApi& api,
                                     absl::string_view method,
                                     const InProcessCallers::Binding& caller,
                                     absl::FunctionRef<void(Page&)> take) {
  std::string token;
  do {
    ApiAnswer answer = api.Call(method,
                                absl::StrCat("{\"pageSize\":500,\"pageToken\":",
                                             JsonString(token), "}"),
                                caller);
    if (answer.http_status != 200) return answer;
    Page page;
    if (!google::protobuf::util::JsonStringToMessage(answer.json, &page).ok()) {
      return ApiAnswer{.http_status = 500,
                       .json = ErrorJson(grpc::Status(
                           grpc::StatusCode::INTERNAL,
                           absl::StrCat("unreadable answer of ", method)))};
    }
    take(page);
    token = page.next_page_token();
  } while (!token.empty());
  return std::nullopt;
}

bool IsDenied(const std::optional<ApiAnswer>& answer) {
  return answer && answer->http_status ==
                       HttpStatusFor(grpc::StatusCode::PERMISSION_DENIED);
}

}  // namespace

grpc::Status WebServer::Impl::Refuse(const std::string& method,
                                     const InProcessCallers::Binding& caller,
                                     const absl::Status& why) {
  grpc::ServerContext context;  // made here: never from a transport
  deps.callers->BindContext(&context, caller);
  grpc::Status status =
      deps.dispatcher->Read(&context, method, [&](Call& call) {
        call.AddFact("answered_by", "web");
        return why;
      });
  deps.dispatcher->Forget(&context);
  deps.callers->UnbindContext(&context);
  return status;
}

void WebServer::Impl::Session(const httplib::Request& req,
                              httplib::Response& res) {
  InProcessCallers::Binding caller = BindingOf(req);
  grpc::ServerContext context;
  deps.callers->BindContext(&context, caller);
  Caller resolved = deps.resolver->Resolve(context);
  deps.callers->UnbindContext(&context);
  if (!resolved.identity.ok()) {
    SetJson(res, 401, ErrorJson(ToGrpcStatus(resolved.identity.status())));
    return;
  }
  const policy::Identity& id = *resolved.identity;
  std::string token =
      CsrfTokens::FromCookieHeader(req.get_header_value("Cookie"));
  if (!csrf.Check(token, token, resolved.cert_sha256).ok()) {
    token = csrf.Issue(resolved.cert_sha256);
    res.set_header("Set-Cookie", CsrfTokens::Cookie(token));
  }
  const Config& c = *deps.config;
  SetJson(res, 200,
          absl::StrCat(
              "{\"spiffeId\":", JsonString(id.spiffe_id),
              ",\"role\":", JsonString(policy::RoleName(id.role)),
              ",\"organisation\":", JsonString(id.organisation),
              ",\"organisationPath\":", JsonString(id.OrganisationPath()),
              ",\"person\":", JsonString(id.person),
              ",\"cafName\":", JsonString(c.caf_name),
              ",\"timeZone\":", JsonString(c.web.time_zone),
              ",\"auditOrigin\":", JsonString(c.audit.origin),
              ",\"auditVerifierKey\":", JsonString(deps.audit_verifier_key),
              ",\"csrfToken\":", JsonString(token), "}"));
}

absl::Status WebServer::Impl::CheckCsrf(
    const httplib::Request& req, const InProcessCallers::Binding& caller) {
  CTG_RETURN_IF_ERROR(
      csrf.Check(req.get_header_value(kCsrfHeader),
                 CsrfTokens::FromCookieHeader(req.get_header_value("Cookie")),
                 CertSha256(caller.cert_pem)));
  // A cross-site page cannot send the header; a same-site one is this one.
  if (req.has_header("Origin")) {
    std::string expected =
        absl::StrCat("https://", req.get_header_value("Host"));
    if (req.get_header_value("Origin") != expected) {
      return absl::PermissionDeniedError(absl::StrCat(
          "web console: calls from another origin are refused (Origin ",
          req.get_header_value("Origin").substr(0, 200), ")"));
    }
  }
  return absl::OkStatus();
}

void WebServer::Impl::Api(const httplib::Request& req, httplib::Response& res) {
  std::string method = req.matches[1];
  InProcessCallers::Binding caller = BindingOf(req);
  if (absl::Status csrf_ok = CheckCsrf(req, caller); !csrf_ok.ok()) {
    grpc::Status refused = Refuse(absl::StrCat("/", method), caller, csrf_ok);
    SetJson(res, HttpStatusFor(refused.error_code()), ErrorJson(refused));
    return;
  }
  // A URL that names no method is refused and recorded like any bad call
  // (the name as recorded is escaped: gateway/dispatcher.cc).
  if (!WellFormedMethod(method)) {
    grpc::Status refused =
        Refuse(absl::StrCat("/", method), caller,
               absl::NotFoundError(
                   "the API's URLs are /api/<package.Service>/<Method>"));
    SetJson(res, HttpStatusFor(refused.error_code()), ErrorJson(refused));
    return;
  }
  ApiAnswer answer = api->Call(method, req.body, caller);
  SetJson(res, answer.http_status, answer.json);
}

void WebServer::Impl::Report(const httplib::Request& req,
                             httplib::Response& res) {
  constexpr char kList[] = "ctg.v1.DataRequests/ListRequests";
  InProcessCallers::Binding caller = BindingOf(req);
  if (absl::Status csrf_ok = CheckCsrf(req, caller); !csrf_ok.ok()) {
    grpc::Status refused = Refuse(absl::StrCat("/", kList), caller, csrf_ok);
    SetJson(res, HttpStatusFor(refused.error_code()), ErrorJson(refused));
    return;
  }
  absl::CivilDay from, to;
  if (!absl::ParseCivilTime(req.get_param_value("from"), &from) ||
      !absl::ParseCivilTime(req.get_param_value("to"), &to)) {
    // R9: a refused report is an event, as the listing it would have run.
    grpc::Status refused =
        Refuse(absl::StrCat("/", kList), caller,
               absl::InvalidArgumentError("from, to: days as YYYY-MM-DD"));
    SetJson(res, HttpStatusFor(refused.error_code()), ErrorJson(refused));
    return;
  }
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(deps.config->web.time_zone, &zone))
    zone = absl::UTCTimeZone();
  ReportInputs inputs;
  std::optional<ApiAnswer> failed = ForEachPage<ctg::v1::ListRequestsResponse>(
      *api, kList, caller, [&](ctg::v1::ListRequestsResponse& page) {
        for (auto& r : *page.mutable_requests())
          inputs.requests.push_back(std::move(r));
      });
  // R1 the other way and R3: a role that may not list them (a Caf
  // reviewer and the Caf's own requests) is told so, as by the CLI.
  if (!failed) {
    failed = ForEachPage<ctg::v1::ListCafRequestsResponse>(
        *api, "ctg.v1.CafRequests/ListCafRequests", caller,
        [&](ctg::v1::ListCafRequestsResponse& page) {
          for (auto& r : *page.mutable_requests())
            inputs.caf_requests.push_back(std::move(r));
        });
    if (IsDenied(failed)) {
      inputs.not_visible.push_back("caf_requests");
      failed.reset();
    }
  }
  if (!failed) {
    failed = ForEachPage<ctg::v1::ListTransferAgreementsResponse>(
        *api, "ctg.v1.TransferAgreements/ListTransferAgreements", caller,
        [&](ctg::v1::ListTransferAgreementsResponse& page) {
          for (auto& a : *page.mutable_agreements())
            inputs.agreements.push_back(std::move(a));
        });
    if (IsDenied(failed)) {
      inputs.not_visible.push_back("agreements");
      failed.reset();
    }
  }
  if (failed) {
    SetJson(res, failed->http_status, failed->json);
    return;
  }
  auto json = EvaluationReportJson(inputs, from, to, zone);
  if (!json.ok()) {
    SetJson(res, 400, ErrorJson(ToGrpcStatus(json.status())));
    return;
  }
  SetJson(res, 200, *json);
}

namespace {

// The method a POST to `path` calls: "/api/<Service>/<Method>" names it,
// the report runs the requests listing; anything else is recorded by path.
std::string MethodOfPath(const std::string& path) {
  if (absl::StartsWith(path, "/api/")) return path.substr(4);
  if (path == "/report/evaluation") return "/ctg.v1.DataRequests/ListRequests";
  return path;
}

}  // namespace

// R9: a body over web.max_body_bytes (not read) is refused and recorded as
// a refusal of the method it was sent to, with the certificate's identity.
void WebServer::Impl::BodyTooLarge(const httplib::Request& req,
                                   httplib::Response& res) {
  grpc::Status refused =
      Refuse(MethodOfPath(req.path), BindingOf(req),
             absl::ResourceExhaustedError(
                 absl::StrCat("the request body exceeds web.max_body_bytes = ",
                              deps.config->web.max_body_bytes, " bytes")));
  const bool ours =
      refused.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED;
  SetJson(res, ours ? 413 : HttpStatusFor(refused.error_code()),
          ErrorJson(refused));
}

void WebServer::Impl::Static(const httplib::Request& req,
                             httplib::Response& res) {
  std::string path = req.path;
  // The console is one page; its views are fragments (#/requester/...).
  if (path == "/") path = "/index.html";
  const Asset* asset = FindAsset(path);
  if (asset == nullptr) {
    res.status = 404;
    res.set_content("Page introuvable.\n", "text/plain; charset=utf-8");
    return;
  }
  std::string etag = AssetEtag(*asset);
  res.set_header("ETag", etag);
  if (req.get_header_value("If-None-Match") == etag) {
    res.status = 304;
    return;
  }
  res.set_content(reinterpret_cast<const char*>(asset->data), asset->size,
                  MimeType(path));
}

void WebServer::Impl::Routes() {
  http->set_post_routing_handler(
      [](const httplib::Request& req, httplib::Response& res) {
        for (const auto& [name, value] : SecurityHeaders(
                 absl::StartsWith(req.path, "/api/") ||
                 req.path == "/session" || req.path == "/report/evaluation")) {
          res.set_header(name, value);
        }
      });
  http->Get("/session", [this](const httplib::Request& req,
                               httplib::Response& res) { Session(req, res); });
  http->Post(R"(/api/([^?]*))",
             [this](const httplib::Request& req, httplib::Response& res) {
               Api(req, res);
             });
  http->Post("/report/evaluation",
             [this](const httplib::Request& req, httplib::Response& res) {
               Report(req, res);
             });
  http->Get(R"(/.*)", [this](const httplib::Request& req,
                             httplib::Response& res) { Static(req, res); });
  http->set_error_handler(
      [this](const httplib::Request& req, httplib::Response& res) {
        if (res.status == 413) BodyTooLarge(req, res);
      });
}

absl::StatusOr<std::unique_ptr<WebServer>> WebServer::Start(
    WebServerDeps deps) {
  const Config& config = *deps.config;
  auto impl = std::make_unique<Impl>();
  impl->deps = deps;
  absl::Status tls;
  Dispatcher* dispatcher = deps.dispatcher;
  impl->http = std::make_unique<httplib::SSLServer>([&](SSL_CTX& ctx) {
    tls = ConfigureTls(
        ctx, config.tls.cert, config.tls.key, config.tls.ca, deps.anchors,
        [dispatcher](const std::string& sha, const std::string& uri,
                     const absl::Status& why) {
          dispatcher->RecordHandshakeRefusal(sha, uri, why);
        });
    return tls.ok();
  });
  if (!tls.ok()) return tls;
  if (!impl->http->is_valid())
    return absl::InternalError("web: the TLS context cannot be made");
  impl->api =
      std::make_unique<JsonApi>(deps.channel, deps.callers, kMaxStreamMessages);
  impl->http->set_payload_max_length(
      static_cast<size_t>(config.web.max_body_bytes));
  impl->http->set_tcp_nodelay(true);  // small JSON answers: no Nagle delay
  impl->http->set_keep_alive_max_count(1000);
  // A browser keeps up to six connections open, each holding a worker while
  // it idles (keep-alive): enough workers for several users at once.
  impl->http->new_task_queue = [] {
    return new httplib::ThreadPool(kWorkerThreads);
  };
  impl->http->set_read_timeout(30, 0);
  impl->http->set_write_timeout(30, 0);
  // Never share the port with another process (no SO_REUSEPORT).
  impl->http->set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  impl->Routes();

  const std::string& listen = config.web.listen;
  size_t colon = listen.rfind(':');
  int port = -1;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(listen.substr(colon + 1), &port) || port < 0 ||
      port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("web.listen \"", listen, "\": expected HOST:PORT"));
  }
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (port == 0) {
    port = impl->http->bind_to_any_port(host);
    if (port < 0) port = 0;
  } else if (!impl->http->bind_to_port(host, port)) {
    port = 0;
  }
  if (port == 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("web.listen ", listen,
                     ": cannot listen there (address in use or not local)"));
  }
  impl->address = absl::StrCat(listen.substr(0, colon), ":", port);
  httplib::SSLServer* http = impl->http.get();
  impl->listener = std::thread([http] { http->listen_after_bind(); });
  return std::unique_ptr<WebServer>(new WebServer(std::move(impl)));
}

WebServer::WebServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

WebServer::~WebServer() { Shutdown(); }

const std::string& WebServer::address() const { return impl_->address; }

void WebServer::Shutdown() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  impl_->http->stop();
  if (impl_->listener.joinable()) impl_->listener.join();
}

}  // namespace ctg::gateway::web
