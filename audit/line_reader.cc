#include "audit/line_reader.h"

#include <algorithm>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace ctg::audit {
namespace {

constexpr size_t kChunkBytes = 1 << 20;

}  // namespace

LineReader::LineReader(absl::string_view text, size_t max_line_bytes)
    : text_(text), max_line_bytes_(max_line_bytes) {}

LineReader::LineReader(std::istream* in, size_t max_line_bytes)
    : in_(in), max_line_bytes_(max_line_bytes) {}

absl::Status LineReader::TooLong() const {
  return absl::InvalidArgumentError(absl::StrCat(
      "line ", line_number_ + 1, ": longer than ", max_line_bytes_, " bytes"));
}

absl::StatusOr<bool> LineReader::Next(absl::string_view* line) {
  if (in_ != nullptr) return NextFromStream(line);
  if (text_.empty()) return false;
  const void* nl = std::memchr(text_.data(), '\n', text_.size());
  const size_t len = nl == nullptr
                         ? text_.size()
                         : static_cast<const char*>(nl) - text_.data();
  if (len > max_line_bytes_) return TooLong();
  *line = text_.substr(0, len);
  const size_t consumed = std::min(text_.size(), len + 1);
  text_.remove_prefix(consumed);
  bytes_read_ += consumed;
  ++line_number_;
  return true;
}

absl::StatusOr<bool> LineReader::NextFromStream(absl::string_view* line) {
  size_t scanned = begin_;  // bytes in [begin_, scanned) hold no '\n'
  while (true) {
    const void* nl =
        std::memchr(buffer_.data() + scanned, '\n', end_ - scanned);
    if (nl != nullptr) {
      const size_t at = static_cast<const char*>(nl) - buffer_.data();
      if (at - begin_ > max_line_bytes_) return TooLong();
      *line = absl::string_view(buffer_.data() + begin_, at - begin_);
      bytes_read_ += at + 1 - begin_;
      begin_ = at + 1;
      ++line_number_;
      return true;
    }
    scanned = end_;
    if (end_ - begin_ > max_line_bytes_) return TooLong();
    if (eof_) {
      if (begin_ == end_) return false;
      *line = absl::string_view(buffer_.data() + begin_, end_ - begin_);
      bytes_read_ += end_ - begin_;
      begin_ = end_;
      ++line_number_;
      return true;
    }
    // Make room: move the partial line to the front, grow if needed.
    if (begin_ > 0) {
      std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
      end_ -= begin_;
      scanned -= begin_;
      begin_ = 0;
    }
    if (buffer_.size() - end_ < kChunkBytes) buffer_.resize(end_ + kChunkBytes);
    in_->read(buffer_.data() + end_,
              static_cast<std::streamsize>(buffer_.size() - end_));
    const std::streamsize got = in_->gcount();
    end_ += static_cast<size_t>(got);
    if (!*in_) {
      if (in_->bad()) {
        return absl::DataLossError(
            absl::StrCat("read error after line ", line_number_, " (byte ",
                         bytes_read_ + (end_ - begin_), ")"));
      }
      eof_ = true;
    }
  }
}

}  // namespace ctg::audit
