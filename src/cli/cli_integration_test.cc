// felixctl against a real etcd started on loopback, over both etcd APIs:
// init, apply (all or nothing), get/ls/rm round trips, and interop with
// etcdctl in both directions. The command table runs in process with the
// real etcd client; the settings come from --etcd-endpoints / --etcd-api.
#include <gtest/gtest.h>

#include <sstream>

#include "cli/cli.h"
#include "cli/commands.h"
#include "datastore/datastore.h"
#include "datastore/testing/etcd_server.h"

namespace felix::cli {
namespace {

using datastore::EtcdApi;
using datastore::testing::EtcdServer;

struct Out {
  int code;
  std::string out, err;
};

class FelixctlEtcdTest : public testing::TestWithParam<EtcdApi> {
 protected:
  static void SetUpTestSuite() {
    auto s = EtcdServer::Start();
    ASSERT_TRUE(s.ok()) << s.status().message();
    server_ = std::move(s).value().release();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(server_, nullptr);
    Felixctl({"rm", "-r", "/calico"});  // a clean slate; "not found" is fine
  }

  // felixctl <args> --etcd-endpoints <server> --etcd-api <api>, in process.
  Out Felixctl(std::vector<std::string> args, const std::string& stdin_text = "",
               std::string endpoint = "") {
    if (endpoint.empty()) endpoint = server_->endpoint();
    const std::string api = GetParam() == EtcdApi::kV2 ? "v2" : "v3";
    std::vector<std::string> all = {"felixctl"};
    all.insert(all.end(), args.begin(), args.end());
    for (const std::string& a :
         {std::string("-c"), std::string("/nonexistent/felix.cfg"), std::string("--etcd-endpoints"),
          endpoint, std::string("--etcd-api"), api}) {
      all.push_back(a);
    }
    std::vector<const char*> argv;
    for (const auto& a : all) argv.push_back(a.c_str());
    std::istringstream in(stdin_text);
    std::ostringstream out, err;
    const int code = RunFelixctl(static_cast<int>(argv.size()), argv.data(), in, out, err);
    return {code, out.str(), err.str()};
  }
  // etcdctl's view of one key ("" and an error if missing).
  Result<std::string> EtcdctlGet(const std::string& key) {
    if (GetParam() == EtcdApi::kV2) return server_->Etcdctl(EtcdApi::kV2, {"get", key});
    return server_->Etcdctl(EtcdApi::kV3, {"get", "--print-value-only", key});
  }
  Status EtcdctlSet(const std::string& key, const std::string& value) {
    auto r = GetParam() == EtcdApi::kV2 ? server_->Etcdctl(EtcdApi::kV2, {"set", key, value})
                                        : server_->Etcdctl(EtcdApi::kV3, {"put", key, value});
    return r.status();
  }

