// Test support: a throwaway PKI for TLS tests, made with the `openssl` command
// (Debian package openssl): a CA, a server certificate for 127.0.0.1 and a
// client certificate signed by it, plus an unrelated second CA. Keys are
// unencrypted P-256; certificates are valid for two days. Not for production.
#pragma once

#include <string>

#include "base/status.h"

namespace felix::datastore::testing {

// Paths of the PEM files, all inside the directory given to MakeTestPki.
struct TestPki {
  std::string ca_cert;      // the CA that signed server and client
  std::string server_cert;  // CN and subjectAltName IP:127.0.0.1, serverAuth
  std::string server_key;
  std::string client_cert;  // CN felix-test-client, clientAuth
  std::string client_key;
  std::string other_ca_cert;  // a CA that signed nothing here (the "wrong CA")
};

// Writes the files into `dir` (which must exist). Errors carry openssl's output.
Result<TestPki> MakeTestPki(const std::string& dir);

}  // namespace felix::datastore::testing
