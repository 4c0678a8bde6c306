// Profiles, tiers, policies, IPAM pools, bird_ip, Ready and config values
// (spec §2-§3, §6-§8, §10).
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "model/model.h"
#include "model/model_test_util.h"

namespace felix::model {
namespace {

using testing::Canon;
using testing::DecodeAt;

struct Case {
  const char* desc;
  std::string key;
  std::string raw;
  std::string canonical;            // "" if rejected
  std::vector<std::string> issues;  // empty if accepted
};

void RunCases(const std::vector<Case>& cases) {
  for (const auto& c : cases) {
    Decoded d = DecodeAt(c.key, c.raw);
    EXPECT_EQ(d.issues, c.issues) << c.desc;
    EXPECT_EQ(Canon(d), c.canonical) << c.desc;
    EXPECT_EQ(d.value.has_value(), c.issues.empty()) << c.desc;
  }
}

std::string Sel(const char* s) { return selector::Parse(s)->canonical(); }

TEST(ProfileTest, Table) {
  const std::string rules = "/calico/v1/policy/profile/base/rules";
  const std::string tags = "/calico/v1/policy/profile/base/tags";
  const std::string labels = "/calico/v1/policy/profile/base/labels";
  RunCases({
      {"spec example rules",
       rules,
       R"({"inbound_rules": [{"protocol": "icmp", "icmp_type": 8, "action": "allow"},
                             {"!src_tag": "trusted", "action": "deny"}],
           "outbound_rules": [{"action": "allow"}]})",
       R"({"inbound_rules":[{"action":"allow","icmp_type":8,"protocol":"icmp"},{"!src_tag":"trusted","action":"deny"}],"outbound_rules":[{"action":"allow"}]})",
       {}},
      {"missing lists are empty, other keys ignored",
       rules,
       R"({"id": "base"})",
       R"({"inbound_rules":[],"outbound_rules":[]})",
       {}},
      {"not a dict", rules, "[]", "", {"Expected profile 'base' to be a dict, not []."}},
      {"list not a list",
       rules,
       R"({"inbound_rules": {}})",
       "",
       {"Expected rules[inbound_rules] to be a list."}},
      {"null list",
       rules,
       R"({"outbound_rules": null})",
       "",
       {"Expected rules[outbound_rules] to be a list."}},
      {"rule not a dict stops that list",
       rules,
       R"({"inbound_rules": [1, {"foo": 1}]})",
       "",
       {"Rule should be a dict: 1"}},
      {"one bad rule rejects the profile",
       rules,
       R"({"inbound_rules": [{"action": "allow"}], "outbound_rules": [{"dst_ports": [80]}]})",
       "",
       {"dst_ports is not allowed for protocol None in rule {'dst_ports': [80]}"}},
      {"bad profile id",
       "/calico/v1/policy/profile/a b/rules",
       "{}",
       "",
       {"Invalid profile ID ''a b''."}},
      {"tags", tags, R"(["trusted", "a.b"])", R"(["trusted","a.b"])", {}},
      {"tags not a list", tags, R"("x")", "", {"Expected tags to be a list."}},
      {"tag not a string stops",
       tags,
       R"(["a", 1, "b c"])",
       "",
       {"Expected tag '1' to be a string."}},
      {"bad tag", tags, R"(["b c"])", "", {"Invalid tag ''b c''."}},
      {"tags: bad profile id",
       "/calico/v1/policy/profile/a b/tags",
       "[]",
       "",
       {"Invalid profile_id ''a b''."}},
      {"labels", labels, R"({"tier": "infra"})", R"({"tier":"infra"})", {}},
      {"labels not a dict", labels, "[]", "", {"Expected labels to be a dict, not []."}},
      {"undecodable labels", labels, "{", "", {"Expected labels to be a dict, not None."}},
      {"labels: bad profile id",
       "/calico/v1/policy/profile/a b/labels",
       "{}",
       "",
       {"Invalid profile_id 'a b'."}},
  });
}

