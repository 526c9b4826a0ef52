// mTLS channels to the gateway, one TLS connection per (client, worker), so
// that N workers are N concurrent connections as N real clients would be.
// With several gateways (replicas, "HOST:PORT,HOST:PORT"), worker i connects
// to the (i mod count)-th and set-up calls (negative workers) to the first.
//
// Thread-safe.
#ifndef CTG_BENCH_LOAD_CHANNELS_H_
#define CTG_BENCH_LOAD_CHANNELS_H_

#include <grpcpp/channel.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace ctg::load {

class Channels {
 public:
  // With a PKI: clients are DIR/clients/<name>.pem/.key and the CA DIR/ca.pem.
  static absl::StatusOr<std::unique_ptr<Channels>> FromPki(
      const std::string& gateway, const std::string& dir);
  // With one client certificate, known by the name "cert".
  static absl::StatusOr<std::unique_ptr<Channels>> FromFiles(
      const std::string& gateway, const std::string& ca,
      const std::string& cert, const std::string& key);

  // The channel of `client` for `worker` (created on first use; the same
  // afterwards). Errors: kNotFound when the client's files cannot be read.
  absl::StatusOr<std::shared_ptr<grpc::Channel>> Get(const std::string& client,
                                                     int worker)
      ABSL_LOCKS_EXCLUDED(mu_);

  bool HasClient(const std::string& client) const;
  const std::string& pki_dir() const { return pki_dir_; }

 private:
  Channels(const std::string& gateways, std::string pki_dir);
  const std::string& TargetOf(int worker) const;
  std::string CertPath(const std::string& client) const;
  std::string KeyPath(const std::string& client) const;

  std::vector<std::string> gateways_;  // at least one
  const std::string pki_dir_;          // empty with one certificate
  std::string ca_pem_;
  std::string single_cert_, single_key_;  // paths, with one certificate
  absl::Mutex mu_;
  std::map<std::pair<std::string, int>, std::shared_ptr<grpc::Channel>>
      channels_ ABSL_GUARDED_BY(mu_);
};

// Reads a whole file. Errors: kNotFound naming it.
absl::StatusOr<std::string> ReadFile(const std::string& path);

}  // namespace ctg::load

#endif  // CTG_BENCH_LOAD_CHANNELS_H_
