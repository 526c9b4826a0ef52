// One computed release, ready to stream and to record: the protected table,
// its header and digest, and what the commune's release memory becomes.
#ifndef CTG_GATEWAY_SERVICES_PREPARED_EXTRACT_H_
#define CTG_GATEWAY_SERVICES_PREPARED_EXTRACT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "ctg/v1/extracts.pb.h"

namespace ctg::gateway {

struct PreparedExtract {
  std::string request_id;
  std::string commune;
  ctg::v1::ExtractHeader header;  // release_time set when streamed
  std::vector<ctg::v1::ExtractCell> cells;
  std::string sha256;
  int64_t published = 0, masked = 0, excluded = 0;
  int download_quota = 1;
  // The commune's release memory: the version the table was computed
  // against, and what it becomes once this release is recorded (computed
  // here, off the writer thread). Unchanged for a re-download that
  // discloses nothing new.
  int64_t memory_version = 0;
  bool memory_changes = false;
  std::string memory_after;  // serialized; empty when !memory_changes
};

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_SERVICES_PREPARED_EXTRACT_H_