TEST(TierTest, Table) {
  const std::string key = "/calico/v1/policy/tier/ops/metadata";
  RunCases({
      {"number", key, R"({"order": 10})", R"({"order":10})", {}},
      {"absent order is default", key, "{}", R"({"order":"default"})", {}},
      {"explicit default", key, R"({"order": "default"})", R"({"order":"default"})", {}},
      {"float", key, R"({"order": 1.5})", R"({"order":1.5})", {}},
      {"negative", key, R"({"order": -3})", R"({"order":-3})", {}},
      {"overflowing number: undecodable (Python gave inf)",
       key,
       R"({"order": 1e400})",
       "",
       {"Expected tier data to be a dict not None"}},
      {"huge finite order", key, R"({"order": -1e308})", R"({"order":-1e+308})", {}},
      {"true is 1 (Python bool is a Number)", key, R"({"order": true})", R"({"order":1})", {}},
      {"string order",
       key,
       R"({"order": "10"})",
       "",
       {"Tier data \"order\" field should be number or \"default\""}},
      {"null order",
       key,
       R"({"order": null})",
       "",
       {"Tier data \"order\" field should be number or \"default\""}},
      {"not a dict", key, "[]", "", {"Expected tier data to be a dict not []"}},
      {"default_action pass (any case)",
       key,
       R"({"order": 10, "default_action": "Pass"})",
       R"({"default_action":"pass","order":10})",
       {}},
      {"default_action deny is the default",
       key,
       R"({"default_action": "deny"})",
       R"({"order":"default"})",
       {}},
      {"default_action neither",
       key,
       R"({"default_action": "drop"})",
       "",
       {"Tier data \"default_action\" should be \"deny\" or \"pass\", not 'drop'"}},
      {"bad tier name",
       "/calico/v1/policy/tier/a b/metadata",
       "{}",
       "",
       {"Invalid profile_id ''a b''."}},
  });
  Decoded d = DecodeAt(key, R"({"order": 1.7976931348623157e308})");
  ASSERT_TRUE(d.value);
  EXPECT_EQ(std::get<TierMetadata>(*d.value).order, std::numeric_limits<double>::max());
}

TEST(PolicyTest, Table) {
  const std::string key = "/calico/v1/policy/tier/default/policy/failsafe";
  RunCases({
      {"guide: failsafe policy",
       key,
       R"({"selector": "has(role) ", "order": 0,
           "inbound_rules": [{"protocol": "tcp", "dst_ports": [22], "src_net": "10.0.0.0/8",
                              "action": "allow"}],
           "outbound_rules": [{"protocol": "tcp", "dst_ports": [2379, 2380, 4001, 7001],
                               "dst_net": "10.0.0.1/32", "action": "allow"}]})",
       fmt::format(
           R"({{"inbound_rules":[{{"action":"allow","dst_ports":[22],"protocol":"tcp","src_net":"10.0.0.0/8"}}],"order":0,"outbound_rules":[{{"action":"allow","dst_net":"10.0.0.1/32","dst_ports":[2379,2380,4001,7001],"protocol":"tcp"}}],"selector":{},"untracked":false}})",
           nlohmann::json(Sel("has(role)")).dump()),
       {}},
      {"spec: ssh policy",
       "/calico/v1/policy/tier/ops/policy/ssh",
       R"({"selector": "role == \"mgmt\"", "order": 1,
           "inbound_rules": [{"protocol": "tcp", "dst_ports": [22, "8000:8080"],
                              "src_net": "10.1.0.0/16", "action": "allow"},
                             {"action": "next-tier"}],
           "outbound_rules": [{"action": "allow"}]})",
       fmt::format(
           R"({{"inbound_rules":[{{"action":"allow","dst_ports":[22,"8000:8080"],"protocol":"tcp","src_net":"10.1.0.0/16"}},{{"action":"next-tier"}}],"order":1,"outbound_rules":[{{"action":"allow"}}],"selector":{},"untracked":false}})",
           nlohmann::json(Sel("role == \"mgmt\"")).dump()),
       {}},
      {"default order, untracked, no rules",
       key,
       R"({"selector": "all() ", "order": "default", "untracked": true})",
       fmt::format(
           R"({{"inbound_rules":[],"order":"default","outbound_rules":[],"selector":{},"untracked":true}})",
           nlohmann::json(Sel("all() ")).dump()),
       {}},
      {"no selector", key, "{}", "", {"Profile missing required selector field"}},
      {"bad selector", key, R"({"selector": "has("})", "", {"Failed to parse selector has("}},
      {"selector not a string", key, R"({"selector": 5})", "", {"Failed to parse selector 5"}},
      {"order not a number",
       key,
       R"({"selector": "all() ", "order": "first"})",
       "",
       {"Order should be a number, or \"default\", not first"}},
      {"not a dict",
       "/calico/v1/policy/tier/ops/policy/ssh",
       R"("x")",
       "",
       {"Expected policy 'ops/ssh' to be a dict, not 'x'."}},
      {"bad policy name",
       "/calico/v1/policy/tier/ops/policy/a b",
       R"({"selector": "all() "})",
       "",
       {"Invalid profile ID 'TieredPolicyId(tier='ops', policy_id='a b')'."}},
      {"issues in PY order",
       key,
       R"({"inbound_rules": 5, "order": null})",
       "",
       {"Expected rules[inbound_rules] to be a list.", "Profile missing required selector field",
        "Order should be a number, or \"default\", not None"}},
  });
}

