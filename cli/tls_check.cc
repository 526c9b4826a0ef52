#include "cli/tls_check.h"

#include <fcntl.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <memory>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/time_text.h"

namespace ctg::cli {
namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using KeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using CrlPtr = std::unique_ptr<X509_CRL, Deleter<X509_CRL, X509_CRL_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using StorePtr =
    std::unique_ptr<X509_STORE, Deleter<X509_STORE, X509_STORE_free>>;
using StoreCtxPtr =
    std::unique_ptr<X509_STORE_CTX,
                    Deleter<X509_STORE_CTX, X509_STORE_CTX_free>>;
using CtxPtr = std::unique_ptr<SSL_CTX, Deleter<SSL_CTX, SSL_CTX_free>>;
using SslPtr = std::unique_ptr<SSL, Deleter<SSL, SSL_free>>;

BioPtr MemBio(const std::string& pem) {
  return BioPtr(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

std::vector<X509Ptr> ParseCerts(const std::string& pem) {
  std::vector<X509Ptr> out;
  BioPtr bio = MemBio(pem);
  while (X509* x = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr))
    out.emplace_back(x);
  ERR_clear_error();  // the end of the bundle leaves a "no start line" error
  return out;
}

// A password callback that refuses: an encrypted key is reported, not
// prompted for.
int NoPassword(char*, int, int, void*) { return 0; }

KeyPtr ParseKey(const std::string& pem) {
  BioPtr bio = MemBio(pem);
  KeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassword, nullptr));
  ERR_clear_error();
  return key;
}

CrlPtr ParseCrl(const std::string& pem) {
  BioPtr bio = MemBio(pem);
  CrlPtr crl(PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr));
  ERR_clear_error();
  return crl;
}

absl::Time AsnTime(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return absl::InfinitePast();
  return absl::FromCivil(
      absl::CivilSecond(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                        tm.tm_hour, tm.tm_min, tm.tm_sec),
      absl::UTCTimeZone());
}

std::string NameText(const X509_NAME* name) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(bio.get(), name, 0,
                     XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, n > 0 ? static_cast<size_t>(n) : 0);
}

std::vector<std::string> UriSans(X509* cert) {
  std::vector<std::string> out;
  auto* names = static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (names == nullptr) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* n = sk_GENERAL_NAME_value(names, i);
    if (n->type != GEN_URI) continue;
    const ASN1_IA5STRING* s = n->d.uniformResourceIdentifier;
    out.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<size_t>(ASN1_STRING_length(s)));
  }
  GENERAL_NAMES_free(names);
  return out;
}

std::string Where(const TlsFile& f) {
  return absl::StrCat(f.path, " (", f.label, ")");
}

// --- after a refusal: what the client can tell about its own certificate

// "revoked on ..." when `crl` lists the certificate (and is its issuer's).
std::string RevocationFromCrl(X509* cert, const TlsFile& crl_file) {
  if (crl_file.pem.empty()) return "";
  CrlPtr crl = ParseCrl(crl_file.pem);
  if (!crl || X509_NAME_cmp(X509_CRL_get_issuer(crl.get()),
                            X509_get_issuer_name(cert)) != 0) {
    return "";
  }
  X509_REVOKED* entry = nullptr;
  if (X509_CRL_get0_by_cert(crl.get(), &entry, cert) != 1 || entry == nullptr)
    return "";
  return absl::StrCat(
      "revoked on ",
      LocalTimeText(AsnTime(X509_REVOKED_get0_revocationDate(entry))),
      " (listed in the CRL ", crl_file.path, ")");
}

