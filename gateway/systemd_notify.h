// Readiness notifications for systemd (a Type=notify service unit): the
// gateway says READY=1 once it listens, RELOADING=1 then READY=1 around a
// SIGHUP reload, STOPPING=1 when it shuts down.
//
// A no-op when the process was not started by systemd (no NOTIFY_SOCKET)
// or the build had no libsystemd. Thread-safe; never fails the caller.
#ifndef CTG_GATEWAY_SYSTEMD_NOTIFY_H_
#define CTG_GATEWAY_SYSTEMD_NOTIFY_H_

#include <string>

namespace ctg::gateway {

// Sends `state` (newline-separated assignments, e.g. "READY=1\nSTATUS=...").
void NotifySystemd(const std::string& state);

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_SYSTEMD_NOTIFY_H_
