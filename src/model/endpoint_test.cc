// Host and workload endpoint validation (spec §4-§5, §10): accepted values
// with their canonical JSON, rejected values with the exact issue texts.
#include <algorithm>

#include <gtest/gtest.h>

#include "model/model.h"
#include "model/model_test_util.h"

namespace felix::model {
namespace {

using testing::Canon;
using testing::DecodeAt;

struct Case {
  const char* desc;
  const char* key;
  const char* raw;
  const char* canonical;            // "" if rejected
  std::vector<std::string> issues;  // empty if accepted
};

constexpr const char* kHep = "/calico/v1/host/HOST/endpoint/eth0";
constexpr const char* kWep = "/calico/v1/host/node1/workload/docker/c1/endpoint/e1";

void RunCases(const std::vector<Case>& cases, const ValidationContext& ctx) {
  for (const auto& c : cases) {
    Decoded d = DecodeAt(c.key, c.raw, ctx);
    EXPECT_EQ(d.issues, c.issues) << c.desc;
    EXPECT_EQ(Canon(d), c.canonical) << c.desc;
    EXPECT_EQ(d.value.has_value(), c.issues.empty()) << c.desc;
  }
}

TEST(WorkloadEndpointTest, NameIsNeverATemplate) {
  const Decoded d = DecodeAt(kWep, R"({"state": "active", "name": "cali*", "profile_ids": []})",
                             ValidationContext{"node1", {"cali"}});
  EXPECT_FALSE(d.value);
  EXPECT_NE(std::find(d.issues.begin(), d.issues.end(), "'name' must be a valid interface name."),
            d.issues.end());
}

TEST(HostEndpointTest, Table) {
  const std::vector<Case> cases = {
      {"guide: by name",
       kHep,
       R"({"name": "eth0", "expected_ipv4_addrs": ["10.0.0.1"], "profile_ids": [],
           "labels": {"role": "webserver", "environment": "production"}})",
       R"({"expected_ipv4_addrs":["10.0.0.1"],"expected_ipv6_addrs":[],"labels":{"environment":"production","role":"webserver"},"name":"eth0","profile_ids":[]})",
       {}},
      {"spec: by IP only",
       "/calico/v1/host/node1/endpoint/data",
       R"({"expected_ipv4_addrs": ["192.168.5.1"], "labels": {"role": "data"}})",
       R"({"expected_ipv4_addrs":["192.168.5.1"],"expected_ipv6_addrs":[],"labels":{"role":"data"},"profile_ids":[]})",
       {}},
      {"ipv6 canonicalised",
       kHep,
       R"({"expected_ipv6_addrs": ["2001:DB8:0::1"]})",
       R"({"expected_ipv4_addrs":[],"expected_ipv6_addrs":["2001:db8::1"],"labels":{},"profile_ids":[]})",
       {}},
      {"VLAN name with a dot (deliberate difference)",
       kHep,
       R"({"name": "eth0.100"})",
       R"({"expected_ipv4_addrs":[],"expected_ipv6_addrs":[],"labels":{},"name":"eth0.100","profile_ids":[]})",
       {}},
      {"every host interface",
       kHep,
       R"({"name": "*", "labels": {"role": "any"}})",
       R"({"expected_ipv4_addrs":[],"expected_ipv6_addrs":[],"labels":{"role":"any"},"name":"*","profile_ids":[]})",
       {}},
      {"interface template",
       kHep,
       R"({"name": "bond*"})",
       R"({"expected_ipv4_addrs":[],"expected_ipv6_addrs":[],"labels":{},"name":"bond*","profile_ids":[]})",
       {}},
      {"template of 14 characters",
       kHep,
       R"({"name": "abcdefghijklmn*"})",
       R"({"expected_ipv4_addrs":[],"expected_ipv6_addrs":[],"labels":{},"name":"abcdefghijklmn*","profile_ids":[]})",
       {}},
      {"template too long",
       kHep,
       R"({"name": "abcdefghijklmno*"})",
       "",
       {"'name' must be a valid interface name."}},
      {"star inside a name",
       kHep,
       R"({"name": "e*th"})",
       "",
       {"'name' must be a valid interface name."}},
      {"two stars", kHep, R"({"name": "**"})", "", {"'name' must be a valid interface name."}},
      {"legacy profile_id",
       kHep,
       R"({"name": "eth0", "profile_id": "base"})",
       R"({"expected_ipv4_addrs":[],"expected_ipv6_addrs":[],"labels":{},"name":"eth0","profile_ids":["base"]})",
       {}},
      {"profile_id dropped when profile_ids present",
       kHep,
       R"({"name": "eth0", "profile_id": "x y", "profile_ids": ["a"]})",
       R"({"expected_ipv4_addrs":[],"expected_ipv6_addrs":[],"labels":{},"name":"eth0","profile_ids":["a"]})",
       {}},
      {"label value with spaces, label name with slash",
       kHep,
       R"({"name": "eth0", "labels": {"k8s.io/app": "hello world"}})",
       R"({"expected_ipv4_addrs":[],"expected_ipv6_addrs":[],"labels":{"k8s.io/app":"hello world"},"name":"eth0","profile_ids":[]})",
       {}},
      {"guide: invalid endpoint",
       kHep,
       R"({ "labels": {"foo": "bar"}, "profile_ids": ["prof1"]})",
       "",
       {"'name' or 'expected_ipvX_addrs' must be present."}},
      {"empty expected list is not presence",
       kHep,
       R"({"expected_ipv4_addrs": []})",
       "",
       {"'name' or 'expected_ipvX_addrs' must be present."}},
      {"state forbidden",
       kHep,
       R"({"name": "eth0", "state": "active"})",
       "",
       {"'state' field not supported for host endpoints"}},
      {"mac checked and forbidden",
       kHep,
       R"({"name": "eth0", "mac": "zz"})",
       "",
       {"Invalid MAC address.", "'mac' field not supported for host endpoints"}},
      {"workload fields forbidden",
       kHep,
       R"({"name": "eth0", "ipv4_nets": ["10.0.0.1/32"], "ipv6_gateway": null})",
       "",
       {"Field 'ipv4_nets' not supported for host endpoints",
        "Field 'ipv6_gateway' not supported for host endpoints"}},
      {"name too long",
       kHep,
       R"({"name": "abcdefghijklmnop"})",
       "",
       {"'name' must be a valid interface name."}},
      {"name with bad char",
       kHep,
       R"({"name": "eth 0"})",
       "",
       {"'name' must be a valid interface name."}},
      {"name not a string", kHep, R"({"name": 5})", "", {"Expected 'name' to be a string; got 5."}},
      {"expected addrs not a list",
       kHep,
       R"({"expected_ipv4_addrs": "10.0.0.1"})",
       "",
       {"'expected_ipv4_addrs' should be a list"}},
      {"list mixing valid and invalid addresses",
       kHep,
       R"({"expected_ipv4_addrs": ["10.0.0.1", "bogus", "10.0.0.300"]})",
       "",
       {"'expected_ipv4_addrs' should be a valid IP, not 'bogus'.",
        "'expected_ipv4_addrs' should be a valid IP, not '10.0.0.300'."}},
      {"v6 address in the v4 list",
       kHep,
       R"({"expected_ipv4_addrs": ["::1"]})",
       "",
       {"'expected_ipv4_addrs' should be a valid IP, not '::1'."}},
      {"address not a string",
       kHep,
       R"({"expected_ipv6_addrs": [1]})",
       "",
       {"'expected_ipv6_addrs' should be a valid IP, not 1."}},
      {"bad endpoint id",
       "/calico/v1/host/HOST/endpoint/eth 0",
       R"({"name": "eth0"})",
       "",
       {"Invalid endpoint ID ''eth 0''."}},
      {"profile ids not strings (stops at first)",
       kHep,
       R"({"name": "eth0", "profile_ids": ["a", 1, "b c"]})",
       "",
       {"Expected profile IDs to be strings."}},
      {"bad profile id",
       kHep,
       R"({"name": "eth0", "profile_ids": ["b c"]})",
       "",
       {"Invalid profile ID ''b c''."}},
      {"profile ids not a list",
       kHep,
       R"({"name": "eth0", "profile_ids": "abc"})",
       "",
       {"Expected profile IDs to be a list."}},
      {"labels not a dict",
       kHep,
       R"({"name": "eth0", "labels": ["a"]})",
       "",
       {"Expected labels to be a dict, not ['a']."}},
      {"bad label name and value",
       kHep,
       R"({"name": "eth0", "labels": {"a b": "x", "ok": 5}})",
       "",
       {"Invalid label name 'a b'.", "Invalid label value 5."}},
      {"not a dict", kHep, R"([])", "", {"Expected endpoint to be a dict."}},
      {"undecodable JSON", kHep, R"({"name": )", "", {"Expected endpoint to be a dict."}},
      {"empty value", kHep, "", "", {"Expected endpoint to be a dict."}},
  };
  RunCases(cases, ValidationContext{"HOST"});
}

