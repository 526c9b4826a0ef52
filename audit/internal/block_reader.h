// Cuts an export into blocks of whole lines (about 1 MiB each) for parallel
// verification, from memory (no copy) or from a stream. Internal.
#ifndef CTG_AUDIT_INTERNAL_BLOCK_READER_H_
#define CTG_AUDIT_INTERNAL_BLOCK_READER_H_

#include <cstddef>
#include <istream>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ctg::audit::internal {

class BlockReader {
 public:
  // Blocks end after a '\n' (or at the end of input). A line longer than
  // `max_line_bytes` ends a block early and is the last thing read: the
  // caller's LineReader over the block reports it.
  BlockReader(absl::string_view text, size_t max_line_bytes);
  BlockReader(std::istream* in, size_t max_line_bytes);

  // Sets `*block` to the next block (owned by `*storage` in stream mode,
  // a view of the text in memory mode) and returns true; false at the end.
  // DataLoss if the stream fails.
  absl::StatusOr<bool> Next(std::string* storage, absl::string_view* block);

 private:
  static constexpr size_t kBlockBytes = 1 << 20;

  absl::string_view text_;
  std::istream* in_ = nullptr;
  std::string carry_;  // stream mode: bytes after the last '\n' read so far
  bool eof_ = false;
  bool stop_ = false;
  size_t max_line_bytes_;
};

}  // namespace ctg::audit::internal

#endif  // CTG_AUDIT_INTERNAL_BLOCK_READER_H_
