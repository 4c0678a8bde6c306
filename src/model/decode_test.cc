// DecodeValue as a whole: the rejection log line of every kind, the spec §10
// "typical invalid inputs" table, canonical round trips, and robustness
// against hostile input (garbage, deep nesting, huge numbers and strings).
#include <gtest/gtest.h>

#include <string>

#include "model/model.h"
#include "model/model_test_util.h"

namespace felix::model {
namespace {

using testing::Canon;
using testing::DecodeAt;

struct LineCase {
  const char* desc;
  const char* key;
  const char* raw;
  const char* line;
};

TEST(RejectionLogLineTest, EveryKind) {
  const LineCase cases[] = {
      {"guide: host endpoint", "/calico/v1/host/HOST/endpoint/eth0",
       R"({ "labels": {"foo": "bar"}, "profile_ids": ["prof1"]})",
       R"(Validation failed for host endpoint HostEndpointId<eth0>, treating as missing: 'name' or 'expected_ipvX_addrs' must be present.; '{ "labels": {"foo": "bar"}, "profile_ids": ["prof1"]}')"},
      {"workload endpoint", "/calico/v1/host/h/workload/o/w/endpoint/e1", "{}",
       "Validation failed for endpoint WloadEndpointId<e1>, treating as missing: Missing 'name' "
       "field. Missing 'state' field.; '{}'"},
      {"profile rules", "/calico/v1/policy/profile/p/rules", "[]",
       "Validation failed for profile p rules, treating as missing: Expected profile 'p' to be a "
       "dict, not [].; '[]'"},
      {"profile tags", "/calico/v1/policy/profile/p/tags", "{}",
       "Validation failed for profile p tags, treating as missing: Expected tags to be a list.; "
       "'{}'"},
      {"profile labels", "/calico/v1/policy/profile/p/labels", "[]",
       "Validation failed for profile p labels, treating as missing: Expected labels to be a "
       "dict, not [].; '[]'"},
      {"tier", "/calico/v1/policy/tier/t/metadata", R"({"order": "x"})",
       "Validation failed for tier data for tier t, treating as missing: Tier data \"order\" field "
       "should be number or \"default\"; '{\"order\": \"x\"}'"},
      {"policy", "/calico/v1/policy/tier/t/policy/p", "{}",
       "Validation failed for policy t/p, treating as missing: Profile missing required selector "
       "field; '{}'"},
      {"pool", "/calico/v1/ipam/v4/pool/10.0.0.0-8", "{}",
       "Validation failed for ipam pool 10.0.0.0-8, treating as missing: 'cidr' field is "
       "missing; '{}'"},
      {"network set", "/calico/v1/netset/n1", R"({"nets": ["10.0.0.0/33"]})",
       "Validation failed for network set n1, treating as missing: '10.0.0.0/33' is not a valid "
       "CIDR.; '{\"nets\": [\"10.0.0.0/33\"]}'"},
      {"bird_ip", "/calico/v1/host/h1/bird_ip", "bogus",
       "Invalid IP for hostname h1: bogus, treating as deletion"},
      {"raw repr escapes", "/calico/v1/host/h/endpoint/e", "it's\n",
       "Validation failed for host endpoint HostEndpointId<e>, treating as missing: Expected "
       "endpoint to be a dict.; \"it's\\n\""},
  };
  for (const auto& c : cases) {
    auto key = ParseKey(c.key);
    ASSERT_TRUE(key) << c.desc;
    Decoded d = DecodeValue(*key, c.raw, ValidationContext{});
    ASSERT_FALSE(d.value) << c.desc;
    EXPECT_EQ(RejectionLogLine(*key, d.issues, c.raw), c.line) << c.desc;
  }
}

TEST(RejectionLogLineTest, LongValuesAreCutAt1KiB) {
  auto key = ParseKey("/calico/v1/host/h/endpoint/e");
  ASSERT_TRUE(key);
  const std::string raw(1 << 20, 'x');  // a megabyte that is not JSON
  Decoded d = DecodeValue(*key, raw, ValidationContext{});
  ASSERT_FALSE(d.value);
  const std::string line = RejectionLogLine(*key, d.issues, raw);
  EXPECT_LT(line.size(), 1300u);
  EXPECT_TRUE(line.ends_with("'" + std::string(1024, 'x') + "'... (1048576 bytes)")) << line.size();
  auto ip = ParseKey("/calico/v1/host/h1/bird_ip");
  ASSERT_TRUE(ip);
  const std::string ip_line = RejectionLogLine(*ip, {}, raw);
  EXPECT_LT(ip_line.size(), 1300u);
  EXPECT_NE(ip_line.find("... (1048576 bytes), treating as deletion"), std::string::npos);
}

// Spec §10 "Typical invalid inputs and outcome", [PY] column (with the
// deliberate differences of DESIGN §2).
TEST(SpecExamplesTest, TypicalInvalidInputs) {
  const std::string hep = "/calico/v1/host/node1/endpoint/e";
  const std::string pol = "/calico/v1/policy/tier/t/policy/p";
  struct Row {
    const char* desc;
    std::string key, raw;
    bool accepted;
  } rows[] = {
      {"host endpoint with labels only", hep, R"({"labels": {"a": "b"}})", false},
      {"host endpoint with state", hep, R"({"name": "eth0", "state": "active"})", false},
      {"host endpoint eth0.100 (accepted: VLANs)", hep, R"({"name": "eth0.100"})", true},
      {"rule dst_ports without protocol", pol,
       R"({"selector": "all() ", "inbound_rules": [{"dst_ports": [80]}]})", false},
      {"rule bare string port", pol,
       R"({"selector": "all() ", "inbound_rules": [{"protocol": "tcp", "dst_ports": ["80"]}]})",
       false},
      {"rule port 0", pol,
       R"({"selector": "all() ", "inbound_rules": [{"protocol": "tcp", "dst_ports": [0]}]})", true},
      {"rule icmp_code without type", pol,
       R"({"selector": "all() ", "inbound_rules": [{"icmp_code": 0}]})", false},
      {"policy order default", pol, R"({"selector": "all() ", "order": "default"})", true},
      {"policy without selector", pol, R"({"order": 1})", false},
      {"label value with a space", hep, R"({"name": "eth0", "labels": {"a": "hello world"}})",
       true},
      {"unknown rule key", pol, R"({"selector": "all() ", "outbound_rules": [{"foo": 1}]})", false},
  };
  for (const auto& r : rows) {
    EXPECT_EQ(DecodeAt(r.key, r.raw).value.has_value(), r.accepted) << r.desc;
  }
}

// etcd v2 leaves keys whose segment starts with '_' out of recursive reads
// and watches: such objects are rejected everywhere, with the reason.
TEST(SpecExamplesTest, IdsThatEtcdV2HidesAreRejected) {
  const std::string policy = R"j({"selector": "all()", "inbound_rules": [{"action": "deny"}]})j";
  for (const std::string key :
       {"/calico/v1/policy/tier/default/policy/_hidden", "/calico/v1/policy/tier/_t/policy/p",
        "/calico/v1/host/node1/endpoint/_e", "/calico/v1/policy/profile/_p/rules"}) {
    const Decoded d =
        DecodeAt(key, key.find("endpoint") != std::string::npos ? std::string(R"({"name": "eth0"})")
                      : key.ends_with("rules")                  ? std::string("{}")
                                                                : policy);
    EXPECT_FALSE(d.value.has_value()) << key;
    ASSERT_EQ(d.issues.size(), 1u) << key;
    EXPECT_NE(d.issues[0].find("starts with '_': etcd v2 hides"), std::string::npos) << key;
  }
  EXPECT_TRUE(
      DecodeAt("/calico/v1/policy/tier/default/policy/not_hidden", policy).value.has_value());
}

TEST(CanonicalTest, RoundTrips) {
  const std::pair<const char*, const char*> cases[] = {
      {"/calico/v1/host/h/endpoint/e",
       R"({"name": "eth0", "expected_ipv6_addrs": ["2001:DB8::1"], "profile_id": "p"})"},
      {"/calico/v1/host/h/workload/o/w/endpoint/e",
       R"({"state": "active", "name": "cali1", "mac": "EE:EE:EE:EE:EE:EE",
           "ipv4_nets": ["10.0.0.1"], "ipv4_nat": [{"int_ip": "10.0.0.1", "ext_ip": "1.2.3.4"}]})"},
      {"/calico/v1/policy/tier/t/policy/p",
       R"({"selector": "a=='b'", "order": 2.5, "inbound_rules": [{"src_selector": "has(x) ",
           "!protocol": 17, "log_prefix": "x y", "src_nets": ["10/8"]}]})"},
      {"/calico/v1/policy/tier/t/metadata", R"({"order": -1.7976931348623157e308})"},
      {"/calico/v1/policy/profile/p/tags", R"(["a"])"},
      {"/calico/v1/ipam/v4/pool/10.0.0.0-8", R"({"cidr": "10/8"})"},
      {"/calico/v1/host/h/bird_ip", "10.0.0.1"},
  };
  for (const auto& [key, raw] : cases) {
    Decoded d = DecodeAt(key, raw);
    ASSERT_TRUE(d.value) << key;
    std::string canon = CanonicalJson(*d.value);
    Decoded again = DecodeAt(key, canon);
    ASSERT_TRUE(again.value) << key << ": " << canon;
    EXPECT_EQ(*again.value, *d.value) << key;
    EXPECT_EQ(CanonicalJson(*again.value), canon) << key;
  }
}

