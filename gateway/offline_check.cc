#include "gateway/offline_check.h"

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "audit/checkpoint.h"
#include "audit/hash.h"
#include "audit/merkle_frontier.h"
#include "audit/note_key.h"
#include "base/status_macros.h"
#include "gateway/x509_util.h"
#include "store/audit_table.h"
#include "store/sqlite.h"

namespace ctg::gateway {

absl::StatusOr<std::string> CheckAuditTrail(const Config& config, const std::string& db_path) {
  CTG_ASSIGN_OR_RETURN(std::string pem,
                       ReadFileForConfig(config.audit.signing_key, "audit.signing_key"));
  auto signer = audit::NoteSigner::FromPrivateKeyPem(config.audit.key_name, pem);
  if (!signer.ok()) return signer.status();
  CTG_ASSIGN_OR_RETURN(audit::NoteVerifier current,
                       audit::NoteVerifier::FromKeyText((*signer)->PublicKeyPem()));
  std::vector<audit::NoteVerifier> keys = {std::move(current)};
  if (!config.audit.previous_keys.empty()) {
    CTG_ASSIGN_OR_RETURN(std::string bundle, ReadFileForConfig(config.audit.previous_keys,
                                                               "audit.previous_keys"));
    constexpr char kBegin[] = "-----BEGIN PUBLIC KEY-----";
    for (size_t at = bundle.find(kBegin); at != std::string::npos;) {
      size_t next = bundle.find(kBegin, at + 1);
      auto key = audit::NoteVerifier::FromPublicKeyPem(bundle.substr(at, next - at));
      if (!key.ok()) {
        return absl::InvalidArgumentError(absl::StrCat("audit.previous_keys ",
                                                       config.audit.previous_keys, ": ",
                                                       key.status().message()));
      }
      keys.push_back(*std::move(key));
      at = next;
    }
    if (keys.size() == 1) {
      return absl::InvalidArgumentError(absl::StrCat(
          "audit.previous_keys ", config.audit.previous_keys, ": no PUBLIC KEY block"));
    }
  }
  return CheckAuditTrailWithKeys(keys, db_path);
}

absl::StatusOr<std::string> CheckAuditTrailWithKeys(absl::Span<const audit::NoteVerifier> keys,
                                                    const std::string& db_path) {
  CTG_ASSIGN_OR_RETURN(auto conn, store::Connection::Open(db_path, /*read_only=*/true));
  // The stored checkpoints first (few), then one pass over the events with
  // the tree's right edge only: memory O(log N), whatever the trail's size.
  std::map<uint64_t, std::string> notes;
  {
    CTG_ASSIGN_OR_RETURN(store::Statement rows,
                         conn->Prepare("SELECT tree_size, note FROM audit_checkpoints ORDER BY tree_size"));
    while (true) {
      CTG_ASSIGN_OR_RETURN(bool row, rows.Step());
      if (!row) break;
      notes[static_cast<uint64_t>(rows.ColumnInt(0))] = rows.ColumnText(1);
    }
  }
  auto next_note = notes.begin();
  int checkpoints = 0;
  audit::MerkleFrontier tree;
  // Checks every stored checkpoint of the current size.
  auto check_notes = [&]() -> absl::Status {
    for (; next_note != notes.end() && next_note->first == tree.size(); ++next_note) {
      const uint64_t size = next_note->first;
      auto checkpoint = audit::OpenCheckpoint(next_note->second, keys);
      if (!checkpoint.ok()) {
        return absl::DataLossError(absl::StrCat("audit trail: checkpoint of size ", size, ": ",
                                                checkpoint.status().message()));
      }
      if (checkpoint->size != size || checkpoint->root != tree.Root()) {
        return absl::DataLossError(absl::StrCat("audit trail: the signed checkpoint of size ",
                                                size, " does not match the events 1..", size));
      }
      ++checkpoints;
    }
    return absl::OkStatus();
  };
  CTG_RETURN_IF_ERROR(check_notes());
  CTG_RETURN_IF_ERROR(store::ScanAllLeaves(
      *conn, [&](uint64_t seq, const std::string& canonical,
                 const std::string& stored) -> absl::Status {
        audit::Hash leaf = audit::LeafHash(canonical);
        if (seq != tree.size() + 1) {
          return absl::DataLossError(
              absl::StrCat("audit trail: event ", tree.size() + 1, " is missing"));
        }
        if (stored != std::string(leaf.begin(), leaf.end())) {
          return absl::DataLossError(absl::StrCat("audit trail: event ", seq, " was altered"));
        }
        tree.Append(leaf);
        return check_notes();
      }));
  if (next_note != notes.end()) {
    return absl::DataLossError(absl::StrCat("audit trail: the signed checkpoint of size ",
                                            next_note->first, " does not match the events 1..",
                                            next_note->first, " (only ", tree.size(),
                                            " events remain)"));
  }
  return absl::StrCat("audit trail of ", db_path, " intact: ", tree.size(), " events, ",
                      checkpoints, " signed checkpoints verified, root ",
                      audit::HashToHex(tree.Root()));
}

}  // namespace ctg::gateway
