// ByteReader: turns a fuzz input into the values a harness needs, front to
// back, like LLVM's FuzzedDataProvider but buildable with gcc (the replay
// test) and simpler. Reading past the end yields zeros and empty strings, so
// every input decodes to something and short inputs stay meaningful.
//
// Not thread-safe; views into the input stay valid as long as the input.
#ifndef CTG_FUZZ_ENTRY_BYTE_READER_H_
#define CTG_FUZZ_ENTRY_BYTE_READER_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace ctg::fuzz {

class ByteReader {
 public:
  explicit ByteReader(absl::string_view data) : data_(data) {}

  bool empty() const { return data_.empty(); }
  size_t remaining() const { return data_.size(); }

  uint8_t Byte() {
    if (data_.empty()) return 0;
    const uint8_t b = static_cast<uint8_t>(data_[0]);
    data_.remove_prefix(1);
    return b;
  }
  bool Bool() { return Byte() & 1; }
  // Little-endian, `bytes` (1..8) bytes.
  uint64_t Uint(int bytes) {
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i)
      v |= static_cast<uint64_t>(Byte()) << (8 * i);
    return v;
  }
  // Uniform-ish in [lo, hi] (one byte when the range fits, else more).
  int64_t Range(int64_t lo, int64_t hi) {
    if (hi <= lo) return lo;
    const uint64_t span = static_cast<uint64_t>(hi - lo) + 1;
    const int bytes = span <= 0x100            ? 1
                      : span <= 0x10000        ? 2
                      : span <= 0x100000000ull ? 4
                                               : 8;
    const uint64_t v = Uint(bytes);
    return lo + static_cast<int64_t>(span == 0 ? v : v % span);
  }
  // One of `options` (the first when the input is exhausted).
  template <typename T>
  const T& Pick(absl::Span<const T> options) {
    return options[static_cast<size_t>(
        Range(0, static_cast<int64_t>(options.size()) - 1))];
  }
  // A length byte then that many bytes (capped at what remains).
  absl::string_view ShortString() { return Bytes(Byte()); }
  // A 2-byte length then that many bytes.
  absl::string_view String() { return Bytes(Uint(2)); }
  absl::string_view Bytes(size_t n) {
    n = n < data_.size() ? n : data_.size();
    absl::string_view out = data_.substr(0, n);
    data_.remove_prefix(n);
    return out;
  }
  // Everything left.
  absl::string_view Rest() { return Bytes(data_.size()); }

 private:
  absl::string_view data_;
};

// A small deterministic generator for harness choices derived from the
// input (e.g. chunk sizes): SplitMix64.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }

 private:
  uint64_t state_;
};

// FNV-1a of `data`: a seed that changes with every byte of the input.
inline uint64_t Fnv1a(absl::string_view data) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (char c : data) {
    h ^= static_cast<uint8_t>(c);
    h *= 0x100000001b3ull;
  }
  return h;
}

}  // namespace ctg::fuzz

#endif  // CTG_FUZZ_ENTRY_BYTE_READER_H_
