#include "gateway/offline_check.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "audit/hash.h"
#include "audit/merkle_frontier.h"
#include "audit/note_key.h"
#include "audit/stored_trail.h"
#include "base/status_macros.h"
#include "gateway/pg_migrate_command.h"
#include "gateway/store_backend.h"
#include "gateway/trail_check.h"
#include "gateway/x509_util.h"
#include "store/postgres/pg_database.h"

namespace ctg::gateway {

absl::StatusOr<std::vector<audit::NoteVerifier>> CheckpointKeys(
    const Config& config) {
  CTG_ASSIGN_OR_RETURN(
      std::string pem,
      ReadFileForConfig(config.audit.signing_key, "audit.signing_key"));
  auto signer =
      audit::NoteSigner::FromPrivateKeyPem(config.audit.key_name, pem);
  if (!signer.ok()) return signer.status();
  CTG_ASSIGN_OR_RETURN(
      audit::NoteVerifier current,
      audit::NoteVerifier::FromKeyText((*signer)->PublicKeyPem()));
  std::vector<audit::NoteVerifier> keys = {std::move(current)};
  if (config.audit.previous_keys.empty()) return keys;
  CTG_ASSIGN_OR_RETURN(
      std::string bundle,
      ReadFileForConfig(config.audit.previous_keys, "audit.previous_keys"));
  constexpr char kBegin[] = "-----BEGIN PUBLIC KEY-----";
  for (size_t at = bundle.find(kBegin); at != std::string::npos;) {
    size_t next = bundle.find(kBegin, at + 1);
    auto key =
        audit::NoteVerifier::FromPublicKeyPem(bundle.substr(at, next - at));
    if (!key.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("audit.previous_keys ", config.audit.previous_keys, ": ",
                       key.status().message()));
    }
    keys.push_back(*std::move(key));
    at = next;
  }
  if (keys.size() == 1) {
    return absl::InvalidArgumentError(absl::StrCat("audit.previous_keys ",
                                                   config.audit.previous_keys,
                                                   ": no PUBLIC KEY block"));
  }
  return keys;
}

absl::StatusOr<std::string> CheckAuditTrail(const Config& config,
                                            const std::string& db_path) {
  CTG_ASSIGN_OR_RETURN(std::vector<audit::NoteVerifier> keys,
                       CheckpointKeys(config));
  return CheckAuditTrailWithKeys(keys, db_path);
}

absl::StatusOr<std::string> CheckConfiguredAuditTrail(const Config& config) {
  if (config.postgres.url.empty())
    return CheckAuditTrail(config, config.database);
  CTG_ASSIGN_OR_RETURN(std::vector<audit::NoteVerifier> keys,
                       CheckpointKeys(config));
  CTG_ASSIGN_OR_RETURN(
      std::unique_ptr<store::postgres::PgDatabase> db,
      store::postgres::PgDatabase::OpenReadOnly(PgOptionsOf(config)));
  return CheckPgAuditTrail(*db, keys);
}

absl::StatusOr<std::string> CheckAuditTrailWithKeys(
    absl::Span<const audit::NoteVerifier> keys, const std::string& db_path) {
  CTG_ASSIGN_OR_RETURN(std::unique_ptr<store::Backend> store,
                       OpenStoreForCheck(db_path));
  // The stored checkpoints first (few), then one pass over the events with
  // the tree's right edge only: memory O(log N), whatever the trail's size.
  audit::MerkleFrontier tree;
  TrailCheckResult checked;
  CTG_RETURN_IF_ERROR(
      store->Read([&](store::ReadSession& session) -> absl::Status {
        CTG_ASSIGN_OR_RETURN(
            checked,
            CheckStoredTrail(
                session, db_path, {.keys = keys, .require_known_key = true},
                [&tree](const audit::Hash& leaf) { tree.Append(leaf); },
                [&tree] { return tree.Root(); }));
        return absl::OkStatus();
      }));
  return absl::StrCat("audit trail of ", db_path, " intact: ", tree.size(),
                      " events, ", checked.checkpoints_matched,
                      " signed checkpoints verified, root ",
                      audit::HashToHex(tree.Root()));
}

}  // namespace ctg::gateway
