// The assembled gateway: database, audit log, TLS credentials, services,
// health and reflection, on one mTLS listening port (no plaintext port).
//
// Thread-safe: Shutdown() may be called from any thread (e.g. a signal
// handler thread) while Wait() blocks in another.
#ifndef CTG_GATEWAY_SERVER_H_
#define CTG_GATEWAY_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "gateway/config.h"

namespace ctg::gateway {

class Server {
 public:
  // Checks every file the config names (readable, well-formed, key matching
  // its certificate, CRL signed by the CA, private keys not accessible to
  // group or others), opens the database, rebuilds the audit tree and starts
  // listening (never on a port another process holds: SO_REUSEPORT is off).
  // Errors (one line naming the file or config key): kInvalidArgument for
  // bad files or an unusable listen address, kFailedPrecondition for a key
  // file's mode or a port already in use, kUnavailable /
  // kFailedPrecondition / kDataLoss from the store.
  //
  // Once started, failures off the request path (trust reloads, a CRL past
  // its nextUpdate, audit checkpoints) are logged on stderr with their cause
  // and kept in a HealthState; the health service answers NOT_SERVING until
  // every failing component works again.
  static absl::StatusOr<std::unique_ptr<Server>> Start(const Config& config);
  ~Server();

  // "127.0.0.1:PORT": the address actually bound (useful with port 0).
  const std::string& address() const;
  // "127.0.0.1:PORT" of the metrics listener; empty without one.
  const std::string& metrics_address() const;
  // "127.0.0.1:PORT" of the web console's HTTPS listener; empty without one.
  const std::string& web_address() const;

  // Stops accepting calls, lets running calls finish (up to a deadline),
  // writes a final checkpoint (a failure is logged) and closes the database.
  void Shutdown();
  // Blocks until Shutdown() completes.
  void Wait();

  // Re-reads the CA bundle and the CRL now (also done periodically). Errors
  // leave the previous material in place and are reported to health
  // ("trust-reload") until a reload succeeds.
  absl::Status ReloadTrust();

  struct Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ctg::gateway

#endif  // CTG_GATEWAY_SERVER_H_
