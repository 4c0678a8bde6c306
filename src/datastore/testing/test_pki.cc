// Generates the test PKI by running /usr/bin/openssl: `req -x509` for each CA,
// `req` + `x509 -req` with an extension file for each leaf certificate.
#include "datastore/testing/test_pki.h"

#include <fstream>
#include <vector>

#include "datastore/testing/subprocess.h"

namespace felix::datastore::testing {
namespace {

constexpr char kOpenssl[] = "/usr/bin/openssl";

Status Openssl(std::vector<std::string> args) {
  args.insert(args.begin(), kOpenssl);
  auto out = RunProgram(args, EnvironmentWithout("OPENSSL_"));
  return out.ok() ? Status::Ok() : out.status();
}

std::vector<std::string> NewKeyArgs() {
  return {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"};
}

Status MakeCa(const std::string& base, const std::string& name) {
  std::vector<std::string> args = {"req", "-x509"};
  for (auto& a : NewKeyArgs()) args.push_back(a);
  args.insert(args.end(), {"-keyout", base + ".key", "-out", base + ".pem", "-days", "2", "-subj",
                           "/CN=" + name, "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
                           "keyUsage=critical,keyCertSign,cRLSign"});
  return Openssl(args);
}

// A leaf certificate `base`.pem/.key signed by the CA at `ca`.pem/.key.
Status MakeLeaf(const std::string& base, const std::string& ca, const std::string& cn,
                const std::string& extensions, const std::string& serial) {
  {
    std::ofstream ext(base + ".ext");
    ext << extensions;
    if (!ext) return Status::IoError("cannot write " + base + ".ext");
  }
  std::vector<std::string> req = {"req"};
  for (auto& a : NewKeyArgs()) req.push_back(a);
  req.insert(req.end(), {"-keyout", base + ".key", "-out", base + ".csr", "-subj", "/CN=" + cn});
  if (Status s = Openssl(req); !s.ok()) return s;
  return Openssl({"x509", "-req", "-in", base + ".csr", "-CA", ca + ".pem", "-CAkey", ca + ".key",
                  "-set_serial", serial, "-days", "2", "-extfile", base + ".ext", "-out",
                  base + ".pem"});
}

}  // namespace

Result<TestPki> MakeTestPki(const std::string& dir) {
  const std::string ca = dir + "/ca", other = dir + "/other-ca";
  const std::string server = dir + "/server", client = dir + "/client";
  if (Status s = MakeCa(ca, "felix test CA"); !s.ok()) return s;
  if (Status s = MakeCa(other, "felix other test CA"); !s.ok()) return s;
  if (Status s = MakeLeaf(server, ca, "127.0.0.1",
                          "basicConstraints=CA:FALSE\nsubjectAltName=IP:127.0.0.1\n"
                          "extendedKeyUsage=serverAuth,clientAuth\n",
                          "1");
      !s.ok()) {
    return s;
  }
  if (Status s = MakeLeaf(client, ca, "felix-test-client",
                          "basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n", "2");
      !s.ok()) {
    return s;
  }
  TestPki pki;
  pki.ca_cert = ca + ".pem";
  pki.server_cert = server + ".pem";
  pki.server_key = server + ".key";
  pki.client_cert = client + ".pem";
  pki.client_key = client + ".key";
  pki.other_ca_cert = other + ".pem";
  return pki;
}

}  // namespace felix::datastore::testing