TEST(WorkloadEndpointTest, Table) {
  const std::vector<Case> cases = {
      {"spec example",
       kWep,
       R"({"state": "active", "name": "cali1234", "mac": "ee:ee:ee:ee:ee:ee",
           "profile_ids": ["base"], "ipv4_nets": ["10.65.0.2/32"], "ipv6_nets": [],
           "labels": {"app": "web"}})",
       R"({"ipv4_nets":["10.65.0.2/32"],"ipv6_nets":[],"labels":{"app":"web"},"mac":"ee:ee:ee:ee:ee:ee","name":"cali1234","profile_ids":["base"],"state":"active"})",
       {}},
      {"nets, gateway and NAT canonicalised",
       kWep,
       R"({"state": "inactive", "name": "cali1", "ipv4_nets": ["10.0.0.1"],
           "ipv4_gateway": "10.0.0.254", "ipv6_nets": ["2001:db8:0::1"], "ipv6_gateway": null,
           "ipv4_nat": [{"int_ip": "10.0.0.1", "ext_ip": "172.16.0.1"}], "mac": "00:11:22:33:44:55"})",
       R"({"ipv4_gateway":"10.0.0.254","ipv4_nat":[{"ext_ip":"172.16.0.1","int_ip":"10.0.0.1"}],"ipv4_nets":["10.0.0.1/32"],"ipv6_nets":["2001:db8::1/128"],"labels":{},"mac":"0:11:22:33:44:55","name":"cali1","profile_ids":[],"state":"inactive"})",
       {}},
      {"remote host: interface prefix not checked",
       "/calico/v1/host/node2/workload/docker/c1/endpoint/e1",
       R"({"state": "active", "name": "eth1"})",
       R"({"ipv4_nets":[],"ipv6_nets":[],"labels":{},"name":"eth1","profile_ids":[],"state":"active"})",
       {}},
      {"missing name and state",
       kWep,
       R"({})",
       "",
       {"Missing 'name' field.", "Missing 'state' field."}},
      {"local interface without prefix",
       kWep,
       R"({"state": "active", "name": "eth1"})",
       "",
       {"Interface 'eth1' does not start with any of ['cali']."}},
      {"bad state",
       kWep,
       R"({"state": "up", "name": "cali1"})",
       "",
       {"Expected 'state' to be one of active/inactive."}},
      {"expected addrs not supported",
       kWep,
       R"({"state": "active", "name": "cali1", "expected_ipv4_addrs": []})",
       "",
       {"Expected IP addresses not supported for workload endpoints."}},
      {"nets not a list",
       kWep,
       R"({"state": "active", "name": "cali1", "ipv4_nets": "10.0.0.1"})",
       "",
       {"ipv4_nets should be a list."}},
      {"bad net stops at first",
       kWep,
       R"({"state": "active", "name": "cali1", "ipv4_nets": ["10.0.0.1/32", "fe80::1", "x"]})",
       "",
       {"IP address 'fe80::1' is not a valid IPv4 CIDR."}},
      {"NAT int_ip not listed",
       kWep,
       R"({"state": "active", "name": "cali1", "ipv4_nets": [],
           "ipv4_nat": [{"int_ip": "10.0.0.1", "ext_ip": "1.2.3.4"}]})",
       "",
       {"int_ip 10.0.0.1/32 is not listed in ipv4_nets."}},
      {"NAT ext_ip missing",
       kWep,
       R"({"state": "active", "name": "cali1", "ipv4_nets": ["10.0.0.1"],
           "ipv4_nat": [{"int_ip": "10.0.0.1"}]})",
       "",
       {"ext_ip was not specified a ipv4_nat entry."}},
      {"NAT bad int_ip",
       kWep,
       R"({"state": "active", "name": "cali1", "ipv4_nat": [{"int_ip": "x", "ext_ip": "1.2.3.4"}]})",
       "",
       {"int_ip ('x') is not a valid IPv4 address."}},
      {"NAT not a list",
       kWep,
       R"({"state": "active", "name": "cali1", "ipv6_nat": {}})",
       "",
       {"ipv6_nat should be a list."}},
      {"gateway of the wrong family",
       kWep,
       R"({"state": "active", "name": "cali1", "ipv6_gateway": "10.0.0.1"})",
       "",
       {"ipv6_gateway is not a valid IPv6 gateway address."}},
      {"bad MAC",
       kWep,
       R"({"state": "active", "name": "cali1", "mac": "zz"})",
       "",
       {"Invalid MAC address."}},
      {"not a dict", kWep, R"("x")", "", {"Expected endpoint to be a dict."}},
  };
  RunCases(cases, ValidationContext{"node1"});
}