TEST(RobustnessTest, HostileInput) {
  const std::string hep = "/calico/v1/host/h/endpoint/e";
  const std::string pol = "/calico/v1/policy/tier/t/policy/p";
  const std::string deep(100000, '[');
  const std::string deep_closed = deep + std::string(100000, ']');
  std::string deep_rule = R"({"selector": "all() ", "inbound_rules": [{"foo": )";
  for (int i = 0; i < 300; ++i) deep_rule += "[";
  for (int i = 0; i < 300; ++i) deep_rule += "]";
  deep_rule += "}]}";
  const std::string mega_string = R"({"name": ")" + std::string(1 << 20, 'a') + R"("})";
  std::string many_ports =
      R"({"selector": "all() ", "inbound_rules": [{"protocol": "tcp", "dst_ports": [)";
  for (int i = 0; i < 200000; ++i) many_ports += "70000,";
  many_ports += "1]}]}";
  struct Row {
    const char* desc;
    std::string key, raw;
    std::vector<std::string> issues_prefix;  // the first issues expected
  } rows[] = {
      {"garbage", hep, "\x01\xff garbage", {"Expected endpoint to be a dict."}},
      {"truncated",
       pol,
       R"({"selector": "all() ", "inbound_rules": [{)",
       {"Expected policy 't/p' to be a dict, not None."}},
      {"100000 nested arrays", hep, deep, {"Expected endpoint to be a dict."}},
      {"100000 nested, closed", hep, deep_closed, {"Expected endpoint to be a dict."}},
      {"nesting just over the limit inside a rule",
       pol,
       deep_rule,
       {"Expected policy 't/p' to be a dict, not None."}},
      {"brackets inside strings do not count",
       hep,
       R"({"name": "eth0", "labels": {"a": ")" + std::string(1000, '[') + R"("}})",
       {}},
      {"huge number as port",
       pol,
       R"({"selector": "all() ", "inbound_rules": [{"protocol": "tcp", "dst_ports": [1e400]}]})",
       {"Expected policy 't/p' to be a dict, not None."}},
      {"huge finite float as port",
       pol,
       R"({"selector": "all() ", "inbound_rules": [{"protocol": "tcp", "dst_ports": [1e300]}]})",
       {"Invalid port 1e+300 (neither integer nor string) in rule {'protocol': 'tcp', "
        "'dst_ports': [1e+300]}."}},
      {"2^64 as icmp type",
       pol,
       R"({"selector": "all() ", "inbound_rules": [{"icmp_type": 18446744073709551616}]})",
       {"ICMP type is not an integer in rule {'icmp_type': 1.8446744073709552e+19}."}},
      {"2^63 is a Python long",
       pol,
       R"({"selector": "all() ", "inbound_rules": [{"icmp_type": 9223372036854775808}]})",
       {"ICMP type is not an integer in rule {'icmp_type': 9223372036854775808L}."}},
      {"megabyte name", hep, mega_string, {"'name' must be a valid interface name."}},
      {"200000 bad ports: bounded issue list", pol, many_ports, {}},
      {"wrong types everywhere",
       "/calico/v1/host/h/workload/o/w/endpoint/e",
       R"({"state": 1, "name": [], "mac": {}, "profile_ids": [null], "labels": 3,
           "ipv4_nets": {}, "ipv6_nets": [1], "ipv4_nat": [1], "ipv4_gateway": 5})",
       {"Expected 'name' to be a string; got [].", "Invalid MAC address.",
        "Expected profile IDs to be strings.", "Expected labels to be a dict, not 3.",
        "ipv4_nets should be a list.", "int_ip was not specified a ipv4_nat entry.",
        "ext_ip was not specified a ipv4_nat entry.",
        "ipv4_gateway is not a valid IPv4 gateway address.",
        "IP address 1 is not a valid IPv6 CIDR.",
        "Expected 'state' to be one of active/inactive."}},
  };
  for (const auto& r : rows) {
    Decoded d = DecodeAt(r.key, r.raw);
    EXPECT_EQ(d.value.has_value(), r.desc == std::string("brackets inside strings do not count"))
        << r.desc;
    ASSERT_GE(d.issues.size(), r.issues_prefix.size()) << r.desc;
    EXPECT_LE(d.issues.size(), 65u) << r.desc;
    for (size_t i = 0; i < r.issues_prefix.size(); ++i) {
      EXPECT_EQ(d.issues[i], r.issues_prefix[i]) << r.desc << " #" << i;
    }
    size_t total = 0;
    for (const auto& s : d.issues) total += s.size();
    EXPECT_LT(total, 4u << 20) << r.desc;
  }
}

