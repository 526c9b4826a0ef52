#include "store/postgres/pg_options.h"

#include <cstdint>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace ctg::store::postgres {
namespace {

constexpr absl::string_view kSchemes[] = {"postgresql://", "postgres://"};

// The part between the scheme and the first '/', '?' or '#': userinfo@host.
absl::string_view Authority(absl::string_view rest) {
  size_t end = rest.find_first_of("/?#");
  return end == absl::string_view::npos ? rest : rest.substr(0, end);
}

absl::string_view StripScheme(absl::string_view url) {
  for (absl::string_view scheme : kSchemes) {
    if (absl::StartsWithIgnoreCase(url, scheme))
      return url.substr(scheme.size());
  }
  return absl::string_view();
}

}  // namespace

std::string RedactPgUrl(absl::string_view url) {
  absl::string_view rest = StripScheme(url);
  if (rest.data() == nullptr) return std::string(url);
  absl::string_view authority = Authority(rest);
  size_t at = authority.rfind('@');
  if (at == absl::string_view::npos) return std::string(url);
  absl::string_view userinfo = authority.substr(0, at);
  size_t colon = userinfo.find(':');
  if (colon == absl::string_view::npos) return std::string(url);
  size_t scheme_len = url.size() - rest.size();
  return absl::StrCat(url.substr(0, scheme_len), userinfo.substr(0, colon),
                      ":****", rest.substr(at));
}

absl::Status CheckPgUrl(absl::string_view url, absl::string_view field) {
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": \"", RedactPgUrl(url), "\" ", why));
  };
  if (url.empty())
    return absl::InvalidArgumentError(absl::StrCat(field, " is empty"));
  for (char c : url) {
    if (static_cast<unsigned char>(c) < 0x20 || c == ' ' || c == 0x7f) {
      return bad("contains a space or a control character (percent-encode it)");
    }
  }
  absl::string_view rest = StripScheme(url);
  if (rest.data() == nullptr) {
    return bad("is not a PostgreSQL URL: it must start with postgresql://");
  }
  absl::string_view authority = Authority(rest);
  absl::string_view after = rest.substr(authority.size());
  if (!absl::StartsWith(after, "/") || after.size() < 2 || after[1] == '?' ||
      after[1] == '#') {
    return bad("names no database: add /DBNAME after the host");
  }
  return absl::OkStatus();
}

absl::Status CheckPgOptions(const PgOptions& o) {
  if (absl::Status s = CheckPgUrl(o.url, "database.url"); !s.ok()) return s;
  if (!o.migrate_url.empty()) {
    if (absl::Status s = CheckPgUrl(o.migrate_url, "database.migrate_url");
        !s.ok())
      return s;
  }
  if (o.pool_size < 1 || o.pool_size > 64) {
    return absl::InvalidArgumentError(absl::StrCat(
        "database.pool_size: ", o.pool_size, " is not within 1..64"));
  }
  if (o.statement_timeout < absl::Milliseconds(1)) {
    return absl::InvalidArgumentError(
        "database.statement_timeout_ms: must be at least 1 (statements are "
        "never unbounded)");
  }
  if (o.group_wait < absl::ZeroDuration() ||
      o.group_wait > absl::Milliseconds(100)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "database.group_wait_us: ", absl::ToInt64Microseconds(o.group_wait),
        " is not within 0..100000"));
  }
  if (o.max_group < 1) {
    return absl::InvalidArgumentError("database max_group: must be at least 1");
  }
  return absl::OkStatus();
}

std::string PgConnectionString(absl::string_view url,
                               const PgOptions& options) {
  std::string out(url);
  char sep = absl::StrContains(out, '?') ? '&' : '?';
  auto add = [&](absl::string_view key, absl::string_view value) {
    if (absl::StrContains(out, absl::StrCat("?", key, "=")) ||
        absl::StrContains(out, absl::StrCat("&", key, "="))) {
      return;
    }
    absl::StrAppend(&out, std::string(1, sep), key, "=", value);
    sep = '&';
  };
  int64_t connect_s = absl::ToInt64Seconds(options.connect_timeout);
  add("connect_timeout", absl::StrCat(connect_s < 1 ? 1 : connect_s));
  add("application_name", "ctg-gateway");
  return out;
}

}  // namespace ctg::store::postgres