TEST(WorkloadEndpointTest, PrefixListAndEmptyHostname) {
  ValidationContext tap{"node1", {"tap", "veth"}};
  EXPECT_TRUE(DecodeAt(kWep, R"({"state": "active", "name": "tap1"})", tap).value);
  Decoded d = DecodeAt(kWep, R"({"state": "active", "name": "cali1"})", tap);
  EXPECT_EQ(d.issues, std::vector<std::string>{
                          "Interface 'cali1' does not start with any of ['tap', 'veth']."});
  // "" hostname: every host is local.
  Decoded any = DecodeAt("/calico/v1/host/other/workload/o/w/endpoint/e",
                         R"({"state": "active", "name": "eth1"})", ValidationContext{});
  EXPECT_FALSE(any.value);
}

TEST(WorkloadEndpointTest, TypedValue) {
  Decoded d = DecodeAt(kWep, R"({"state": "active", "name": "cali1", "ipv4_nets": ["10.0.0.1"]})",
                       ValidationContext{"node1"});
  ASSERT_TRUE(d.value);
  const auto& w = std::get<WorkloadEndpoint>(*d.value);
  EXPECT_TRUE(w.active());
  ASSERT_EQ(w.ipv4_nets.size(), 1u);
  EXPECT_EQ(w.ipv4_nets[0].prefix, 32);
}

}  // namespace
}  // namespace felix::model
