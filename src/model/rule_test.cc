// Rule validation (spec §9.2): accepted rules with their canonical JSON, and
// rejected rules with [PY]'s exact issue texts.
#include <gtest/gtest.h>

#include "model/model.h"
#include "model/model_test_util.h"

namespace felix::model {
namespace {

using testing::RuleCanon;

struct AcceptCase {
  const char* desc;
  const char* rule;
  const char* canonical;
};

TEST(RuleTest, Accepts) {
  const AcceptCase cases[] = {
      {"empty rule allows", R"({})", R"({"action":"allow"})"},
      {"deny", R"({"action": "deny"})", R"({"action":"deny"})"},
      {"next-tier", R"({"action": "next-tier"})", R"({"action":"next-tier"})"},
      {"pass is next-tier (Calico v3's spelling)", R"({"action": "pass"})",
       R"({"action":"next-tier"})"},
      {"log", R"({"action": "log"})", R"({"action":"log"})"},
      {"protocol number becomes string", R"({"protocol": 6})",
       R"({"action":"allow","protocol":"6"})"},
      {"numeric protocol string kept", R"({"protocol": "255"})",
       R"({"action":"allow","protocol":"255"})"},
      {"udplite", R"({"protocol": "udplite"})", R"({"action":"allow","protocol":"udplite"})"},
      {"negated protocol", R"({"!protocol": "icmp"})", R"({"!protocol":"icmp","action":"allow"})"},
      {"true is protocol 1 (Python bool is an int)", R"({"protocol": true})",
       R"({"action":"allow","protocol":"1"})"},
      {"ports and ranges", R"({"protocol": "tcp", "dst_ports": [22, "8000:8080"]})",
       R"({"action":"allow","dst_ports":[22,"8000:8080"],"protocol":"tcp"})"},
      {"port 0 accepted as in PY", R"({"protocol": "tcp", "dst_ports": [0]})",
       R"({"action":"allow","dst_ports":[0],"protocol":"tcp"})"},
      {"range with spaces (Python int())", R"({"protocol": "udp", "src_ports": [" 10 : 20 "]})",
       R"({"action":"allow","protocol":"udp","src_ports":["10:20"]})"},
      {"negated ports need the positive protocol", R"({"protocol": 6, "!dst_ports": [65535]})",
       R"({"!dst_ports":[65535],"action":"allow","protocol":"6"})"},
      {"sctp ports", R"({"protocol": "sctp", "dst_ports": [1]})",
       R"({"action":"allow","dst_ports":[1],"protocol":"sctp"})"},
      {"empty ports list kept", R"({"protocol": "tcp", "dst_ports": []})",
       R"({"action":"allow","dst_ports":[],"protocol":"tcp"})"},
      {"cidr shorthand", R"({"src_net": "10/8"})", R"({"action":"allow","src_net":"10.0.0.0/8"})"},
      {"cidr shorthand with prefix", R"({"dst_net": "10.0.1/32"})",
       R"({"action":"allow","dst_net":"10.0.1.0/32"})"},
      {"host bits kept", R"({"!src_net": "10.1.2.3/16"})",
       R"({"!src_net":"10.1.2.3/16","action":"allow"})"},
      {"bare IP gets /32", R"({"src_net": "192.168.1.1"})",
       R"({"action":"allow","src_net":"192.168.1.1/32"})"},
      {"ipv6 compressed", R"({"ip_version": 6, "dst_net": "2001:db8:0:0:0:0:0:1/128"})",
       R"({"action":"allow","dst_net":"2001:db8::1/128","ip_version":6})"},
      {"nets lists", R"({"src_nets": ["10.0.0.0/8", "192.168.0.1"], "!dst_nets": []})",
       R"({"!dst_nets":[],"action":"allow","src_nets":["10.0.0.0/8","192.168.0.1/32"]})"},
      {"tags", R"({"src_tag": "trusted", "!dst_tag": "a.b-c_d"})",
       R"({"!dst_tag":"a.b-c_d","action":"allow","src_tag":"trusted"})"},
      {"log prefix sanitised and truncated to 27",
       R"({"action": "log", "log_prefix": "hello world!/abcdefghijklmnopqrstuvwxyz"})",
       R"({"action":"log","log_prefix":"hello_world__abcdefghijklmn"})"},
      {"log prefix: one _ per non-ASCII character", R"({"log_prefix": "caf\u00e9:x"})",
       R"({"action":"allow","log_prefix":"caf_:x"})"},
      {"icmp type and code", R"({"protocol": "icmp", "icmp_type": 8, "icmp_code": 0})",
       R"({"action":"allow","icmp_code":0,"icmp_type":8,"protocol":"icmp"})"},
      {"icmp type 255 passes PY validation", R"({"icmp_type": 255})",
       R"({"action":"allow","icmp_type":255})"},
      {"negated icmp", R"({"!icmp_type": 3, "!icmp_code": 1})",
       R"({"!icmp_code":1,"!icmp_type":3,"action":"allow"})"},
      {"null is the same as absent", R"({"protocol": null, "action": "deny", "foo": null})",
       R"({"action":"deny"})"},
      {"ip_version 4 with icmp", R"({"ip_version": 4, "protocol": "icmp"})",
       R"({"action":"allow","ip_version":4,"protocol":"icmp"})"},
  };
  for (const auto& c : cases) {
    Decoded d = DecodeRule(c.rule);
    EXPECT_TRUE(d.issues.empty()) << c.desc << ": " << (d.issues.empty() ? "" : d.issues[0]);
    EXPECT_EQ(RuleCanon(d), c.canonical) << c.desc;
  }
}

TEST(RuleTest, SelectorsAreParsedAndCanonical) {
  Decoded d = DecodeRule(R"({"src_selector": "role=='db'", "!dst_selector": "has(x) "})");
  ASSERT_NE(DecodedRule(d), nullptr);
  const Rule& r = *DecodedRule(d);
  ASSERT_TRUE(r.match.src_selector.has_value());
  EXPECT_EQ(r.match.src_selector->canonical(), selector::Parse("role == \"db\"")->canonical());
  ASSERT_TRUE(r.not_match.dst_selector.has_value());
  EXPECT_EQ(*r.not_match.dst_selector, *selector::Parse("has(x) "));
}

TEST(RuleTest, TypedFields) {
  Decoded d = DecodeRule(
      R"({"action": "deny", "ip_version": 4, "protocol": "tcp", "src_ports": ["1:2", 3]})");
  ASSERT_NE(DecodedRule(d), nullptr);
  const Rule& r = *DecodedRule(d);
  EXPECT_EQ(r.action, Action::kDeny);
  EXPECT_EQ(r.ip_version, 4);
  EXPECT_EQ(r.match.protocol, "tcp");
  std::vector<PortRange> want = {{1, 2}, {3, 3}};
  EXPECT_EQ(r.match.src_ports, want);
  EXPECT_FALSE(r.not_match.protocol.has_value());
}

struct RejectCase {
  const char* desc;
  const char* rule;
  std::vector<std::string> issues;
};

TEST(RuleTest, Rejects) {
  const RejectCase cases[] = {
      {"ports without protocol",
       R"({"dst_ports": [80]})",
       {"dst_ports is not allowed for protocol None in rule {'dst_ports': [80]}"}},
      {"bare numeric string port",
       R"({"protocol": "tcp", "dst_ports": ["80"]})",
       {"Invalid port 80 (range unparseable) in rule {'protocol': 'tcp', 'dst_ports': ['80']}."}},
      {"empty range",
       R"({"protocol": "tcp", "dst_ports": ["80:80"]})",
       {"Invalid port 80:80 (range invalid) in rule {'protocol': 'tcp', 'dst_ports': "
        "['80:80']}."}},
      {"range end too big",
       R"({"protocol": "tcp", "dst_ports": ["1:65536"]})",
       {"Invalid port 1:65536 (range invalid) in rule {'protocol': 'tcp', 'dst_ports': "
        "['1:65536']}."}},
      {"range not numbers",
       R"({"protocol": "tcp", "dst_ports": ["a:b"]})",
       {"Invalid port a:b (range invalid) in rule {'protocol': 'tcp', 'dst_ports': ['a:b']}."}},
      {"port out of range",
       R"({"protocol": "tcp", "dst_ports": [65536]})",
       {"Invalid port 65536 (integer out of range) in rule {'protocol': 'tcp', 'dst_ports': "
        "[65536]}."}},
      {"float port",
       R"({"protocol": "tcp", "dst_ports": [1.5]})",
       {"Invalid port 1.5 (neither integer nor string) in rule {'protocol': 'tcp', "
        "'dst_ports': [1.5]}."}},
      {"ports not a list",
       R"({"protocol": "tcp", "dst_ports": "80"})",
       {"Expected ports to be a list in rule {'protocol': 'tcp', 'dst_ports': '80'}."}},
      {"ports with icmp",
       R"({"protocol": "icmp", "dst_ports": [1]})",
       {"dst_ports is not allowed for protocol icmp in rule {'protocol': 'icmp', "
        "'dst_ports': [1]}"}},
      {"negated ports need the positive protocol",
       R"({"!protocol": "tcp", "!dst_ports": [1]})",
       {"!dst_ports is not allowed for protocol None in rule {'!protocol': 'tcp', "
        "'!dst_ports': [1]}"}},
      {"canonical protocol shows in later texts",
       R"({"protocol": 6, "dst_ports": [99999]})",
       {"Invalid port 99999 (integer out of range) in rule {'protocol': '6', 'dst_ports': "
        "[99999]}."}},
      {"dccp not a kernel protocol",
       R"({"protocol": "dccp"})",
       {"Invalid protocol dccp in rule {'protocol': 'dccp'}"}},
      {"protocol 0", R"({"protocol": 0})", {"Invalid protocol 0 in rule {'protocol': 0}"}},
      {"protocol 256",
       R"({"protocol": "256"})",
       {"Invalid protocol 256 in rule {'protocol': '256'}"}},
      {"upper-case protocol",
       R"({"protocol": "TCP"})",
       {"Invalid protocol TCP in rule {'protocol': 'TCP'}"}},
      {"negated protocol",
       R"({"!protocol": "foo"})",
       {"Invalid !protocol foo in rule {'!protocol': 'foo'}"}},
      {"icmp code without type", R"({"icmp_code": 0})", {"ICMP code specified without ICMP type."}},
      {"negated icmp code without negated type",
       R"({"icmp_type": 1, "!icmp_code": 0})",
       {"ICMP code specified without ICMP type."}},
      {"icmp type out of range",
       R"({"icmp_type": 256})",
       {"ICMP type is out of range in rule {'icmp_type': 256}."}},
      {"icmp type not an int",
       R"({"icmp_type": "8"})",
       {"ICMP type is not an integer in rule {'icmp_type': '8'}."}},
      {"icmp code out of range",
       R"({"icmp_type": 8, "icmp_code": 300})",
       {"ICMP code is out of range."}},
      {"icmp code not an int",
       R"({"icmp_type": 8, "icmp_code": 1.0})",
       {"ICMP code is not an integer in rule {'icmp_type': 8, 'icmp_code': 1.0}."}},
      {"bad ip_version stops the rule's checks",
       R"({"ip_version": 5, "foo": 1})",
       {"Invalid ip_version in rule {'ip_version': 5, 'foo': 1}."}},
      {"icmpv6 with IPv4 (once per polarity pass)",
       R"({"ip_version": 4, "protocol": "icmpv6"})",
       {"Using icmpv6 with IPv4 in rule {'ip_version': 4, 'protocol': 'icmpv6'}.",
        "Using icmpv6 with IPv4 in rule {'ip_version': 4, 'protocol': 'icmpv6'}."}},
      {"icmp with IPv6",
       R"({"ip_version": 6, "protocol": "icmp"})",
       {"Using icmp with IPv6 in rule {'ip_version': 6, 'protocol': 'icmp'}.",
        "Using icmp with IPv6 in rule {'ip_version': 6, 'protocol': 'icmp'}."}},
      {"net of the wrong family",
       R"({"ip_version": 4, "src_net": "fe80::1/64"})",
       {"Invalid CIDR (version 4) in rule {'ip_version': 4, 'src_net': 'fe80::1/64'}."}},
      {"bad prefix",
       R"({"src_net": "10.0.0.0/33"})",
       {"Invalid CIDR (version None) in rule {'src_net': '10.0.0.0/33'}."}},
      {"net not a string",
       R"({"!dst_net": 10})",
       {"Invalid CIDR (version None) in rule {'!dst_net': 10}."}},
      {"nets not a list",
       R"({"src_nets": "10.0.0.0/8"})",
       {"Expected src_nets to be a list in rule {'src_nets': '10.0.0.0/8'}."}},
      {"nets mixing valid and invalid",
       R"({"src_nets": ["10.0.0.0/8", "bogus"]})",
       {"Invalid CIDR (version None) in rule {'src_nets': ['10.0.0.0/8', 'bogus']}."}},
      {"bad tag", R"({"src_tag": "bad tag"})", {"Invalid src_tag: 'bad tag'."}},
      {"tag not a string", R"({"!dst_tag": 1})", {"Invalid !dst_tag: 1."}},
      {"bad selector", R"({"dst_selector": "has("})", {"Invalid dst_selector: 'has('"}},
      {"unknown action",
       R"({"action": "accept"})",
       {"Invalid action in rule {'action': 'accept'}."}},
      {"sanitised log prefix shows in later texts",
       R"({"log_prefix": "a b", "action": "bad"})",
       {"Invalid action in rule {'log_prefix': 'a_b', 'action': 'bad'}."}},
      {"log prefix not a string (once per pass)",
       R"({"log_prefix": 5})",
       {"Log prefix should be a string", "Log prefix should be a string"}},
      {"unknown key", R"({"foo": 1})", {"Rule contains unknown keys: set(['foo'])."}},
      {"unknown keys sorted",
       R"({"zz": 1, "!action": "allow", "aa": [true, null]})",
       {"Rule contains unknown keys: set(['!action', 'aa', 'zz'])."}},
      {"issues in PY order",
       R"({"protocol": "tcp", "dst_ports": ["1:2:3", -1], "foo": true})",
       {"Invalid port 1:2:3 (range unparseable) in rule {'protocol': 'tcp', 'dst_ports': "
        "['1:2:3', -1], 'foo': True}.",
        "Invalid port -1 (integer out of range) in rule {'protocol': 'tcp', 'dst_ports': "
        "['1:2:3', -1], 'foo': True}.",
        "Rule contains unknown keys: set(['foo'])."}},
      {"not a dict", R"([1])", {"Rule should be a dict: [1]"}},
      {"undecodable", R"({)", {"Rule should be a dict: None"}},
  };
  for (const auto& c : cases) {
    Decoded d = DecodeRule(c.rule);
    EXPECT_FALSE(d.value.has_value()) << c.desc;
    EXPECT_EQ(d.issues, c.issues) << c.desc;
  }
}

}  // namespace
}  // namespace felix::model