// Why the CA of `tls.ca` does not vouch for the certificate, or "".
std::string IssuerProblem(X509* cert, const ClientTls& tls,
                          const std::vector<X509Ptr>& chain) {
  StorePtr store(X509_STORE_new());
  std::vector<X509Ptr> cas = ParseCerts(tls.ca.pem);
  for (const X509Ptr& ca : cas) X509_STORE_add_cert(store.get(), ca.get());
  STACK_OF(X509)* untrusted = sk_X509_new_null();
  for (size_t i = 1; i < chain.size(); ++i)
    sk_X509_push(untrusted, chain[i].get());
  StoreCtxPtr ctx(X509_STORE_CTX_new());
  X509_STORE_CTX_init(ctx.get(), store.get(), cert, untrusted);
  X509_VERIFY_PARAM_set_flags(X509_STORE_CTX_get0_param(ctx.get()),
                              X509_V_FLAG_NO_CHECK_TIME);
  int ok = X509_verify_cert(ctx.get());
  int error = X509_STORE_CTX_get_error(ctx.get());
  sk_X509_free(untrusted);
  ERR_clear_error();
  if (ok == 1) return "";
  if (error == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
      error == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ||
      error == X509_V_ERR_CERT_SIGNATURE_FAILURE ||
      error == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT) {
    return absl::StrCat(
        "your certificate was issued by \"",
        NameText(X509_get_issuer_name(cert)), "\", not by the CA of ",
        Where(tls.ca),
        ": the gateway accepts only certificates of the Caf's CA");
  }
  return absl::StrCat("your certificate does not verify against the CA of ",
                      Where(tls.ca), ": ",
                      X509_verify_cert_error_string(error));
}

// The explanation of a handshake the gateway ended because of the client
// certificate; `alert` is the TLS alert it sent, if any.
std::string RefusalText(const ClientTls& tls, const std::string& alert) {
  std::vector<X509Ptr> chain = ParseCerts(tls.cert.pem);
  std::string revoked =
      chain.empty() ? "" : RevocationFromCrl(chain[0].get(), tls.crl);
  if (!revoked.empty()) {
    return absl::StrCat("the gateway refused your certificate: ", revoked,
                        "\n");
  }
  std::string out =
      absl::StrCat("the gateway refused your certificate ", tls.cert.path,
                   alert.empty() ? "" : absl::StrCat(": ", alert), "\n");
  if (chain.empty()) return out;
  X509* cert = chain[0].get();
  std::vector<std::string> known;
  if (std::string issuer = IssuerProblem(cert, tls, chain); !issuer.empty())
    known.push_back(issuer);
  if (X509_check_purpose(cert, X509_PURPOSE_SSL_CLIENT, 0) != 1) {
    known.push_back(
        "your certificate is not a client certificate (its extended key usage "
        "lacks "
        "clientAuth, or it is a CA certificate)");
  }
  ERR_clear_error();
  if (!known.empty())
    return absl::StrCat(out, "  ", absl::StrJoin(known, "\n  "), "\n");
  absl::StrAppend(
      &out, "  Likely causes: it has been revoked (",
      tls.crl.path.empty()
          ? "pass --crl FILE or set CTG_CRL to check it against the Caf's CRL"
          : absl::StrCat("it is not in ", tls.crl.path,
                         ", which may be older "
                         "than the gateway's"),
      "), the gateway trusts another CA, or it does not take it as a client "
      "certificate.\n"
      "  The gateway's administrator sees the exact reason in its log and "
      "audit trail.\n");
  return out;
}

// --- replaying the connection

struct Target {
  std::string host;
  std::string port;
};

bool SplitTarget(std::string text, Target* out) {
  for (const char* scheme : {"dns:///", "dns:", "ipv4:", "ipv6:"}) {
    if (absl::StartsWith(text, scheme)) text = text.substr(std::strlen(scheme));
  }
  if (absl::StartsWith(text, "unix:")) return false;
  size_t colon = text.rfind(':');
  if (colon == std::string::npos) return false;
  out->host = text.substr(0, colon);
  out->port = text.substr(colon + 1);
  if (out->host.size() >= 2 && out->host.front() == '[' &&
      out->host.back() == ']') {
    out->host = out->host.substr(1, out->host.size() - 2);
  }
  return !out->host.empty() && !out->port.empty();
}

