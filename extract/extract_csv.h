// The canonical CSV of an extract (api.md, "CSV extracts"): the bytes the
// commune receives and the SHA-256 digest recorded in the release ledger and
// the audit trail. The gateway renders it to compute the digest; `ctg extract
// get` renders the same bytes from the messages it received and checks the
// digest. Layout:
//
//   source,Source : Caf de la Gironde          <- R4, first line
//   extract_id,EXT-1f2e3d4c5b6a7988
//   request_id,REQ-000042
//   commune,33069
//   convention_id,CTG-33069-1
//   purpose,"Diagnostic des familles monoparentales..."   <- R2
//   objective,Axe I.2 veille sociale territoriale
//   recipients,own:Direction de la cohésion sociale
//   base_version,2023@61e9fe7ff8a98384
//   (empty line)
//   territory,level,period,indicator,breakdown,category,value,status
//   33069,commune,2023,allocataires,,,4352,published
//   330690105,iris,2023,allocataires,family_type,single_parent,,masked
//   330690112,iris,2023,allocataires,,,,excluded
//
// UTF-8, LF line ends, RFC 4180 quoting. A masked or excluded cell has an
// empty value: no figure of it appears anywhere. The release time is not
// part of the bytes, so the same table always has the same digest; it is in
// the signed receipt.
//
// Not thread-safe (one writer per extract).
#ifndef CTG_EXTRACT_EXTRACT_CSV_H_
#define CTG_EXTRACT_EXTRACT_CSV_H_

#include <functional>
#include <string>

#include "absl/strings/string_view.h"
#include "ctg/v1/extracts.pb.h"

typedef struct evp_md_ctx_st EVP_MD_CTX;

namespace ctg::extract {

class ExtractCsvWriter {
 public:
  // `sink` receives consecutive slices of the bytes (may be empty: digest
  // only).
  explicit ExtractCsvWriter(std::function<void(absl::string_view)> sink = {});
  ~ExtractCsvWriter();
  ExtractCsvWriter(const ExtractCsvWriter&) = delete;
  ExtractCsvWriter& operator=(const ExtractCsvWriter&) = delete;

  // The metadata block and the table's header line. Call once, first.
  void WriteHeader(const ctg::v1::ExtractHeader& header);
  // One row of the table; rows are written in the order received.
  void WriteCell(const ctg::v1::ExtractCell& cell);
  // Lower-case hex SHA-256 of everything written. Call once, last.
  std::string FinishDigest();

  int64_t cells() const { return cells_; }

 private:
  void Emit(const std::string& bytes);

  std::function<void(absl::string_view)> sink_;
  EVP_MD_CTX* sha_;
  std::string line_;
  int64_t cells_ = 0;
};

// "published", "masked", "excluded".
absl::string_view CellStatusWord(ctg::v1::CellStatus status);
// "commune", "iris", "qpv".
absl::string_view LevelWord(ctg::v1::TerritoryLevel level);
// "own:NAME" or "operator:PERSON:NAME", joined with "; ".
std::string RecipientsText(const ctg::v1::ExtractHeader& header);

}  // namespace ctg::extract

#endif  // CTG_EXTRACT_EXTRACT_CSV_H_