// types, pre_dnat, apply_on_forward and the combinations Calico rejects.
TEST(PolicyTest, LaterFields) {
  const std::string key = "/calico/v1/policy/tier/default/policy/p";
  const std::string all = nlohmann::json(Sel("all()")).dump();
  // The canonical text: the base fields plus `extra` (a JSON object's
  // members), keys sorted as CanonicalJson prints them.
  auto canon = [&](const std::string& extra, const std::string& inbound = "[]") {
    auto j = nlohmann::json::parse(fmt::format(
        R"({{"inbound_rules":{},"order":"default","outbound_rules":[],"selector":{},"untracked":false}})",
        inbound, all));
    if (!extra.empty()) j.update(nlohmann::json::parse("{" + extra.substr(1) + "}"));
    return j.dump();
  };
  const std::string allow_tcp = R"([{"action":"allow","protocol":"tcp"}])";
  RunCases({
      {"types, any case, sorted",
       key,
       R"j({"selector": "all()", "types": ["Egress", "ingress"]})j",
       canon(R"(,"types":["ingress","egress"])"),
       {}},
      {"empty types = both, printed as absent",
       key,
       R"j({"selector": "all()", "types": []})j",
       canon(""),
       {}},
      {"null fields are absent",
       key,
       R"j({"selector": "all()", "types": null, "pre_dnat": null, "apply_on_forward": null})j",
       canon(""),
       {}},
      {"apply_on_forward false is kept",
       key,
       R"j({"selector": "all()", "apply_on_forward": false})j",
       canon(R"(,"apply_on_forward":false)"),
       {}},
      {"pre-DNAT ingress policy",
       key,
       R"j({"selector": "all()", "pre_dnat": true, "apply_on_forward": true, "types": ["ingress"],
           "inbound_rules": [{"action": "allow", "protocol": "tcp"}]})j",
       canon(R"(,"apply_on_forward":true,"pre_dnat":true,"types":["ingress"])", allow_tcp),
       {}},
      {"untracked without apply_on_forward stays valid (v1)",
       key,
       R"j({"selector": "all()", "untracked": true})j",
       fmt::format(
           R"({{"inbound_rules":[],"order":"default","outbound_rules":[],"selector":{},"untracked":true}})",
           all),
       {}},
      {"types not a list",
       key,
       R"j({"selector": "all()", "types": "ingress"})j",
       "",
       {"Policy \"types\" should be a list, not 'ingress'"}},
      {"unknown type",
       key,
       R"j({"selector": "all()", "types": ["inbound", 1]})j",
       "",
       {"Invalid policy type 'inbound': expected \"ingress\" or \"egress\"",
        "Invalid policy type 1: expected \"ingress\" or \"egress\""}},
      {"duplicate type",
       key,
       R"j({"selector": "all()", "types": ["ingress", "INGRESS"]})j",
       "",
       {"Duplicate policy type 'INGRESS'"}},
      {"pre_dnat not a boolean",
       key,
       R"j({"selector": "all()", "pre_dnat": "yes", "apply_on_forward": 1})j",
       "",
       {"Policy \"pre_dnat\" should be true or false, not 'yes'",
        "Policy \"apply_on_forward\" should be true or false, not 1"}},
      {"pre_dnat needs apply_on_forward",
       key,
       R"j({"selector": "all()", "pre_dnat": true})j",
       "",
       {"apply_on_forward must be true if pre_dnat is true"}},
      {"pre_dnat and untracked",
       key,
       R"j({"selector": "all()", "pre_dnat": true, "untracked": true, "apply_on_forward": true})j",
       "",
       {"pre_dnat and untracked cannot both be true"}},
      {"pre_dnat with outbound rules",
       key,
       R"j({"selector": "all()", "pre_dnat": true, "apply_on_forward": true,
           "outbound_rules": [{"action": "allow"}]})j",
       "",
       {"pre_dnat policy cannot have any outbound rules"}},
      {"pre_dnat with the egress type",
       key,
       R"j({"selector": "all()", "pre_dnat": true, "apply_on_forward": true,
           "types": ["ingress", "egress"]})j",
       "",
       {"pre_dnat policy cannot have the 'egress' type"}},
      {"untracked with apply_on_forward false",
       key,
       R"j({"selector": "all()", "untracked": true, "apply_on_forward": false})j",
       "",
       {"apply_on_forward must be true if untracked is true"}},
      {"issues of a bad selector and a bad type together",
       key,
       R"j({"selector": "has(", "types": ["x"]})j",
       "",
       {"Failed to parse selector has(",
        "Invalid policy type 'x': expected \"ingress\" or \"egress\""}},
  });
}