// A connected TCP socket, or -1 with `error` set.
int ConnectTcp(const Target& target, absl::Duration timeout,
               std::string* error) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int rc =
          getaddrinfo(target.host.c_str(), target.port.c_str(), &hints, &found);
      rc != 0) {
    *error =
        absl::StrCat("cannot resolve ", target.host, ": ", gai_strerror(rc));
    return -1;
  }
  int fd = -1;
  for (addrinfo* a = found; a != nullptr && fd < 0; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    int flags = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    int rc = connect(fd, a->ai_addr, a->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      rc = poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(timeout)));
      int so_error = ETIMEDOUT;
      socklen_t len = sizeof(so_error);
      if (rc == 1) getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
      errno = so_error;
      rc = so_error == 0 ? 0 : -1;
    }
    if (rc != 0) {
      *error = std::strerror(errno);
      close(fd);
      fd = -1;
      continue;
    }
    fcntl(fd, F_SETFL, flags);
    timeval tv{static_cast<time_t>(absl::ToInt64Seconds(timeout)), 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  }
  freeaddrinfo(found);
  return fd;
}

// The TLS alert named by the last OpenSSL error, in words, or "".
std::string AlertText() {
  unsigned long e = ERR_peek_last_error();
  ERR_clear_error();
  if (e == 0 || ERR_GET_LIB(e) != ERR_LIB_SSL) return "";
  switch (ERR_GET_REASON(e)) {
    case SSL_R_SSLV3_ALERT_CERTIFICATE_REVOKED:
      return "revoked";
    case SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED:
      return "expired";
    case SSL_R_TLSV1_ALERT_UNKNOWN_CA:
      return "issued by a CA it does not trust";
    case SSL_R_SSLV3_ALERT_BAD_CERTIFICATE:
      return "bad certificate";
    case SSL_R_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE:
      return "not usable as a client certificate";
    case SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED:
      return "a client certificate is required";
    case SSL_R_TLSV1_ALERT_ACCESS_DENIED:
      return "access denied";
    default:
      return "";
  }
}

std::string ServerCertProblem(SSL* ssl, const Target& target,
                              const ClientTls& tls) {
  long result = SSL_get_verify_result(ssl);
  X509* server = SSL_get0_peer_certificate(ssl);
  switch (result) {
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH: {
      std::vector<std::string> names;
      auto* sans = server == nullptr
                       ? nullptr
                       : static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(
                             server, NID_subject_alt_name, nullptr, nullptr));
      for (int i = 0; sans != nullptr && i < sk_GENERAL_NAME_num(sans); ++i) {
        const GENERAL_NAME* n = sk_GENERAL_NAME_value(sans, i);
        if (n->type == GEN_DNS) {
          names.emplace_back(reinterpret_cast<const char*>(
                                 ASN1_STRING_get0_data(n->d.dNSName)),
                             ASN1_STRING_length(n->d.dNSName));
        }
      }
      if (sans != nullptr) GENERAL_NAMES_free(sans);
      return absl::StrCat(
          "the gateway's certificate does not name ", target.host,
          names.empty()
              ? ""
              : absl::StrCat(" (it names ", absl::StrJoin(names, ", "), ")"),
          ": use one of its names in --gateway (CTG_GATEWAY)\n");
    }
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return absl::StrCat(
          "the gateway's certificate has expired",
          server
              ? absl::StrCat(" on ",
                             LocalTimeText(AsnTime(X509_get0_notAfter(server))))
              : "",
          ": tell the Caf's administrator\n");
    default:
      return absl::StrCat(
          "the gateway's certificate is not signed by the CA of ",
          Where(tls.ca), " (", X509_verify_cert_error_string(result),
          "): check that it is the Caf's CA certificate\n");
  }
}

}  // namespace

