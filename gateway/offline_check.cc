#include "gateway/offline_check.h"

#include "absl/strings/str_cat.h"
#include "audit/checkpoint.h"
#include "audit/hash.h"
#include "audit/merkle_tree.h"
#include "audit/note_key.h"
#include "base/status_macros.h"
#include "gateway/x509_util.h"
#include "store/sqlite.h"

namespace ctg::gateway {

absl::StatusOr<std::string> CheckAuditTrail(const Config& config, const std::string& db_path) {
  CTG_ASSIGN_OR_RETURN(std::string pem,
                       ReadFileForConfig(config.audit.signing_key, "audit.signing_key"));
  auto signer = audit::NoteSigner::FromPrivateKeyPem(config.audit.key_name, pem);
  if (!signer.ok()) return signer.status();
  CTG_ASSIGN_OR_RETURN(auto verifier, audit::NoteVerifier::FromKeyText((*signer)->PublicKeyPem()));
  CTG_ASSIGN_OR_RETURN(auto conn, store::Connection::Open(db_path, /*read_only=*/true));
  audit::MerkleTree tree;
  {
    CTG_ASSIGN_OR_RETURN(store::Statement leaves,
                         conn->Prepare("SELECT seq, canonical, leaf_hash FROM audit_events ORDER BY seq"));
    while (true) {
      CTG_ASSIGN_OR_RETURN(bool row, leaves.Step());
      if (!row) break;
      uint64_t seq = static_cast<uint64_t>(leaves.ColumnInt(0));
      audit::Hash leaf = audit::LeafHash(leaves.ColumnBlob(1));
      std::string stored = leaves.ColumnBlob(2);
      if (seq != tree.size() + 1) {
        return absl::DataLossError(absl::StrCat("audit trail: event ", tree.size() + 1, " is missing"));
      }
      if (stored != std::string(leaf.begin(), leaf.end())) {
        return absl::DataLossError(absl::StrCat("audit trail: event ", seq, " was altered"));
      }
      tree.Append(leaf);
    }
  }
  int checkpoints = 0;
  CTG_ASSIGN_OR_RETURN(store::Statement notes,
                       conn->Prepare("SELECT tree_size, note FROM audit_checkpoints ORDER BY tree_size"));
  while (true) {
    CTG_ASSIGN_OR_RETURN(bool row, notes.Step());
    if (!row) break;
    uint64_t size = static_cast<uint64_t>(notes.ColumnInt(0));
    auto checkpoint = audit::OpenCheckpoint(notes.ColumnText(1), verifier);
    if (!checkpoint.ok()) {
      return absl::DataLossError(absl::StrCat("audit trail: checkpoint of size ", size, ": ",
                                              checkpoint.status().message()));
    }
    auto root = tree.RootAt(size);
    if (checkpoint->size != size || !root.ok() || *root != checkpoint->root) {
      return absl::DataLossError(absl::StrCat("audit trail: the signed checkpoint of size ", size,
                                              " does not match the events 1..", size));
    }
    ++checkpoints;
  }
  return absl::StrCat("audit trail of ", db_path, " intact: ", tree.size(), " events, ",
                      checkpoints, " signed checkpoints verified, root ",
                      audit::HashToHex(tree.Root()));
}

}  // namespace ctg::gateway