TEST(RobustnessTest, BoundedIssuesEndWithSummary) {
  std::string ports;
  for (int i = 0; i < 1000; ++i) ports += "-1,";
  Decoded d = DecodeRule(R"({"protocol": "tcp", "dst_ports": [)" + ports + "1]}");
  ASSERT_FALSE(d.value);
  ASSERT_EQ(d.issues.size(), 65u);
  EXPECT_EQ(d.issues.back(), "(further issues not shown.)");
}

}  // namespace
}  // namespace felix::model

namespace felix::model {
namespace {

// The guide prints its host endpoints with a comma after the last label; they
// must work verbatim (a deliberate difference from Felix 1.4.9's json.loads).
TEST(GuideObjectsTest, HostEndpointsAsTheGuidePrintsThem) {
  const char* by_name = R"({
      "name": "eth0",
      "expected_ipv4_addrs": ["10.0.0.1"],
      "profile_ids": [],
      "labels": {
        "role": "webserver",
        "environment": "production",
      }
    })";
  const char* by_ip = R"({
      "expected_ipv4_addrs": ["10.0.0.1"],
      "profile_ids": [],
      "labels": {
        "role": "webserver",
        "environment": "production",
      }
    })";
  auto key = ParseKey("/calico/v1/host/my-host/endpoint/data-1");
  ASSERT_TRUE(key);
  for (const char* raw : {by_name, by_ip}) {
    Decoded d = DecodeValue(*key, raw, ValidationContext{"my-host", {"cali"}});
    ASSERT_TRUE(d.value) << raw;
    const auto& ep = std::get<HostEndpoint>(*d.value);
    EXPECT_EQ(ep.labels, (Labels{{"environment", "production"}, {"role", "webserver"}}));
    ASSERT_EQ(ep.expected_ipv4_addrs.size(), 1u);
    EXPECT_EQ(ep.expected_ipv4_addrs[0].ToString(), "10.0.0.1");
  }
}

}  // namespace
}  // namespace felix::model
