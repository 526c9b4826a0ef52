#include "extract/extract_csv.h"

#include <openssl/evp.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "base/csv.h"

namespace ctg::extract {
namespace {

void Row(std::string* out, absl::string_view key, absl::string_view value) {
  AppendCsvField(key, out);
  out->push_back(',');
  AppendCsvField(value, out);
  out->push_back('\n');
}

}  // namespace

absl::string_view CellStatusWord(ctg::v1::CellStatus status) {
  switch (status) {
    case ctg::v1::PUBLISHED:
      return "published";
    case ctg::v1::MASKED:
      return "masked";
    case ctg::v1::EXCLUDED:
      return "excluded";
    default:
      return "masked";  // never show a figure for an unknown status
  }
}

absl::string_view LevelWord(ctg::v1::TerritoryLevel level) {
  switch (level) {
    case ctg::v1::COMMUNE:
      return "commune";
    case ctg::v1::IRIS:
      return "iris";
    case ctg::v1::QPV:
      return "qpv";
    default:
      return "";
  }
}

std::string RecipientsText(const ctg::v1::ExtractHeader& header) {
  std::string out;
  for (const ctg::v1::Recipient& r : header.recipients()) {
    if (!out.empty()) out += "; ";
    if (r.kind() == ctg::v1::Recipient::OPERATOR) {
      absl::StrAppend(&out, "operator:", r.operator_person(), ":", r.name());
    } else {
      absl::StrAppend(&out, "own:", r.name());
    }
  }
  return out;
}

ExtractCsvWriter::ExtractCsvWriter(std::function<void(absl::string_view)> sink)
    : sink_(std::move(sink)), sha_(EVP_MD_CTX_new()) {
  EVP_DigestInit_ex(sha_, EVP_sha256(), nullptr);
}

ExtractCsvWriter::~ExtractCsvWriter() { EVP_MD_CTX_free(sha_); }

void ExtractCsvWriter::Emit(const std::string& bytes) {
  EVP_DigestUpdate(sha_, bytes.data(), bytes.size());
  if (sink_) sink_(bytes);
}

void ExtractCsvWriter::WriteHeader(const ctg::v1::ExtractHeader& h) {
  std::string out;
  Row(&out, "source", h.source_mention());  // R4: the first line
  Row(&out, "extract_id", h.extract_id());
  Row(&out, "request_id", h.request_id());
  Row(&out, "commune", h.commune());
  Row(&out, "convention_id", h.convention_id());
  Row(&out, "purpose", h.purpose());  // R2: the release is bound to it
  Row(&out, "objective", h.objective());
  Row(&out, "recipients", RecipientsText(h));
  Row(&out, "base_version", h.base_version());
  out += "\nterritory,level,period,indicator,breakdown,category,value,status\n";
  Emit(out);
}

void ExtractCsvWriter::WriteCell(const ctg::v1::ExtractCell& c) {
  line_.clear();
  for (absl::string_view field :
       {absl::string_view(c.territory()), LevelWord(c.level()),
        absl::string_view(c.period()), absl::string_view(c.indicator()),
        absl::string_view(c.breakdown()), absl::string_view(c.category())}) {
    AppendCsvField(field, &line_);
    line_.push_back(',');
  }
  // R5-R7: a figure only for a published cell.
  if (c.status() == ctg::v1::PUBLISHED && c.has_value())
    absl::StrAppend(&line_, c.value());
  absl::StrAppend(&line_, ",", CellStatusWord(c.status()), "\n");
  Emit(line_);
  ++cells_;
}

std::string ExtractCsvWriter::FinishDigest() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(sha_, digest, &length);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), length));
}

}  // namespace ctg::extract
