#include "gateway/backup.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "gateway/offline_check.h"
#include "gateway/store_backend.h"

namespace ctg::gateway {
namespace {

std::string DirectoryOf(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// Creates an empty 0600 file next to `dest` (mkstemp) and returns its name.
absl::StatusOr<std::string> CreateTemporary(const std::string& dest) {
  std::string name = absl::StrCat(dest, ".partial-XXXXXX");
  std::vector<char> buffer(name.begin(), name.end());
  buffer.push_back('\0');
  int fd = mkstemp(buffer.data());
  if (fd < 0) {
    return absl::UnavailableError(
        absl::StrCat("backup ", dest, ": cannot create a file in ",
                     DirectoryOf(dest), ": ", std::strerror(errno)));
  }
  close(fd);
  return std::string(buffer.data());
}

absl::Status SyncDirectory(const std::string& dir) {
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || fsync(fd) != 0) {
    absl::Status error = absl::InternalError(absl::StrCat(
        "backup: cannot fsync directory ", dir, ": ", std::strerror(errno)));
    if (fd >= 0) close(fd);
    return error;
  }
  close(fd);
  return absl::OkStatus();
}

absl::StatusOr<std::string> CopyAndCheck(const Config& config,
                                         const std::string& temporary,
                                         const std::string& dest) {
  {
    CTG_ASSIGN_OR_RETURN(std::unique_ptr<store::Backend> source,
                         OpenStoreForCheck(config.database));
    CTG_RETURN_IF_ERROR(source->CopyTo(temporary));
  }
  int schema;
  {
    CTG_ASSIGN_OR_RETURN(std::unique_ptr<store::Backend> copy,
                         OpenStoreForCheck(temporary));
    CTG_ASSIGN_OR_RETURN(schema, copy->SchemaVersion());
  }
  absl::StatusOr<std::string> trail = CheckAuditTrail(config, temporary);
  if (!trail.ok()) {
    return absl::Status(
        trail.status().code(),
        absl::StrCat("backup ", dest,
                     ": the copy does not verify: ", trail.status().message()));
  }
  // Never replaces a file that appeared at DEST meanwhile.
  if (renameat2(AT_FDCWD, temporary.c_str(), AT_FDCWD, dest.c_str(),
                RENAME_NOREPLACE) != 0) {
    if (errno == EEXIST) {
      return absl::AlreadyExistsError(absl::StrCat(
          "backup ", dest, ": already exists (choose a new name)"));
    }
    return absl::InternalError(absl::StrCat(
        "backup ", dest, ": cannot rename the copy: ", std::strerror(errno)));
  }
  CTG_RETURN_IF_ERROR(SyncDirectory(DirectoryOf(dest)));
  // The check names the file it read: name DEST instead.
  std::string summary = *trail;
  if (size_t at = summary.find(temporary); at != std::string::npos) {
    summary.replace(at, temporary.size(), dest);
  }
  return absl::StrCat("backup ", dest, " (schema ", schema,
                      ") written and checked: ", summary);
}

}  // namespace

absl::StatusOr<std::string> BackupDatabase(const Config& config,
                                           const std::string& dest) {
  if (dest.empty()) return absl::InvalidArgumentError("backup: DEST is empty");
  struct stat st;
  if (lstat(dest.c_str(), &st) == 0) {
    return absl::AlreadyExistsError(
        absl::StrCat("backup ", dest, ": already exists (choose a new name)"));
  }
  CTG_ASSIGN_OR_RETURN(std::string temporary, CreateTemporary(dest));
  absl::StatusOr<std::string> summary = CopyAndCheck(config, temporary, dest);
  if (!summary.ok()) unlink(temporary.c_str());
  return summary;
}

}  // namespace ctg::gateway
