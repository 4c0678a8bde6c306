// felixctl trace and explain through the real command table, over an
// in-memory etcd holding the guide's kind of host: a host endpoint with a
// profile, a tier of policies, a selector naming another host's endpoint.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/cli.h"
#include "cli/mem_etcd_test_util.h"

namespace felix::cli {
namespace {

using testing_support::Data;
using testing_support::MemEtcd;
using testing_support::Out;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

class InspectTest : public testing::Test {
 protected:
  InspectTest() {
    Data& d = *data_;
    d["/calico/v1/Ready"] = "true";
    d["/calico/v1/host/host1/endpoint/eth0"] =
        R"({"name": "eth0", "profile_ids": ["prof"], "labels": {"role": "web"}})";
    d["/calico/v1/host/host2/endpoint/eth0"] =
        R"({"name": "eth0", "expected_ipv4_addrs": ["10.0.0.5"], "labels": {"role": "db"}})";
    d["/calico/v1/policy/profile/prof/rules"] =
        R"({"inbound_rules": [{"protocol": "tcp", "dst_ports": [80], "action": "allow"}],
            "outbound_rules": [{"action": "allow"}]})";
    d["/calico/v1/policy/tier/default/metadata"] = R"({"order": 10})";
    d["/calico/v1/policy/tier/default/policy/db"] =
        R"({"selector": "role == 'web'", "order": 5, "inbound_rules": [
             {"protocol": "tcp", "dst_ports": [5432], "src_selector": "role == 'db'",
              "action": "allow"},
             {"protocol": "tcp", "dst_ports": [8080], "action": "deny"},
             {"action": "next-tier"}]})";
  }
  Out Felixctl(std::vector<const char*> args) {
    args.insert(args.begin(), "felixctl");
    args.insert(args.begin() + 2, {"-c", "/nonexistent/felix.cfg", "--host", "host1"});
    std::istringstream in;
    std::ostringstream out, err;
    const int code = RunFelixctl(
        static_cast<int>(args.size()), args.data(), in, out, err,
        [&](const datastore::EtcdSettings&) { return std::make_unique<MemEtcd>(data_); });
    return {code, out.str(), err.str()};
  }
  Out TraceIn(const char* proto, const char* src, const char* dport) {
    return Felixctl({"trace", "--iface", "eth0", "--proto", proto, "--src", src, "--dst",
                     "10.0.0.1", "--dport", dport});
  }
  std::shared_ptr<Data> data_ = std::make_shared<Data>();
};

TEST_F(InspectTest, TraceFirstLineIsTheVerdictAndTheLastWhatDecidedIt) {
  Out r = TraceIn("tcp", "10.0.0.9", "22");
  ASSERT_EQ(r.code, 0) << r.err;
  auto lines = Lines(r.out);
  ASSERT_GE(lines.size(), 3u) << r.out;
  EXPECT_EQ(lines[0], "allow");
  EXPECT_EQ(lines[1], "interface eth0 is host endpoint eth0 (by name)");
  EXPECT_EQ(lines.back(), "failsafe FailsafeInboundHostPorts entry tcp:22 accepts");

  lines = Lines(TraceIn("tcp", "10.0.0.9", "80").out);
  EXPECT_EQ(lines[0], "allow");
  EXPECT_EQ(lines[2], "tier default policy db inbound rule 3: next-tier (any packet)");
  EXPECT_EQ(lines.back(), "profile prof inbound rule 1: allow proto tcp dst-ports 80");

  lines = Lines(TraceIn("tcp", "10.0.0.9", "8080").out);
  EXPECT_EQ(lines[0], "deny");
  EXPECT_EQ(lines[2], "tier default policy db inbound rule 2: deny proto tcp dst-ports 8080");
}

TEST_F(InspectTest, TraceResolvesSelectorsToTheOtherHostsEndpoints) {
  auto lines = Lines(TraceIn("tcp", "10.0.0.5", "5432").out);
  EXPECT_EQ(lines[0], "allow");
  EXPECT_NE(lines.back().find("inbound rule 1: allow proto tcp src in s:"), std::string::npos)
      << lines.back();
  EXPECT_NE(lines.back().find("(1 members) dst-ports 5432"), std::string::npos) << lines.back();
  lines = Lines(TraceIn("tcp", "10.0.0.6", "5432").out);
  EXPECT_EQ(lines[0], "deny");
  EXPECT_EQ(lines.back(),
            "no policy or profile allowed the packet: the endpoint's final drop (inbound)");
}