absl::StatusOr<std::string> CheckLocalCredentials(const ClientTls& tls,
                                                  absl::Time now) {
  if (ParseCerts(tls.ca.pem).empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        Where(tls.ca),
        ": not a PEM certificate (expected -----BEGIN CERTIFICATE-----)"));
  }
  std::vector<X509Ptr> chain = ParseCerts(tls.cert.pem);
  if (chain.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        Where(tls.cert),
        ": not a PEM certificate (expected -----BEGIN CERTIFICATE-----)"));
  }
  X509* cert = chain[0].get();
  KeyPtr key = ParseKey(tls.key.pem);
  if (!key) {
    return absl::InvalidArgumentError(absl::StrCat(
        Where(tls.key),
        ": not a PEM private key (an encrypted key is not supported)"));
  }
  int matches = X509_check_private_key(cert, key.get());
  ERR_clear_error();
  if (matches != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("key does not match certificate: ", Where(tls.key),
                     " is not the key of ", Where(tls.cert),
                     " (give the .key file made with that certificate)"));
  }
  absl::Time not_before = AsnTime(X509_get0_notBefore(cert));
  absl::Time not_after = AsnTime(X509_get0_notAfter(cert));
  if (now >= not_after) {
    return absl::FailedPreconditionError(absl::StrCat(
        "your certificate has expired on ", LocalTimeText(not_after), " (",
        Where(tls.cert), "): ask the Caf for a new one"));
  }
  if (now < not_before) {
    return absl::FailedPreconditionError(absl::StrCat(
        "your certificate is not valid before ", LocalTimeText(not_before),
        " (", Where(tls.cert), "): check this computer's clock"));
  }
  std::vector<std::string> uris = UriSans(cert);
  if (uris.size() != 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "your certificate ", Where(tls.cert), " has ", uris.size(),
        " URI subject alternative names",
        uris.empty() ? "" : " (" + absl::StrJoin(uris, ", ") + ")",
        ": the gateway takes your identity from exactly one spiffe:// URI"));
  }
  if (!absl::StartsWith(uris[0], "spiffe://")) {
    return absl::InvalidArgumentError(
        absl::StrCat("your certificate ", Where(tls.cert), " names ", uris[0],
                     ": the gateway takes your identity from a spiffe:// URI"));
  }
  return uris[0];
}

std::string DiagnoseConnection(const std::string& gateway, const ClientTls& tls,
                               absl::Duration timeout) {
  Target target;
  if (!SplitTarget(gateway, &target)) return "";
  std::string error;
  int fd = ConnectTcp(target, timeout, &error);
  if (fd < 0) {
    return absl::StrCat(
        "cannot reach the gateway at ", gateway, ": ", error,
        " (is it running, and is --gateway (CTG_GATEWAY) right?)\n");
  }
  CtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  X509_STORE* store = SSL_CTX_get_cert_store(ctx.get());
  for (const X509Ptr& ca : ParseCerts(tls.ca.pem))
    X509_STORE_add_cert(store, ca.get());
  std::vector<X509Ptr> chain = ParseCerts(tls.cert.pem);
  KeyPtr key = ParseKey(tls.key.pem);
  if (!chain.empty()) SSL_CTX_use_certificate(ctx.get(), chain[0].get());
  for (size_t i = 1; i < chain.size(); ++i) {
    SSL_CTX_add1_chain_cert(ctx.get(), chain[i].get());
  }
  if (key) SSL_CTX_use_PrivateKey(ctx.get(), key.get());
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  static const unsigned char kAlpn[] = {2, 'h', '2'};
  SSL_CTX_set_alpn_protos(ctx.get(), kAlpn, sizeof(kAlpn));
  SslPtr ssl(SSL_new(ctx.get()));
  SSL_set_fd(ssl.get(), fd);
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl.get());
  if (X509_VERIFY_PARAM_set1_ip_asc(param, target.host.c_str()) != 1) {
    X509_VERIFY_PARAM_set1_host(param, target.host.c_str(), 0);
    SSL_set_tlsext_host_name(ssl.get(), target.host.c_str());
  }
  ERR_clear_error();
  std::string out;
  if (SSL_connect(ssl.get()) != 1) {
    if (SSL_get_verify_result(ssl.get()) != X509_V_OK) {
      out = ServerCertProblem(ssl.get(), target, tls);
    } else {
      out = RefusalText(tls, AlertText());
    }
  } else {
    // TLS 1.3: the gateway checks the client certificate once the handshake
    // is over, and closes the connection if it refuses it. Speak HTTP/2 and
    // see whether it answers.
    static const char kPreface[] =
        "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\0\4\0\0\0\0\0";
    SSL_write(ssl.get(), kPreface, sizeof(kPreface) - 1);
    char buffer[64];
    if (SSL_read(ssl.get(), buffer, sizeof(buffer)) <= 0)
      out = RefusalText(tls, AlertText());
  }
  ERR_clear_error();
  ssl.reset();
  close(fd);
  return out;
}

}  // namespace ctg::cli