  static EtcdServer* server_;
};

EtcdServer* FelixctlEtcdTest::server_ = nullptr;

const char kDocs[] =
    "key: /calico/v1/host/h1/endpoint/eth0\n"
    "value: {name: eth0, labels: {role: web}}\n"
    "---\n"
    "key: /calico/v1/config/FailsafeInboundHostPorts\n"
    "value: \"\"\n"
    "---\n"
    "key: /calico/v1/Ready\n"
    "value: true\n";

TEST_P(FelixctlEtcdTest, InitSetsReadyAndTheFailsafePolicy) {
  auto r = Felixctl({"init", "--management-cidr", "10.0.0.0/24", "--etcd-endpoint", "10.0.0.5"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto policy = FailsafePolicyValue("10.0.0.0/24", "10.0.0.5");
  ASSERT_TRUE(policy.ok());
  EXPECT_EQ(r.out, std::string("set ") + kFailsafePolicyKey + " " + *policy +
                       "\nset /calico/v1/Ready true\n");
  EXPECT_EQ(EtcdctlGet("/calico/v1/Ready").value(), "true\n");
  EXPECT_EQ(EtcdctlGet(kFailsafePolicyKey).value(), *policy + "\n");
  EXPECT_EQ(Felixctl({"get", kFailsafePolicyKey}).out, *policy + "\n");
}

TEST_P(FelixctlEtcdTest, ApplyWritesEveryDocument) {
  auto r = Felixctl({"apply", "-f", "-"}, kDocs);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out,
            "set /calico/v1/host/h1/endpoint/eth0\n"
            "set /calico/v1/config/FailsafeInboundHostPorts\n"
            "set /calico/v1/Ready\n");
  EXPECT_EQ(Felixctl({"ls", "-l"}).out,
            "/calico/v1/Ready true\n"
            "/calico/v1/config/FailsafeInboundHostPorts \n"
            "/calico/v1/host/h1/endpoint/eth0 {\"labels\":{\"role\":\"web\"},\"name\":\"eth0\"}\n");
}

TEST_P(FelixctlEtcdTest, ApplyWithOneInvalidDocumentWritesNothing) {
  auto r = Felixctl({"apply", "-f", "-"}, std::string(kDocs) +
                                              "---\nkey: /calico/v1/host/h1/endpoint/bad\n"
                                              "value: {labels: {role: x}}\n");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            "felixctl: /calico/v1/host/h1/endpoint/bad: 'name' or 'expected_ipvX_addrs' must be "
            "present.\nfelixctl: 1 of 4 documents invalid; nothing written\n");
  auto ls = Felixctl({"ls"});
  EXPECT_EQ(ls.code, 0) << ls.err;
  EXPECT_EQ(ls.out, "");
}

// A write that fails part-way leaves nothing of the change: on v2 the keys
// written before it are put back (here the third key is a directory, which
// etcd v2 refuses to overwrite); on v3 the writes are one transaction.
TEST_P(FelixctlEtcdTest, ApplyFailingPartWayLeavesNoHalfChange) {
  ASSERT_TRUE(EtcdctlSet("/calico/v1/host/h1/endpoint/eth0", R"({"name": "eth0"})").ok());
  if (GetParam() == EtcdApi::kV2) {
    ASSERT_TRUE(EtcdctlSet("/calico/v1/host/h1/endpoint/dir/inside", "x").ok());
    auto r = Felixctl({"apply", "-f", "-"},
                      "key: /calico/v1/policy/tier/default/policy/allow\n"
                      "value: {selector: all(), inbound_rules: [{action: allow}]}\n"
                      "---\nkey: /calico/v1/host/h1/endpoint/eth0\nvalue: {name: eth1}\n"
                      "---\nkey: /calico/v1/host/h1/endpoint/dir\nvalue: {name: eth2}\n");
    EXPECT_EQ(r.code, 2);
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("apply failed: cannot set /calico/v1/host/h1/endpoint/dir"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("the 2 key(s) written before were put back"), std::string::npos) << r.err;
    EXPECT_FALSE(EtcdctlGet("/calico/v1/policy/tier/default/policy/allow").ok()) << "new key gone";
    EXPECT_EQ(EtcdctlGet("/calico/v1/host/h1/endpoint/eth0").value(), "{\"name\": \"eth0\"}\n");
  } else {
    std::string docs;
    for (size_t i = 0; i <= datastore::kMaxTxnWrites; ++i) {
      docs +=
          "---\nkey: /calico/v1/host/h1/endpoint/e" + std::to_string(i) + "\nvalue: {name: eth0}\n";
    }
    auto r = Felixctl({"apply", "-f", "-"}, docs);
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("do not fit one etcd transaction"), std::string::npos) << r.err;
    EXPECT_EQ(Felixctl({"ls", "/calico/v1/host"}).out, "/calico/v1/host/h1/endpoint/eth0\n");
    docs.clear();
    for (size_t i = 0; i < datastore::kMaxTxnWrites; ++i) {
      docs +=
          "---\nkey: /calico/v1/host/h1/endpoint/e" + std::to_string(i) + "\nvalue: {name: eth0}\n";
    }
    EXPECT_EQ(Felixctl({"apply", "-f", "-"}, docs).code, 0) << "128 writes: one transaction";
  }
}

TEST_P(FelixctlEtcdTest, GetLsRmRoundTrip) {
  ASSERT_EQ(Felixctl({"apply", "-f", "-"}, kDocs).code, 0);
  EXPECT_EQ(Felixctl({"get", "/calico/v1/Ready"}).out, "true\n");
  EXPECT_EQ(Felixctl({"ls", "/calico/v1/host"}).out, "/calico/v1/host/h1/endpoint/eth0\n");

  auto rm = Felixctl({"rm", "/calico/v1/Ready"});
  EXPECT_EQ(rm.code, 0) << rm.err;
  EXPECT_EQ(rm.out, "deleted /calico/v1/Ready\n");
  auto gone = Felixctl({"get", "/calico/v1/Ready"});
  EXPECT_EQ(gone.code, 2);
  EXPECT_EQ(gone.err, "felixctl: /calico/v1/Ready not found\n");
  auto again = Felixctl({"rm", "/calico/v1/Ready"});
  EXPECT_EQ(again.code, 2);
  EXPECT_EQ(again.err, "felixctl: /calico/v1/Ready not found\n");

  EXPECT_EQ(Felixctl({"rm", "-r", "/calico/v1/host"}).code, 0);
  EXPECT_EQ(Felixctl({"ls"}).out, "/calico/v1/config/FailsafeInboundHostPorts\n");
}

TEST_P(FelixctlEtcdTest, InteroperatesWithEtcdctl) {
  ASSERT_TRUE(EtcdctlSet("/calico/v1/config/LogSeverityFile", "DEBUG").ok());
  auto get = Felixctl({"get", "/calico/v1/config/LogSeverityFile"});
  EXPECT_EQ(get.code, 0) << get.err;
  EXPECT_EQ(get.out, "DEBUG\n");

  ASSERT_EQ(Felixctl({"apply", "-f", "-"}, kDocs).code, 0);
  EXPECT_EQ(EtcdctlGet("/calico/v1/host/h1/endpoint/eth0").value(),
            "{\"labels\":{\"role\":\"web\"},\"name\":\"eth0\"}\n");
}

TEST_P(FelixctlEtcdTest, EtcdDownIsAnError) {
  // Nothing listens on port 1.
  auto r = Felixctl({"get", "/calico/v1/Ready"}, "", "http://127.0.0.1:1");
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(r.err.starts_with("felixctl: cannot get /calico/v1/Ready: ")) << r.err;
}

INSTANTIATE_TEST_SUITE_P(Apis, FelixctlEtcdTest, testing::Values(EtcdApi::kV2, EtcdApi::kV3),
                         [](const auto& info) { return info.param == EtcdApi::kV2 ? "v2" : "v3"; });

}  // namespace
}  // namespace felix::cli
