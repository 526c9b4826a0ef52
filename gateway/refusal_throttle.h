// Bounds what refusals of callers without an accepted identity write to
// the audit trail (R9: every refusal is accounted for, but a flood of bad
// handshakes or forged certificates must not flood the trail).
//
// Refusals are grouped by key: (peer host, reason, certificate SHA-256).
// Time is cut into fixed windows (multiples of `window` since the Unix
// epoch). In each window:
//   - the first refusal of a key is recorded at once, as its own event;
//   - the key's later refusals are only counted, and folded into one
//     summary event when the window ends (nothing if there were none);
//   - once `max_keys` distinct keys have been seen, refusals of further
//     keys are all folded into one overflow summary (no event at once).
// So a window produces at most `max_keys` events at once and at most
// `max_keys + 1` summaries after it: at most 2 * max_keys + 1 events per
// window, whatever the rate of refusals.
//
// The caller gives the time (no clock is read here) and appends the events.
// Thread-safe.
#ifndef CTG_GATEWAY_REFUSAL_THROTTLE_H_
#define CTG_GATEWAY_REFUSAL_THROTTLE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "base/mutex.h"

namespace ctg::gateway {

class RefusalThrottle {
 public:
  struct Options {
    absl::Duration window = absl::Minutes(1);
    size_t max_keys = 100;  // keys recorded individually per window (>= 1)
  };

  struct Key {
    std::string peer;         // the peer's host (no port); empty if unknown
    std::string reason;       // the refusal's message
    std::string cert_sha256;  // empty without a certificate

    friend bool operator==(const Key&, const Key&) = default;
    template <typename H>
    friend H AbslHashValue(H h, const Key& k) {
      return H::combine(std::move(h), k.peer, k.reason, k.cert_sha256);
    }
  };

  // The refusals of one key (or of the overflow) folded in one window.
  struct Summary {
    bool overflow = false;  // true: all keys beyond max_keys (key is empty)
    Key key;
    int code = 0;       // the status code of the key's first refusal
    std::string claim;  // the identity the first refusal's certificate claimed
    absl::Time window_start, window_end;
    uint64_t folded = 0;  // refusals counted, not recorded one by one
    std::vector<std::string> methods;  // distinct methods, at most kMaxMethods
    bool more_methods = false;         // methods beyond kMaxMethods were seen
  };
  static constexpr size_t kMaxMethods = 8;

  // A window <= 0 is taken as one minute, max_keys 0 as 1.
  explicit RefusalThrottle(Options options);
  RefusalThrottle(const RefusalThrottle&) = delete;
  RefusalThrottle& operator=(const RefusalThrottle&) = delete;

  // One refusal at `now`. True: record it now (the first of its key in the
  // window). False: it is counted in a summary to come.
  bool Offer(const Key& key, absl::string_view method, int code,
             absl::string_view claim, absl::Time now) ABSL_LOCKS_EXCLUDED(mu_);

  // The summaries of the windows that ended at or before `now`.
  std::vector<Summary> TakeEnded(absl::Time now) ABSL_LOCKS_EXCLUDED(mu_);
  // Every summary still pending, the current window's included (shutdown).
  std::vector<Summary> TakeAll() ABSL_LOCKS_EXCLUDED(mu_);

  // The end of the window containing `now`.
  absl::Time WindowEnd(absl::Time now) const;

 private:
  void Roll(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Close() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  static void AddMethod(Summary& summary, absl::string_view method);

  const Options options_;
  Mutex mu_;
  absl::Time window_start_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  absl::flat_hash_map<Key, Summary> keys_ ABSL_GUARDED_BY(mu_);
  Summary overflow_ ABSL_GUARDED_BY(mu_);
  std::vector<Summary> ended_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_REFUSAL_THROTTLE_H_
