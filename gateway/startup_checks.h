// Checks the gateway makes before it serves: the listen address, the
// reason a listening port could not be bound, and the modes of the private
// key files. Each error is one line naming the config key and what to do.
//
// Thread-safe (no shared state).
#ifndef CTG_GATEWAY_STARTUP_CHECKS_H_
#define CTG_GATEWAY_STARTUP_CHECKS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace ctg::gateway {

// "host:port" with a numeric port from 0 to 65535; the host may be an IPv6
// literal in []. Errors: kInvalidArgument naming the listen value.
absl::Status CheckListenAddress(const std::string& listen);

// Why `listen` could not be bound, for the error the gateway exits with:
// kFailedPrecondition "port N is already in use" when another process
// listens there (the gateway never shares a port: SO_REUSEPORT is off),
// otherwise kInvalidArgument "cannot listen on this address" with the
// system's reason when known.
absl::Status ExplainListenFailure(const std::string& listen);

// A private key file (`key` is its config key, e.g. "tls.key") must not be
// readable or writable by group or others. Errors: kFailedPrecondition
// naming the file, its mode and the fix (chmod 600 FILE). A file that cannot
// be examined is left to the reader's error.
absl::Status CheckPrivateKeyFile(const std::string& path,
                                 absl::string_view key);

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_STARTUP_CHECKS_H_
