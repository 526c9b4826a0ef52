#include "audit/internal/block_reader.h"

#include <cstring>

#include "absl/status/status.h"

namespace ctg::audit::internal {

BlockReader::BlockReader(absl::string_view text, size_t max_line_bytes)
    : text_(text), max_line_bytes_(max_line_bytes) {}

BlockReader::BlockReader(std::istream* in, size_t max_line_bytes)
    : in_(in), max_line_bytes_(max_line_bytes) {}

absl::StatusOr<bool> BlockReader::Next(std::string* storage,
                                       absl::string_view* block) {
  if (stop_) return false;
  if (in_ == nullptr) {
    if (text_.empty()) return false;
    size_t cut = text_.size();
    if (text_.size() > kBlockBytes) {
      // End after the last '\n' at or beyond the target size.
      const size_t nl = text_.find('\n', kBlockBytes - 1);
      cut = nl == absl::string_view::npos ? text_.size() : nl + 1;
    }
    *block = text_.substr(0, cut);
    text_.remove_prefix(cut);
    return true;
  }
  // Start with the partial line left over from the previous block, reusing
  // the capacity of `*storage`.
  storage->assign(carry_);
  carry_.clear();
  while (true) {
    const size_t old = storage->size();
    if (!eof_) {
      storage->resize(old + kBlockBytes);
      in_->read(storage->data() + old,
                static_cast<std::streamsize>(kBlockBytes));
      storage->resize(old + static_cast<size_t>(in_->gcount()));
      if (!*in_) {
        if (in_->bad())
          return absl::DataLossError("read error in the export stream");
        eof_ = true;
      }
    }
    if (eof_) {
      if (storage->empty()) return false;
      *block = *storage;
      stop_ = true;
      return true;
    }
    const void* nl = memrchr(storage->data(), '\n', storage->size());
    if (nl != nullptr) {
      const size_t cut = static_cast<const char*>(nl) - storage->data() + 1;
      carry_.assign(storage->data() + cut, storage->size() - cut);
      storage->resize(cut);
      *block = *storage;
      return true;
    }
    if (storage->size() > max_line_bytes_) {
      // One overlong line: hand it over; verification stops there.
      *block = *storage;
      stop_ = true;
      return true;
    }
  }
}

}  // namespace ctg::audit::internal
