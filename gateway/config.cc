#include "gateway/config.h"

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "base/status_macros.h"

namespace ctg::gateway {
namespace {

struct RawValue {
  std::string text;
  int line = 0;
};

class Parser {
 public:
  Parser(std::string file_name, std::string base_dir)
      : file_(std::move(file_name)), base_dir_(std::move(base_dir)) {}

  absl::Status Error(int line, absl::string_view what) const {
    return absl::InvalidArgumentError(
        line > 0 ? absl::StrCat("config ", file_, ":", line, ": ", what)
                 : absl::StrCat("config ", file_, ": ", what));
  }

  absl::Status Parse(absl::string_view text) {
    std::string section;
    int line_no = 0;
    for (absl::string_view line : absl::StrSplit(text, '\n')) {
      ++line_no;
      line = absl::StripAsciiWhitespace(line);
      if (line.empty() || line[0] == '#') continue;
      if (line.front() == '[') {
        if (line.back() != ']')
          return Error(line_no, "section header lacks ']'");
        section = std::string(
            absl::StripAsciiWhitespace(line.substr(1, line.size() - 2)));
        continue;
      }
      size_t eq = line.find('=');
      if (eq == absl::string_view::npos)
        return Error(line_no, "expected key = value");
      std::string key(absl::StripAsciiWhitespace(line.substr(0, eq)));
      if (key.empty()) return Error(line_no, "missing key before '='");
      if (!section.empty()) key = absl::StrCat(section, ".", key);
      CTG_ASSIGN_OR_RETURN(
          std::string value,
          Unquote(absl::StripAsciiWhitespace(line.substr(eq + 1)), line_no));
      if (values_.count(key)) {
        return Error(line_no,
                     absl::StrCat("duplicate key ", key, " (first on line ",
                                  values_[key].line, ")"));
      }
      values_[key] = RawValue{value, line_no};
    }
    return absl::OkStatus();
  }

  // Binds `key` to `out` when present; consumes it.
  absl::Status String(const std::string& key, std::string& out) {
    auto it = values_.find(key);
    if (it == values_.end()) return absl::OkStatus();
    out = it->second.text;
    values_.erase(it);
    return absl::OkStatus();
  }
  absl::Status Path(const std::string& key, std::string& out) {
    int line = Line(key);
    CTG_RETURN_IF_ERROR(String(key, out));
    if (line > 0 && out.empty())
      return Error(line, absl::StrCat(key, " is empty"));
    if (!out.empty() && out[0] != '/') out = absl::StrCat(base_dir_, "/", out);
    return absl::OkStatus();
  }
  template <typename T>
  absl::Status Int(const std::string& key, T& out, int min, int max) {
    auto it = values_.find(key);
    if (it == values_.end()) return absl::OkStatus();
    int64_t v = 0;
    if (!absl::SimpleAtoi(it->second.text, &v) || v < min || v > max) {
      return Error(it->second.line,
                   absl::StrCat(key, " must be an integer from ", min, " to ",
                                max, ", not \"", it->second.text, "\""));
    }
    out = static_cast<T>(v);
    values_.erase(it);
    return absl::OkStatus();
  }
  absl::Status Bool(const std::string& key, bool& out) {
    auto it = values_.find(key);
    if (it == values_.end()) return absl::OkStatus();
    if (it->second.text != "true" && it->second.text != "false") {
      return Error(it->second.line,
                   absl::StrCat(key, " must be true or false"));
    }
    out = it->second.text == "true";
    values_.erase(it);
    return absl::OkStatus();
  }
  absl::Status Leftovers() const {
    if (values_.empty()) return absl::OkStatus();
    const auto& [key, value] = *values_.begin();
    return Error(value.line, absl::StrCat("unknown key ", key));
  }
  int Line(const std::string& key) const {
    auto it = values_.find(key);
    return it == values_.end() ? 0 : it->second.line;
  }

 private:
  absl::StatusOr<std::string> Unquote(absl::string_view v, int line) const {
    if (v.empty() || v[0] != '"') {
      size_t hash = v.find(" #");
      if (hash != absl::string_view::npos)
        v = absl::StripAsciiWhitespace(v.substr(0, hash));
      return std::string(v);
    }
    std::string out;
    for (size_t i = 1; i < v.size(); ++i) {
      char c = v[i];
      if (c == '\\' && i + 1 < v.size()) {
        out.push_back(v[++i]);
      } else if (c == '"') {
        absl::string_view rest = absl::StripAsciiWhitespace(v.substr(i + 1));
        if (!rest.empty() && rest[0] != '#')
          return Error(line, "text after closing quote");
        return out;
      } else {
        out.push_back(c);
      }
    }
    return Error(line, "unterminated string");
  }

