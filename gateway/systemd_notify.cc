#include "gateway/systemd_notify.h"

#ifdef CTG_HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

namespace ctg::gateway {

void NotifySystemd(const std::string& state) {
#ifdef CTG_HAVE_LIBSYSTEMD
  // Returns 0 without NOTIFY_SOCKET; a failure to notify is not the
  // gateway's failure (systemd then times the start out and says so).
  sd_notify(/*unset_environment=*/0, state.c_str());
#else
  (void)state;
#endif
}

}  // namespace ctg::gateway
