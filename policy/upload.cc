#include "policy/upload.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"
#include "policy/text.h"

namespace ctg::policy {
namespace {

absl::Status Invalid(absl::string_view field, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", what));
}

std::string Quote(absl::string_view value) {
  bool cut = value.size() > 64;
  return absl::StrCat("\"", absl::CHexEscape(value.substr(0, 64)),
                      cut ? "...\"" : "\"");
}

bool Contains(const std::vector<std::string>& list, absl::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// The index of `column` in `header`, or -1.
int ColumnIndex(const std::vector<std::string>& header,
                absl::string_view column) {
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == column) return static_cast<int>(i);
  }
  return -1;
}

// Each row's value in `column` is one of `allowed` (when it lists some).
absl::Status CheckColumnValues(
    const std::vector<std::vector<std::string>>& rows, absl::string_view column,
    const std::vector<std::string>& allowed) {
  if (allowed.empty() || rows.empty()) return absl::OkStatus();
  int index = ColumnIndex(rows[0], column);
  if (index < 0) return absl::OkStatus();  // the header check names it
  for (size_t r = 1; r < rows.size(); ++r) {
    const std::string& value = rows[r][index];
    if (!Contains(allowed, value)) {
      return Invalid("data", absl::StrCat("line ", r + 1, ", column ", column,
                                          ": ", Quote(value),
                                          " is not in the approved template (",
                                          absl::StrJoin(allowed, ", "), ")"));
    }
  }
  return absl::OkStatus();
}

// A cell a spreadsheet would run as a formula when the Caf opens the file:
// it starts with = + - @ (or a tab or carriage return before one) and is
// not a plain number ("-4", "+0.5", "1e3" and a lone "-" stay accepted).
bool RunsAsFormula(absl::string_view cell) {
  if (cell.size() < 2) return false;
  const char first = cell.front();
  if (first == '\t' || first == '\r') return true;
  if (first != '=' && first != '+' && first != '-' && first != '@')
    return false;
  double number;
  return first == '=' || first == '@' || !absl::SimpleAtod(cell, &number);
}

// R8: no cell of the file runs as a formula in the Caf's spreadsheet (CSV
// injection from the commune's side). `rows[0]` is the header.
absl::Status CheckNoFormulaCells(
    const std::vector<std::vector<std::string>>& rows) {
  for (size_t r = 0; r < rows.size(); ++r) {
    for (size_t c = 0; c < rows[r].size(); ++c) {
      if (!RunsAsFormula(rows[r][c])) continue;
      std::string column =
          r == 0 ? absl::StrCat(c + 1) : Quote(rows[0][c]).substr(1);
      if (r != 0) column.pop_back();  // the name, unquoted
      return Invalid("data",
                     absl::StrCat("line ", r + 1, ", column ", column, ": ",
                                  Quote(rows[r][c]),
                                  " would run as a formula in a spreadsheet "
                                  "(CSV injection); cells may not start with "
                                  "= + - @ unless they are numbers"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckMayUpload(const Identity& who, const UploadTarget& target) {
  CTG_RETURN_IF_ERROR(CheckRequestVisible(who, target.commune, target.id));
  // R1: the party that studied the request answers it.
  if (who.role != Role::kCommuneReviewer) {
    return absl::PermissionDeniedError(absl::StrCat(
        "role \"", RoleName(who.role),
        "\" may not upload data; only a reviewer of the commune may"));
  }
  // R1: no data moves before approval.
  if (target.state != RequestState::kApproved) {
    return absl::FailedPreconditionError(absl::StrCat(
        "request ", target.id, " is ", RequestStateName(target.state),
        "; data is uploaded once the commune approved the request"));
  }
  if (target.uploaded) {
    return absl::FailedPreconditionError(
        absl::StrCat("request ", target.id,
                     " already has its data; an upload is never replaced"));
  }
  return absl::OkStatus();
}

absl::Status CheckUploadSize(int64_t size, int64_t max_bytes) {
  if (size > max_bytes) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "data: ", size, " bytes, more than limits.max_upload_bytes (",
        max_bytes, ")"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::vector<std::string>>> ParseCsv(
    absl::string_view text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  size_t line = 1;
  size_t i = 0;
  const size_t n = text.size();
  auto end_row = [&] {
    row.push_back(std::move(field));
    field.clear();
    rows.push_back(std::move(row));
    row.clear();
  };
  while (i < n) {
    if (text[i] == '"') {
      size_t start_line = line;
      ++i;
      for (;;) {
        if (i >= n) {
          return Invalid("data", absl::StrCat("line ", start_line,
                                              ": unterminated quote"));
        }
        if (text[i] == '"') {
          if (i + 1 < n && text[i + 1] == '"') {
            field.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        if (text[i] == '\n') ++line;
        field.push_back(text[i++]);
      }
      if (i < n && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
        return Invalid(
            "data",
            absl::StrCat("line ", line, ": character after a closing quote"));
      }
      continue;
    }
    char c = text[i];
    if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      ++i;
    } else if (c == '\r' && i + 1 < n && text[i + 1] == '\n') {
      end_row();
      i += 2;
      ++line;
    } else if (c == '\n') {
      end_row();
      ++i;
      ++line;
    } else {
      field.push_back(c);
      ++i;
    }
  }
  if (!field.empty() || !row.empty()) end_row();
  return rows;
}

absl::StatusOr<int64_t> ValidateUpload(
    const Upload& upload, const std::optional<DataTemplate>& data_template,
    int64_t max_bytes) {
  CTG_RETURN_IF_ERROR(
      CheckUploadSize(static_cast<int64_t>(upload.content.size()), max_bytes));
  // R5: the commune states that its file holds no personal data.
  if (!upload.no_personal_data) {
    return Invalid("no_personal_data",
                   "required: attest that the file holds no personal data "
                   "(aggregates only)");
  }
  if (!upload.declared_sha256.empty() &&
      absl::AsciiStrToLower(upload.declared_sha256) != upload.sha256) {
    return Invalid("sha256",
                   absl::StrCat(Quote(upload.declared_sha256),
                                " is not the digest of the data received (",
                                upload.sha256, ")"));
  }
  if (upload.content.empty())
    return Invalid("data", "required: the file is empty");
  if (Utf8Length(upload.content) < 0) return Invalid("data", "not UTF-8 text");
  if (upload.content.find('\0') != std::string::npos) {
    return Invalid("data", "not a text file (NUL byte)");
  }
  CTG_ASSIGN_OR_RETURN(auto rows, ParseCsv(upload.content));
  if (rows.empty()) return Invalid("data", "required: no header line");
  const std::vector<std::string>& header = rows[0];
  for (size_t r = 1; r < rows.size(); ++r) {
    if (rows[r].size() != header.size()) {
      return Invalid("data",
                     absl::StrCat("line ", r + 1, ": ", rows[r].size(),
                                  " fields, the header has ", header.size()));
    }
  }
  CTG_RETURN_IF_ERROR(CheckNoFormulaCells(rows));
  if (data_template) {
    if (header != data_template->columns) {
      return Invalid(
          "data", absl::StrCat(
                      "line 1: the header (", Quote(absl::StrJoin(header, ",")),
                      ") is not the approved template's columns (",
                      absl::StrJoin(data_template->columns, ","), ")"));
    }
    CTG_RETURN_IF_ERROR(
        CheckColumnValues(rows, kTerritoryColumn, data_template->territories));
    CTG_RETURN_IF_ERROR(
        CheckColumnValues(rows, kPeriodColumn, data_template->periods));
  }
  return static_cast<int64_t>(rows.size()) - 1;
}

absl::Status CheckMayDownloadUpload(const Identity& who,
                                    const UploadTarget& target) {
  // R1: the data goes to the party that asked, the Caf.
  if (who.role != Role::kCafRequester) {
    return absl::PermissionDeniedError(
        absl::StrCat("role \"", RoleName(who.role),
                     "\" may not download a commune's data; only a requester "
                     "of the Caf may"));
  }
  // R1, R11: only while the approval stands.
  if (target.state != RequestState::kApproved) {
    return absl::FailedPreconditionError(absl::StrCat(
        "request ", target.id, " is ", RequestStateName(target.state),
        "; the commune's data is downloaded only while it is APPROVED"));
  }
  if (!target.uploaded) {
    return absl::FailedPreconditionError(
        absl::StrCat("the commune has not uploaded the data of request ",
                     target.id, " yet"));
  }
  if (target.downloads_used >= target.download_quota) {
    return absl::FailedPreconditionError(
        absl::StrCat("request ", target.id, ": the download quota (",
                     target.download_quota, ") is spent"));
  }
  return absl::OkStatus();
}

}  // namespace ctg::policy