TEST_F(InspectTest, TraceOfAnInterfaceThatIsNoEndpoint) {
  Out r = Felixctl({"trace", "--iface", "eth1", "--direction", "out", "--proto", "icmp", "--src",
                    "10.0.0.1", "--dst", "10.0.0.9", "--icmp-type", "8"});
  EXPECT_EQ(r.out, "allow\ninterface eth1 is not a host endpoint (IPv4): not policed\n");
}

TEST_F(InspectTest, TraceUsageErrors) {
  EXPECT_EQ(TraceIn("bogus", "10.0.0.9", "22").err, "felixctl: unknown --proto 'bogus'\n");
  Out r = Felixctl({"trace", "--iface", "eth0", "--proto", "tcp", "--src", "10.0.0.9", "--dst",
                    "fd00::1", "--dport", "22"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "felixctl: --src and --dst of different families\n");
  r = Felixctl(
      {"trace", "--iface", "eth0", "--proto", "tcp", "--src", "10.0.0.9", "--dst", "10.0.0.1"});
  EXPECT_EQ(r.err, "felixctl: --dport 1-65535 is required\n");
  r = Felixctl({"trace", "--iface", "eth0", "--direction", "out", "--out-iface", "eth1", "--proto",
                "udp", "--src", "10.0.0.9", "--dst", "10.0.0.1", "--dport", "53"});
  EXPECT_EQ(r.err, "felixctl: --out-iface needs --direction in\n");
}

TEST_F(InspectTest, ExplainTextListsEverythingThatApplies) {
  Out r = Felixctl({"explain", "--endpoint", "eth0"});
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string& t = r.out;
  EXPECT_NE(t.find("host endpoint eth0 on host host1\n  interfaces: eth0 (by name)\n"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("  failsafe inbound: tcp:22\n"), std::string::npos) << t;
  EXPECT_NE(t.find("  inbound:\n    tier default\n      policy db (order 5, selector role == "
                   "\"web\")\n        1. allow proto tcp src in s:"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("        3. next-tier (any packet)\n      end of tier: drop unless a policy "
                   "allowed or passed\n    profile prof\n        1. allow proto tcp dst-ports "
                   "80\n    then: drop\n    forwarded: as above between host interfaces; to "
                   "or from workloads not policed (no policy sets apply_on_forward: v1 "
                   "behaviour)\n"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("  outbound:\n    tier default\n      policy db (order 5, selector role == "
                   "\"web\")\n        (no rules for this direction)\n"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find(": selector role == \"db\", 1 IPs\n"), std::string::npos) << t;
}

TEST_F(InspectTest, ExplainJsonSaysTheSame) {
  Out r = Felixctl({"explain", "--iface", "eth0", "-o", "json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["endpoint"]["id"], "eth0");
  EXPECT_EQ(j["endpoint"]["kind"], "host");
  const auto& in = j["directions"][0];
  EXPECT_EQ(in["direction"], "inbound");
  EXPECT_EQ(in["tiers"][0]["policies"][0]["rules"].size(), 3u);
  EXPECT_EQ(in["profiles"][0]["id"], "prof");
  ASSERT_EQ(j["ip_sets"].size(), 1u);
  EXPECT_EQ(j["ip_sets"].begin().value()["ips"], 1);
  EXPECT_EQ(j["ip_sets"].begin().value()["source"], "selector role == \"db\"");
}

TEST_F(InspectTest, ExplainOfWhatIsNoEndpointSaysWhy) {
  Out r = Felixctl({"explain", "--iface", "eth7"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "felixctl: interface eth7 is not a host endpoint for IPv4: not policed\n");
  (*data_)["/calico/v1/host/host1/endpoint/bad"] = R"({"name": 5})";
  r = Felixctl({"explain", "--endpoint", "bad"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err.substr(r.err.rfind("felixctl:")),
            "felixctl: no endpoint bad on host host1 that the agent would accept\n");
  EXPECT_EQ(Felixctl({"explain"}).code, 2);
}

}  // namespace
}  // namespace felix::cli
