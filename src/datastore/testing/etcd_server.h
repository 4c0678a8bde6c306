// Test support: a real etcd (/usr/bin/etcd, v2 API enabled) on loopback with
// its own free ports and a throwaway data directory, for integration and e2e
// tests. Not for production use.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "datastore/datastore.h"

namespace felix::datastore::testing {

// Owns one etcd process. The destructor stops it and deletes its directory.
// Not thread-safe.
class EtcdServer {
 public:
  // Starts etcd and waits (up to 20 s) until /health says true.
  static Result<std::unique_ptr<EtcdServer>> Start();
  ~EtcdServer();
  EtcdServer(const EtcdServer&) = delete;
  EtcdServer& operator=(const EtcdServer&) = delete;

  // "http://127.0.0.1:<client port>".
  std::string endpoint() const;
  // Settings for a client of this server speaking `api`.
  EtcdSettings Settings(EtcdApi api) const;
  // SIGKILLs the process (data dir kept).
  void Kill();
  // Starts it again on the same ports and data dir and waits for health.
  Status Restart();
  // Runs etcdctl against this server with ETCDCTL_API=2 or 3; its stdout, or
  // an error with its output when it exits non-zero.
  Result<std::string> Etcdctl(EtcdApi api, const std::vector<std::string>& args) const;

 private:
  EtcdServer() = default;
  Status Launch();

  std::string dir_;  // holds data/ and etcd.log
  int client_port_ = 0;
  int peer_port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace felix::datastore::testing
