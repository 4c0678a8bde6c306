// Test support: a real etcd (/usr/bin/etcd, v2 API enabled) on loopback with
// its own free ports and a throwaway data directory, for integration and e2e
// tests; optionally serving clients over TLS with client-certificate auth and
// a throwaway PKI (test_pki.h). Not for production use.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "datastore/datastore.h"
#include "datastore/testing/test_pki.h"

namespace felix::datastore::testing {

struct EtcdServerOptions {
  // Serve clients on https:// with a fresh test PKI in the server's directory
  // (--cert-file, --key-file, --trusted-ca-file, --client-cert-auth): every
  // client must present a certificate signed by the test CA.
  bool tls = false;
};

// Owns one etcd process. The destructor stops it and deletes its directory.
// Not thread-safe.
class EtcdServer {
 public:
  // Starts etcd and waits (up to 20 s) until /health says true.
  static Result<std::unique_ptr<EtcdServer>> Start();
  static Result<std::unique_ptr<EtcdServer>> Start(const EtcdServerOptions& options);
  ~EtcdServer();
  EtcdServer(const EtcdServer&) = delete;
  EtcdServer& operator=(const EtcdServer&) = delete;

  // "http://127.0.0.1:<client port>" ("https://" with TLS).
  std::string endpoint() const;
  // Settings for a client of this server speaking `api`; with TLS, ca_file,
  // cert_file and key_file are the test CA and client certificate and key.
  EtcdSettings Settings(EtcdApi api) const;
  bool tls() const { return tls_; }
  // The test PKI's files (TLS only; all paths empty otherwise).
  const TestPki& pki() const { return pki_; }
  // SIGKILLs the process (data dir kept).
  void Kill();
  // Starts it again on the same ports and data dir and waits for health.
  Status Restart();
  // Runs etcdctl against this server with ETCDCTL_API=2 or 3 (and the test
  // CA and client certificate with TLS); its stdout, or an error with its
  // output when it exits non-zero.
  Result<std::string> Etcdctl(EtcdApi api, const std::vector<std::string>& args) const;

 private:
  EtcdServer() = default;
  Status Launch();

  std::string dir_;  // holds data/, etcd.log and (TLS) the PKI files
  bool tls_ = false;
  TestPki pki_;
  int client_port_ = 0;
  int peer_port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace felix::datastore::testing
