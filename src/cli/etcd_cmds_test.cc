// init, apply, get, ls and rm over an in-memory etcd: exact output, exit
// codes, the failsafe policy text, and apply's all-or-nothing validation.
#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "cli/commands.h"
#include "cli/mem_etcd_test_util.h"

namespace felix::cli {
namespace {

using testing_support::Data;
using testing_support::MemEtcd;
using testing_support::Out;

ApplyOptions ApplyFile(std::string file) {
  ApplyOptions o;
  o.file = std::move(file);
  return o;
}

class EtcdCmdsTest : public testing::Test {
 protected:
  std::shared_ptr<Data> data_ = std::make_shared<Data>();
  MemEtcd etcd_{data_};

  Out Apply(const std::string& text) {
    std::istringstream in(text);
    std::ostringstream out, err;
    const int code = cli::Apply(ApplyFile("-"), in, etcd_, out, err);
    return {code, out.str(), err.str()};
  }
  template <typename F>
  Out Capture(F f) {
    std::ostringstream out, err;
    const int code = f(out, err);
    return {code, out.str(), err.str()};
  }
};

const char kPolicyWithEtcd[] =
    R"j({"selector":"all()","order":0,"inbound_rules":[{"protocol":"tcp","src_net":"10.0.0.0/24",)j"
    R"("dst_ports":[22],"action":"allow"},{"protocol":"icmp","action":"allow"}],)"
    R"("outbound_rules":[{"protocol":"tcp","dst_net":"10.0.0.5/32","dst_ports":[2379,2380,4001,)"
    R"(7001],"action":"allow"},{"protocol":"udp","dst_ports":[67],"action":"allow"}]})";

struct PolicyCase {
  const char* description;
  std::string cidr, endpoint;
  std::string want;  // the value, or the error message
  bool ok = true;
};

const PolicyCase kPolicyCases[] = {
    {"the guide's policy with an etcd IP", "10.0.0.0/24", "10.0.0.5", kPolicyWithEtcd},
    {"no etcd endpoint: etcd ports to anywhere", "10.0.0.0/24", "",
     R"j({"selector":"all()","order":0,"inbound_rules":[{"protocol":"tcp","src_net":"10.0.0.0/24",)j"
     R"("dst_ports":[22],"action":"allow"},{"protocol":"icmp","action":"allow"}],)"
     R"("outbound_rules":[{"protocol":"tcp","dst_ports":[2379,2380,4001,7001],"action":"allow"},)"
     R"({"protocol":"udp","dst_ports":[67],"action":"allow"}]})"},
    {"etcd IP with ports, IPv6 management network", "fd00::/64", "192.168.1.1:2379,4001",
     R"j({"selector":"all()","order":0,"inbound_rules":[{"protocol":"tcp","src_net":"fd00::/64",)j"
     R"("dst_ports":[22],"action":"allow"},{"protocol":"icmp","action":"allow"}],)"
     R"("outbound_rules":[{"protocol":"tcp","dst_net":"192.168.1.1/32","dst_ports":[2379,4001],)"
     R"("action":"allow"},{"protocol":"udp","dst_ports":[67],"action":"allow"}]})"},
    {"bracketed IPv6 etcd with a port", "10.0.0.0/8", "[fd00::1]:2379",
     R"j({"selector":"all()","order":0,"inbound_rules":[{"protocol":"tcp","src_net":"10.0.0.0/8",)j"
     R"("dst_ports":[22],"action":"allow"},{"protocol":"icmp","action":"allow"}],)"
     R"("outbound_rules":[{"protocol":"tcp","dst_net":"fd00::1/128","dst_ports":[2379],)"
     R"("action":"allow"},{"protocol":"udp","dst_ports":[67],"action":"allow"}]})"},
    {"bad CIDR", "10.0.0.0/33", "", "invalid --management-cidr '10.0.0.0/33': not a CIDR", false},
    {"bad etcd IP", "10.0.0.0/8", "etcd.local",
     "invalid --etcd-endpoint 'etcd.local': not an IP "
     "address",
     false},
    {"bad etcd port", "10.0.0.0/8", "10.0.0.5:2379,0",
     "invalid --etcd-endpoint "
     "'10.0.0.5:2379,0': port '0' is not 1-65535",
     false},
    {"empty port list", "10.0.0.0/8", "10.0.0.5:",
     "invalid --etcd-endpoint '10.0.0.5:': port '' "
     "is not 1-65535",
     false},
};

class FailsafePolicyTest : public testing::TestWithParam<PolicyCase> {};

TEST_P(FailsafePolicyTest, BuildsTheGuidesPolicy) {
  const PolicyCase& c = GetParam();
  auto v = FailsafePolicyValue(c.cidr, c.endpoint);
  ASSERT_EQ(v.ok(), c.ok) << c.description << ": " << v.status().message();
  EXPECT_EQ(c.ok ? *v : v.status().message(), c.want) << c.description;
}

INSTANTIATE_TEST_SUITE_P(Cases, FailsafePolicyTest, testing::ValuesIn(kPolicyCases));

TEST_F(EtcdCmdsTest, InitSetsReady) {
  auto r = Capture([&](auto& o, auto& e) { return Init({}, etcd_, o, e); });
  EXPECT_EQ(r.code, kExitOk);
  EXPECT_EQ(r.out, "set /calico/v1/Ready true\n");
  EXPECT_EQ(*data_, (Data{{"/calico/v1/Ready", "true"}}));
}

TEST_F(EtcdCmdsTest, InitWritesFailsafePolicyThenReady) {
  auto r = Capture([&](auto& o, auto& e) {
    return Init({.management_cidr = "10.0.0.0/24", .etcd_endpoint = "10.0.0.5"}, etcd_, o, e);
  });
  EXPECT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(r.out, std::string("set ") + kFailsafePolicyKey + " " + kPolicyWithEtcd +
                       "\nset /calico/v1/Ready true\n");
  EXPECT_EQ(*data_, (Data{{"/calico/v1/Ready", "true"}, {kFailsafePolicyKey, kPolicyWithEtcd}}));
}

TEST_F(EtcdCmdsTest, InitErrorsWriteNothing) {
  auto bad = Capture([&](auto& o, auto& e) {
    return Init({.management_cidr = "x", .etcd_endpoint = ""}, etcd_, o, e);
  });
  EXPECT_EQ(bad.code, kExitUsage);
  EXPECT_EQ(bad.err, "felixctl: invalid --management-cidr 'x': not a CIDR\n");
  auto lone = Capture([&](auto& o, auto& e) {
    return Init({.management_cidr = "", .etcd_endpoint = "10.0.0.5"}, etcd_, o, e);
  });
  EXPECT_EQ(lone.code, kExitUsage);
  EXPECT_EQ(lone.err, "felixctl: --etcd-endpoint needs --management-cidr\n");
  etcd_.fail_set_on = "/calico/v1/Ready";
  auto down = Capture([&](auto& o, auto& e) { return Init({}, etcd_, o, e); });
  EXPECT_EQ(down.code, kExitUsage);
  EXPECT_EQ(down.err, "felixctl: cannot set /calico/v1/Ready: etcd is down\n");
  EXPECT_TRUE(data_->empty());
}

const char kValidDocs[] =
    "key: /calico/v1/host/h1/endpoint/eth0\n"
    "value: {name: eth0, labels: {role: web}}\n"
    "---\n"
    "key: /calico/v1/policy/tier/default/policy/web\n"
    "value:\n  selector: role == 'web'\n  order: 10\n"
    "  inbound_rules: [{protocol: tcp, dst_ports: [80], action: allow}]\n"
    "---\n"
    "key: /calico/v1/config/FailsafeInboundHostPorts\n"
    "value: \"\"\n"
    "---\n"
    "key: /calico/v1/Ready\n"
    "value: true\n";

TEST_F(EtcdCmdsTest, ApplyWritesEveryDocumentInOrder) {
  auto r = Apply(kValidDocs);
  EXPECT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(r.out,
            "set /calico/v1/host/h1/endpoint/eth0\n"
            "set /calico/v1/policy/tier/default/policy/web\n"
            "set /calico/v1/config/FailsafeInboundHostPorts\n"
            "set /calico/v1/Ready\n");
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(*data_,
            (Data{
                {"/calico/v1/Ready", "true"},
                {"/calico/v1/config/FailsafeInboundHostPorts", ""},
                {"/calico/v1/host/h1/endpoint/eth0", R"({"labels":{"role":"web"},"name":"eth0"})"},
                {"/calico/v1/policy/tier/default/policy/web",
                 R"({"inbound_rules":[{"action":"allow","dst_ports":[80],"protocol":"tcp"}],)"
                 R"("order":10,"selector":"role == 'web'"})"},
            }));
}

struct InvalidCase {
  const char* description;
  std::string extra_doc;  // appended to kValidDocs
  std::string err;
};

const InvalidCase kInvalidCases[] = {
    {"the guide's invalid host endpoint (labels only)",
     "---\nkey: /calico/v1/host/h2/endpoint/bad\nvalue: {labels: {role: x}}\n",
     "felixctl: /calico/v1/host/h2/endpoint/bad: 'name' or 'expected_ipvX_addrs' must be present.\n"
     "felixctl: 1 of 5 documents invalid; nothing written\n"},
    {"a key Felix does not read", "---\nkey: /calico/v2/thing\nvalue: x\n",
     "felixctl: /calico/v2/thing: not a /calico/v1 key that Felix reads\n"
     "felixctl: 1 of 5 documents invalid; nothing written\n"},
    {"a rule without protocol (whole policy invalid)",
     "---\nkey: /calico/v1/policy/tier/default/policy/p\n"
     "value: {selector: all(), inbound_rules: [{dst_ports: [80], action: allow}]}\n",
     "felixctl: /calico/v1/policy/tier/default/policy/p: dst_ports is not allowed for protocol "
     "None in rule {'action': 'allow', 'dst_ports': [80]}\n"
     "felixctl: 1 of 5 documents invalid; nothing written\n"},
};

class ApplyInvalidTest : public EtcdCmdsTest, public testing::WithParamInterface<InvalidCase> {};

TEST_P(ApplyInvalidTest, WritesNothing) {
  const InvalidCase& c = GetParam();
  auto r = Apply(kValidDocs + c.extra_doc);
  EXPECT_EQ(r.code, kExitInvalid) << c.description;
  EXPECT_EQ(r.out, "") << c.description;
  EXPECT_EQ(r.err, c.err) << c.description;
  EXPECT_TRUE(data_->empty()) << c.description;
}

INSTANTIATE_TEST_SUITE_P(Cases, ApplyInvalidTest, testing::ValuesIn(kInvalidCases));

TEST_F(EtcdCmdsTest, ApplyInputErrorsExitTwo) {
  auto parse = Apply("[{\"key\": \"/calico/v1/Ready\"}]");
  EXPECT_EQ(parse.code, kExitUsage);
  EXPECT_EQ(parse.err, "felixctl: <stdin>: document 1: missing \"value\"\n");
  std::istringstream in;
  std::ostringstream out, err;
  EXPECT_EQ(cli::Apply(ApplyFile("/nonexistent/x.yaml"), in, etcd_, out, err), kExitUsage);
  EXPECT_EQ(err.str(), "felixctl: cannot read /nonexistent/x.yaml\n");
  EXPECT_TRUE(data_->empty());
}

TEST_F(EtcdCmdsTest, AFailedWriteWritesNothing) {
  etcd_.fail_set_on = "/calico/v1/config/FailsafeInboundHostPorts";
  auto r = Apply(kValidDocs);
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "felixctl: apply failed: etcd is down; nothing written\n");
  EXPECT_TRUE(data_->empty());
}

TEST_F(EtcdCmdsTest, ApplyChecksConfigValuesWithTheAgentsParsers) {
  auto r = Apply(std::string(kValidDocs) +
                 "---\nkey: /calico/v1/config/ReportingIntervalSecs\nvalue: thirty\n");
  EXPECT_EQ(r.code, kExitInvalid);
  EXPECT_EQ(r.err,
            "felixctl: /calico/v1/config/ReportingIntervalSecs: Invalid value for "
            "ReportingIntervalSecs: 'thirty': not an integer\n"
            "felixctl: 1 of 5 documents invalid; nothing written\n");
  EXPECT_TRUE(data_->empty());
}

TEST_F(EtcdCmdsTest, GetLsRm) {
  *data_ = {{"/calico/v1/Ready", "true"},
            {"/calico/v1/host/h1/endpoint/a", "{}"},
            {"/calico/v1/host/h1/endpoint/b", "{\"x\":1}"},
            {"/other", "o"}};
  auto get = Capture([&](auto& o, auto& e) { return Get("/calico/v1/Ready", etcd_, o, e); });
  EXPECT_EQ(get.code, kExitOk);
  EXPECT_EQ(get.out, "true\n");
  auto missing = Capture([&](auto& o, auto& e) { return Get("/calico/v1/nope", etcd_, o, e); });
  EXPECT_EQ(missing.code, kExitUsage);
  EXPECT_EQ(missing.err, "felixctl: /calico/v1/nope not found\n");

  auto ls = Capture([&](auto& o, auto& e) { return Ls({}, etcd_, o, e); });
  EXPECT_EQ(ls.out,
            "/calico/v1/Ready\n/calico/v1/host/h1/endpoint/a\n/calico/v1/host/h1/endpoint/b\n");
  auto ls_l = Capture([&](auto& o, auto& e) {
    return Ls(LsOptions{"/calico/v1/host", true}, etcd_, o, e);
  });
  EXPECT_EQ(ls_l.out,
            "/calico/v1/host/h1/endpoint/a {}\n/calico/v1/host/h1/endpoint/b {\"x\":1}\n");

  auto rm =
      Capture([&](auto& o, auto& e) { return Rm("/calico/v1/host", true, false, etcd_, o, e); });
  EXPECT_EQ(rm.code, kExitOk);
  EXPECT_EQ(rm.out, "deleted /calico/v1/host\n");
  EXPECT_EQ(*data_, (Data{{"/calico/v1/Ready", "true"}, {"/other", "o"}}));
  auto rm_missing = Capture([&](auto& o, auto& e) { return Rm("/x", false, false, etcd_, o, e); });
  EXPECT_EQ(rm_missing.code, kExitUsage);
  EXPECT_EQ(rm_missing.err, "felixctl: /x not found\n");
}

// `rm -r /` used to delete every key in etcd, Calico's or not.
TEST_F(EtcdCmdsTest, RecursiveRmOutsideCalicoNeedsForce) {
  *data_ = {{"/calico/v1/Ready", "true"}, {"/other/a", "o"}, {"/calicox/b", "x"}};
  for (const char* key : {"/", "/other", "/calicox"}) {
    auto rm = Capture([&](auto& o, auto& e) { return Rm(key, true, false, etcd_, o, e); });
    EXPECT_EQ(rm.code, kExitUsage) << key;
    EXPECT_EQ(rm.err, std::string("felixctl: refusing to delete everything below ") + key +
                          ": it is outside /calico/ (use --force if you mean it)\n");
  }
  EXPECT_EQ(data_->size(), 3u);
  auto forced = Capture([&](auto& o, auto& e) { return Rm("/other", true, true, etcd_, o, e); });
  EXPECT_EQ(forced.code, kExitOk);
  EXPECT_EQ(*data_, (Data{{"/calico/v1/Ready", "true"}, {"/calicox/b", "x"}}));
}

TEST_F(EtcdCmdsTest, StatusShowsReportingAndExpiredHosts) {
  const auto now = std::chrono::system_clock::from_time_t(1464697000);  // 2016-05-31T12:16:40Z
  *data_ = {
      {"/calico/felix/v1/host/h1/last_reported_status",
       R"({"time": "2016-05-31T12:16:21Z", "uptime": 3700.5, "first_update": false})"},
      {"/calico/felix/v1/host/h1/status",
       R"({"time": "2016-05-31T12:16:21Z", "uptime": 3700.5, "first_update": false})"},
      {"/calico/felix/v1/host/h2/last_reported_status",
       R"({"time": "2016-05-31T06:16:40Z", "uptime": 30, "first_update": true})"},
      {"/calico/felix/v1/host/h2/endpoint/eth0", R"({"status": "up"})"},
  };
  auto r = Capture([&](auto& o, auto& e) { return HostsStatus(etcd_, now, o, e); });
  EXPECT_EQ(r.code, kExitInvalid) << "h2 expired";
  EXPECT_EQ(r.out,
            "HOST                     LAST REPORT               AGE   UPTIME  STATE\n"
            "h1                       2016-05-31T12:16:21Z      19s     1h1m  reporting\n"
            "h2                       2016-05-31T06:16:40Z     6h0m      30s  EXPIRED (no report "
            "within ReportingTTLSecs)\n");
  data_->clear();
  auto none = Capture([&](auto& o, auto& e) { return HostsStatus(etcd_, now, o, e); });
  EXPECT_EQ(none.code, kExitOk);
}

}  // namespace
}  // namespace felix::cli