TEST(PoolTest, Table) {
  const std::string key = "/calico/v1/ipam/v4/pool/10.0.0.0-8";
  RunCases({
      {"other keys dropped",
       key,
       R"({"cidr": "10.0.0.0/8", "masquerade": true, "ipam": true})",
       R"({"cidr":"10.0.0.0/8","masquerade":true})",
       {}},
      {"shorthand, masquerade default",
       key,
       R"({"cidr": "10/8"})",
       R"({"cidr":"10.0.0.0/8","masquerade":false})",
       {}},
      {"cidr missing", key, "{}", "", {"'cidr' field is missing"}},
      {"cidr of the wrong version",
       key,
       R"({"cidr": "fe80::/64"})",
       "",
       {"Invalid CIDR: 'fe80::/64'"}},
      {"masquerade not a bool",
       key,
       R"({"cidr": "10.0.0.0/8", "masquerade": "yes"})",
       "",
       {"Invalid 'masquerade' field: 'yes'"}},
      {"issues joined with a comma",
       key,
       R"({"masquerade": 1})",
       "",
       {"'cidr' field is missing,Invalid 'masquerade' field: 1"}},
      {"not a dict", key, "5", "", {"Pool should be a dict"}},
      {"bad pool id",
       "/calico/v1/ipam/v4/pool/zz",
       R"({"cidr": "10.0.0.0/8", "x": 1})",
       "",
       {"Invalid pool ID: {'cidr': '10.0.0.0/8'}"}},
  });
}

TEST(RawValuesTest, Table) {
  RunCases({
      {"bird_ip", "/calico/v1/host/h1/bird_ip", "10.0.0.1", "10.0.0.1", {}},
      {"bird_ip invalid",
       "/calico/v1/host/h1/bird_ip",
       "bogus",
       "",
       {"h1 has invalid IP: 'bogus'"}},
      {"bird_ip must be IPv4",
       "/calico/v1/host/h1/bird_ip",
       "::1",
       "",
       {"h1 has invalid IP: '::1'"}},
      {"ready", "/calico/v1/Ready", "true", "true", {}},
      {"not ready is still a value", "/calico/v1/Ready", "True", "True", {}},
      {"global config raw", "/calico/v1/config/LogSeverityFile", "DEBUG", "DEBUG", {}},
      {"host config raw",
       "/calico/v1/host/node1/config/FailsafeInboundHostPorts",
       "22,2022",
       "22,2022",
       {}},
  });
  Decoded ready = DecodeAt("/calico/v1/Ready", "true");
  EXPECT_TRUE(std::get<ReadyFlag>(*ready.value).ready());
  Decoded not_ready = DecodeAt("/calico/v1/Ready", "true ");
  EXPECT_FALSE(std::get<ReadyFlag>(*not_ready.value).ready());
}

}  // namespace
}  // namespace felix::model