  std::string file_;
  std::string base_dir_;
  std::map<std::string, RawValue> values_;
};

absl::Status PostgresUrl(Parser& p, const std::string& key, std::string& out) {
  int line = p.Line(key);
  CTG_RETURN_IF_ERROR(p.String(key, out));
  if (line > 0 && !absl::StartsWith(out, "postgresql://") &&
      !absl::StartsWith(out, "postgres://")) {
    return p.Error(line, absl::StrCat(key, " must be a postgresql:// URL"));
  }
  return absl::OkStatus();
}

absl::Status BindPostgres(Parser& p, PostgresConfig& pg) {
  CTG_RETURN_IF_ERROR(PostgresUrl(p, "database.url", pg.url));
  CTG_RETURN_IF_ERROR(PostgresUrl(p, "database.migrate_url", pg.migrate_url));
  CTG_RETURN_IF_ERROR(p.Int("database.pool_size", pg.pool_size, 1, 64));
  CTG_RETURN_IF_ERROR(p.Int("database.statement_timeout_ms",
                            pg.statement_timeout_ms, 1, 3600000));
  CTG_RETURN_IF_ERROR(p.Int("database.connect_timeout_seconds",
                            pg.connect_timeout_seconds, 1, 600));
  CTG_RETURN_IF_ERROR(
      p.Int("database.group_wait_us", pg.group_wait_us, 0, 100000));
  return absl::OkStatus();
}

absl::Status Bind(Parser& p, Config& c) {
  CTG_RETURN_IF_ERROR(p.String("listen", c.listen));
  CTG_RETURN_IF_ERROR(p.String("trust_domain", c.trust_domain));
  CTG_RETURN_IF_ERROR(p.String("caf_id", c.caf_id));
  CTG_RETURN_IF_ERROR(p.String("caf_name", c.caf_name));
  CTG_RETURN_IF_ERROR(p.Path("database", c.database));
  CTG_RETURN_IF_ERROR(BindPostgres(p, c.postgres));
  CTG_RETURN_IF_ERROR(p.Path("tls.ca", c.tls.ca));
  CTG_RETURN_IF_ERROR(p.Path("tls.cert", c.tls.cert));
  CTG_RETURN_IF_ERROR(p.Path("tls.key", c.tls.key));
  CTG_RETURN_IF_ERROR(p.Path("tls.crl", c.tls.crl));
  CTG_RETURN_IF_ERROR(
      p.Int("tls.reload_seconds", c.tls.reload_seconds, 1, 86400));
  CTG_RETURN_IF_ERROR(p.Path("audit.signing_key", c.audit.signing_key));
  CTG_RETURN_IF_ERROR(p.Path("audit.previous_keys", c.audit.previous_keys));
  CTG_RETURN_IF_ERROR(p.String("audit.origin", c.audit.origin));
  CTG_RETURN_IF_ERROR(p.String("audit.key_name", c.audit.key_name));
  CTG_RETURN_IF_ERROR(p.Int("audit.checkpoint_interval_seconds",
                            c.audit.checkpoint_interval_seconds, 0, 86400));
  LimitsConfig& l = c.limits;
  CTG_RETURN_IF_ERROR(
      p.Int("limits.max_message_bytes", l.max_message_bytes, 4096, 1 << 30));
  CTG_RETURN_IF_ERROR(p.Int("limits.transport_max_message_bytes",
                            l.transport_max_message_bytes, 4096,
                            std::numeric_limits<int>::max()));
  if (l.transport_max_message_bytes == 0) {
    l.transport_max_message_bytes = static_cast<int>(std::min<int64_t>(
        int64_t{kTransportMessageFactor} * l.max_message_bytes,
        std::numeric_limits<int>::max()));
  }
  CTG_RETURN_IF_ERROR(p.Int("limits.max_cells_per_extract",
                            l.max_cells_per_extract, 1, 50000000));
  CTG_RETURN_IF_ERROR(p.Int("limits.max_page_size", l.max_page_size, 1, 10000));
  CTG_RETURN_IF_ERROR(
      p.Int("limits.default_page_size", l.default_page_size, 1, 10000));
  CTG_RETURN_IF_ERROR(
      p.Int("limits.calls_per_minute", l.calls_per_minute, 0, 1000000));
  CTG_RETURN_IF_ERROR(
      p.Int("limits.max_import_bytes", l.max_import_bytes, 1024, 2000000000));
  CTG_RETURN_IF_ERROR(
      p.Int("limits.max_upload_bytes", l.max_upload_bytes, 1, 1 << 30));
  CTG_RETURN_IF_ERROR(p.Int("limits.idle_connection_seconds",
                            l.idle_connection_seconds, 1, 86400));
  CTG_RETURN_IF_ERROR(
      p.Int("limits.max_list_items", l.max_list_items, 1, 100000));
  CTG_RETURN_IF_ERROR(
      p.Int("limits.max_text_chars", l.max_text_chars, 16, 1000000));
  CTG_RETURN_IF_ERROR(
      p.Int("limits.concurrent_releases", l.concurrent_releases, 1, 256));
  CTG_RETURN_IF_ERROR(
      p.Int("limits.release_cache_mb", l.release_cache_mb, 0, 65536));
  CTG_RETURN_IF_ERROR(p.Bool("workflow.four_eyes", c.workflow.four_eyes));
  SecretStatistiqueConfig& s = c.secret;
  policy::sdc::SdcConfig& r = s.rules;
  CTG_RETURN_IF_ERROR(p.Int("secret_statistique.territory_threshold",
                            r.territory_threshold, 1, 1000000));
  CTG_RETURN_IF_ERROR(p.Int("secret_statistique.frequency_threshold",
                            r.frequency_threshold, 1, 1000));
  CTG_RETURN_IF_ERROR(p.Bool("secret_statistique.mask_zeros", r.mask_zeros));
  CTG_RETURN_IF_ERROR(p.Int("secret_statistique.excluded_min_width",
                            r.excluded_min_width, 1, 1000));
  CTG_RETURN_IF_ERROR(
      p.Bool("secret_statistique.group_disclosure", r.group_disclosure));
  int audit_line = p.Line("secret_statistique.lp_audit");
  CTG_RETURN_IF_ERROR(p.String("secret_statistique.lp_audit", s.lp_audit));
  if (s.lp_audit != "always" && s.lp_audit != "sampled" &&
      s.lp_audit != "off") {
    return p.Error(
        audit_line,
        "secret_statistique.lp_audit must be always, sampled or off");
  }
  CTG_RETURN_IF_ERROR(p.Int("secret_statistique.lp_audit_max_cells",
                            s.lp_audit_max_cells, 1, 10000000));
  CTG_RETURN_IF_ERROR(p.String("metrics.listen", c.metrics.listen));
  CTG_RETURN_IF_ERROR(p.String("web.listen", c.web.listen));
  CTG_RETURN_IF_ERROR(
      p.Int("web.max_body_bytes", c.web.max_body_bytes, 4096, 1 << 30));
  int zone_line = p.Line("web.time_zone");
  CTG_RETURN_IF_ERROR(p.String("web.time_zone", c.web.time_zone));
  if (absl::TimeZone zone; !absl::LoadTimeZone(c.web.time_zone, &zone)) {
    return p.Error(
        zone_line,
        absl::StrCat("web.time_zone \"", c.web.time_zone,
                     "\" is not a known time zone (e.g. Europe/Paris)"));
  }
  return p.Leftovers();
}

absl::Status CheckRequired(const Parser& p, const Config& c) {
  const std::pair<const char*, const std::string*> required[] = {
      {"trust_domain", &c.trust_domain},
      {"caf_id", &c.caf_id},
      {"tls.ca", &c.tls.ca},
      {"tls.cert", &c.tls.cert},
      {"tls.key", &c.tls.key},
      {"tls.crl", &c.tls.crl},
      {"audit.signing_key", &c.audit.signing_key},
  };
  for (const auto& [key, value] : required) {
    if (value->empty())
      return p.Error(0, absl::StrCat("missing required key ", key));
  }
  // One backend: SQLite (database = FILE) or PostgreSQL ([database] url).
  if (c.database.empty() && c.postgres.url.empty()) {
    return p.Error(
        0, "missing required key database (an SQLite file) or database.url");
  }
  if (!c.database.empty() && !c.postgres.url.empty()) {
    return p.Error(
        0,
        "database and database.url are both set: choose SQLite or PostgreSQL");
  }
  if (c.limits.default_page_size > c.limits.max_page_size) {
    return p.Error(0, "limits.default_page_size exceeds limits.max_page_size");
  }
  if (c.limits.transport_max_message_bytes < c.limits.max_message_bytes) {
    return p.Error(
        0, absl::StrCat("limits.transport_max_message_bytes (",
                        c.limits.transport_max_message_bytes,
                        ") is below limits.max_message_bytes (",
                        c.limits.max_message_bytes,
                        "): the transport would refuse, unaudited, messages "
                        "the gateway accepts"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Config> ParseConfig(absl::string_view text,
                                   const std::string& file_name,
                                   const std::string& base_dir) {
  Parser parser(file_name, base_dir);
  CTG_RETURN_IF_ERROR(parser.Parse(text));
  Config config;
  config.path = file_name;
  CTG_RETURN_IF_ERROR(Bind(parser, config));
  CTG_RETURN_IF_ERROR(CheckRequired(parser, config));
  if (config.audit.origin.empty()) {
    config.audit.origin = absl::StrCat(config.trust_domain, "/ctg-audit");
  }
  if (config.audit.key_name.empty())
    config.audit.key_name = config.audit.origin;
  return config;
}

absl::StatusOr<Config> LoadConfig(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat("config ", path, ": cannot read the file"));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  size_t slash = path.find_last_of('/');
  std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
  if (dir.empty()) dir = "/";
  return ParseConfig(buffer.str(), path, dir);
}

}  // namespace ctg::gateway
