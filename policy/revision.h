// Revisions of the statistical base (R7): whether importing a period may
// replace the base already stored for it.
//
// Every figure released to a commune stays known to it. A second base for
// the same period, released again, would let the commune read by difference
// any change between the two versions: a household moving from one family
// type to another (isolated 90 -> 91, couples with children 80 -> 79) is a
// figure concerning fewer than five allocataires. The gateway therefore
// refuses revisions: once any extract of a period was released to anyone,
// that period's base is final. A period never released may be re-imported
// freely (a correction before anything left the gateway), and so may a
// released one with exactly the same content (nothing to read by difference).
//
// Pure; thread-safe.
#ifndef CTG_POLICY_REVISION_H_
#define CTG_POLICY_REVISION_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"

namespace ctg::policy {

// What the store knows about the period being imported.
struct PeriodFacts {
  std::string period;    // "2023" or "2023-06"
  int64_t releases = 0;  // extracts released from any stored version of it
  int64_t communes = 0;  // distinct communes they went to
  // The stored base has exactly the content being imported (same digest).
  bool same_content = false;
};

// R7: OK when the import may proceed (a new period, a stored period from
// which nothing was released, or the same content again). Errors:
// kFailedPrecondition naming the period, its releases and what the Caf can
// do instead.
absl::Status CheckNotARevision(const PeriodFacts& facts);

}  // namespace ctg::policy

#endif  // CTG_POLICY_REVISION_H_
