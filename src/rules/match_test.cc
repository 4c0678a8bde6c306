// Table tests for one rule's nft text (match.h): every rule field, positive
// and negated, per family, and every action.
#include "rules/match.h"

#include <functional>

#include <gtest/gtest.h>

#include "rules/test_util.h"

namespace felix::rules {
namespace {

using namespace testing;  // NOLINT
using model::Action;

struct Case {
  const char* desc;
  std::function<calc::Rule()> rule;
  bool in_profile;
  std::vector<std::string> want;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.desc; }

const char kAllow[] = "counter meta mark set meta mark | 0x01000000 return";

const Case kCases[] = {
    {"empty rule allows everything", [] { return Allow(); }, false, {kAllow}},
    {"deny", [] { return WithAction(Allow(), Action::kDeny); }, false, {"counter drop"}},
    {"next-tier in a policy sets the pass bit",
     [] { return WithAction(Allow(), Action::kNextTier); },
     false,
     {"counter meta mark set meta mark | 0x02000000 return"}},
    {"next-tier in a profile returns",
     [] { return WithAction(Allow(), Action::kNextTier); },
     true,
     {"counter return"}},
    {"log without prefix",
     [] { return WithAction(Allow(), Action::kLog); },
     false,
     {"counter limit rate 10/second log prefix \"calico-packet: \" level notice"}},
    {"log with prefix",
     [] {
       auto r = WithAction(Proto("tcp"), Action::kLog);
       r.log_prefix = "my-pfx";
       return r;
     },
     false,
     {"meta l4proto tcp counter limit rate 10/second log prefix \"my-pfx: \" level notice"}},
    {"deny with log_prefix logs first",
     [] {
       auto r = WithAction(Allow(), Action::kDeny);
       r.log_prefix = "d";
       return r;
     },
     false,
     {"limit rate 10/second log prefix \"d: \" level notice", "counter drop"}},
    {"protocol name",
     [] { return Proto("udp"); },
     false,
     {std::string("meta l4proto udp ") + kAllow}},
    {"protocol number",
     [] { return Proto("47"); },
     false,
     {std::string("meta l4proto 47 ") + kAllow}},
    {"icmpv6 protocol is ipv6-icmp",
     [] { return Proto("icmpv6"); },
     false,
     {std::string("meta l4proto ipv6-icmp ") + kAllow}},
    {"negated protocol",
     [] {
       calc::Rule r;
       r.not_match.protocol = "tcp";
       return r;
     },
     false,
     {std::string("meta l4proto != tcp ") + kAllow}},
    {"src_net v4, host bits masked",
     [] {
       calc::Rule r;
       r.match.src_net = C("10.1.2.3/8");
       return r;
     },
     false,
     {std::string("meta nfproto ipv4 ip saddr 10.0.0.0/8 ") + kAllow}},
    {"dst_net v6 single address",
     [] {
       calc::Rule r;
       r.match.dst_net = C("fd00::1/128");
       return r;
     },
     false,
     {std::string("meta nfproto ipv6 ip6 daddr fd00::1 ") + kAllow}},
    {"negated src_net: other family unconstrained",
     [] {
       calc::Rule r;
       r.not_match.src_net = C("10.0.0.0/8");
       return r;
     },
     false,
     {std::string("meta nfproto ipv4 ip saddr != 10.0.0.0/8 ") + kAllow,
      std::string("meta nfproto ipv6 ") + kAllow}},
    {"src_nets mixed families split per family",
     [] {
       calc::Rule r;
       r.match.src_nets = std::vector{C("10.0.0.0/8"), C("192.168.1.1/32"), C("fd00::/8")};
       return r;
     },
     false,
     {std::string("meta nfproto ipv4 ip saddr { 10.0.0.0/8, 192.168.1.1 } ") + kAllow,
      std::string("meta nfproto ipv6 ip6 saddr fd00::/8 ") + kAllow}},
    {"negated dst_nets",
     [] {
       calc::Rule r;
       r.ip_version = 4;
       r.not_match.dst_nets = std::vector{C("10.0.0.0/8"), C("172.16.0.0/12")};
       return r;
     },
     false,
     {std::string("meta nfproto ipv4 ip daddr != { 10.0.0.0/8, 172.16.0.0/12 } ") + kAllow}},
    {"v4 CIDR with ip_version 6 never matches",
     [] {
       calc::Rule r;
       r.ip_version = 6;
       r.match.src_net = C("10.0.0.0/8");
       return r;
     },
     false,
     {}},
    {"ip_version alone",
     [] {
       calc::Rule r;
       r.ip_version = 6;
       return r;
     },
     false,
     {std::string("meta nfproto ipv6 ") + kAllow}},
    {"selectors and tags as set lookups",
     [] {
       calc::Rule r;
       r.match.src_ip_set_ids = {"s:abc", "t:tag1"};
       r.not_match.dst_ip_set_ids = {"t:bad"};
       return r;
     },
     false,
     {"meta nfproto ipv4 ip saddr @cali4-_6222efb6bd6fb7da ip saddr @cali4-_d7d737594918201e "
      "ip daddr != @cali4-_469ce7c6f4c5ffc0 " +
          std::string(kAllow),
      "meta nfproto ipv6 ip6 saddr @cali6-_6222efb6bd6fb7da ip6 saddr @cali6-_d7d737594918201e "
      "ip6 daddr != @cali6-_469ce7c6f4c5ffc0 " +
          std::string(kAllow)}},
    {"dst port list and range",
     [] {
       auto r = Proto("tcp");
       r.match.dst_ports = Ports({{22, 22}, {8000, 8080}});
       return r;
     },
     false,
     {std::string("meta l4proto tcp tcp dport { 22, 8000-8080 } ") + kAllow}},
    {"single src port, negated dst range",
     [] {
       auto r = Proto("udp");
       r.match.src_ports = Ports({{53, 53}});
       r.not_match.dst_ports = Ports({{1, 1023}});
       return r;
     },
     false,
     {std::string("meta l4proto udp udp sport 53 udp dport != 1-1023 ") + kAllow}},
    {"negated single src and dst ports are ranges (nft would join them into one !=)",
     [] {
       auto r = Proto("tcp");
       r.not_match.src_ports = Ports({{1, 1}});
       r.not_match.dst_ports = Ports({{80, 80}});
       return r;
     },
     false,
     {std::string("meta l4proto tcp tcp sport != 1-1 tcp dport != 80-80 ") + kAllow}},
    {"ports with a protocol number use th",
     [] {
       auto r = Proto("6");
       r.not_match.src_ports = Ports({{1, 1}, {2, 3}});
       return r;
     },
     false,
     {std::string("meta l4proto 6 th sport != { 1, 2-3 } ") + kAllow}},
    {"icmp type and code",
     [] {
       auto r = Proto("icmp");
       r.match.icmp_type = 8;
       r.match.icmp_code = 0;
       return r;
     },
     false,
     {std::string("meta l4proto icmp icmp type 8 icmp code 0 ") + kAllow}},
    {"icmpv6 type",
     [] {
       auto r = Proto("icmpv6");
       r.match.icmp_type = 128;
       return r;
     },
     false,
     {std::string("meta l4proto ipv6-icmp icmpv6 type 128 ") + kAllow}},
    {"negated icmp type",
     [] {
       auto r = Proto("icmp");
       r.not_match.icmp_type = 8;
       return r;
     },
     false,
     {std::string("meta l4proto icmp icmp type != 8 ") + kAllow}},
    {"negated icmp type+code is not(type and code)",
     [] {
       auto r = WithAction(Proto("icmp"), Action::kDeny);
       r.not_match.icmp_type = 3;
       r.not_match.icmp_code = 1;
       return r;
     },
     false,
     {"meta l4proto icmp icmp type != 3 counter drop",
      "meta l4proto icmp icmp type 3 icmp code != 1 counter drop"}},
    {"icmp type without protocol matches the ICMP of each family",
     [] {
       calc::Rule r;
       r.action = Action::kDeny;
       r.match.icmp_type = 8;
       return r;
     },
     false,
     {"meta l4proto icmp icmp type 8 counter drop",
      "meta l4proto ipv6-icmp icmpv6 type 8 counter drop"}},
    {"negated icmp type without protocol also matches what is not ICMP",
     [] {
       calc::Rule r;
       r.not_match.icmp_type = 8;
       return r;
     },
     false,
     {std::string("meta l4proto icmp icmp type != 8 ") + kAllow,
      std::string("meta l4proto ipv6-icmp icmpv6 type != 8 ") + kAllow,
      std::string("meta l4proto != { icmp, ipv6-icmp } ") + kAllow}},
    {"icmp type without protocol with a v4 net: v4 only",
     [] {
       calc::Rule r;
       r.match.icmp_type = 8;
       r.match.src_net = C("10.0.0.0/8");
       return r;
     },
     false,
     {std::string("meta nfproto ipv4 ip saddr 10.0.0.0/8 meta l4proto icmp icmp type 8 ") +
      kAllow}},
    {"numeric protocol 1 is icmp: a negated type narrows",
     [] {
       auto r = Proto("1");
       r.not_match.icmp_type = 8;
       return r;
     },
     false,
     {std::string("meta l4proto 1 icmp type != 8 ") + kAllow}},
    {"numeric protocol 58 is icmpv6",
     [] {
       auto r = WithAction(Proto("58"), Action::kDeny);
       r.match.icmp_type = 128;
       return r;
     },
     false,
     {"meta l4proto 58 icmpv6 type 128 counter drop"}},
    {"icmp protocol with a v6 net never matches",
     [] {
       auto r = Proto("icmp");
       r.match.src_net = C("fd00::/8");
       return r;
     },
     false,
     {}},
    {"icmp protocol with a set: v4 only",
     [] {
       auto r = Proto("icmp");
       r.match.src_ip_set_ids = {"x"};
       return r;
     },
     false,
     {std::string("meta nfproto ipv4 meta l4proto icmp ip saddr @cali4-x ") + kAllow}},
    {"negated icmp with tcp is trivially true",
     [] {
       auto r = Proto("tcp");
       r.not_match.icmp_type = 8;
       return r;
     },
     false,
     {std::string("meta l4proto tcp ") + kAllow}},
};

class RuleTest : public ::testing::TestWithParam<Case> {};

TEST_P(RuleTest, RendersExactText) {
  const Case& c = GetParam();
  EXPECT_EQ(RenderRule(c.rule(), c.in_profile), c.want) << c.desc;
}

TEST(RuleCommentTest, TheCommentFollowsTheVerdictOfEveryAlternative) {
  calc::Rule r = Proto("tcp");
  r.match.src_nets = std::vector{C("10.0.0.0/8"), C("fd00::/8")};
  EXPECT_EQ(RenderRule(r, false, "calico-packet", "policy default/web inbound rule 2"),
            (std::vector<std::string>{
                std::string("meta nfproto ipv4 meta l4proto tcp ip saddr 10.0.0.0/8 ") + kAllow +
                    " comment \"policy default/web inbound rule 2\"",
                std::string("meta nfproto ipv6 meta l4proto tcp ip6 saddr fd00::/8 ") + kAllow +
                    " comment \"policy default/web inbound rule 2\""}));
}

TEST(RuleCommentTest, UnsafeCharactersAreReplacedAndLongTextsCut) {
  EXPECT_EQ(CommentStatement("policy t/a\"b\\c\n\xc3\xa9 x"), "comment \"policy t/a_b_c___ x\"");
  EXPECT_EQ(CommentStatement(std::string(300, 'a')), "comment \"" + std::string(200, 'a') + "\"");
}

TEST(OverrideDropsTest, CountersAndCommentsSurviveAndTheLogRuleHasNoCounter) {
  std::vector<std::string> rules = {
      "meta mark & 0x02000000 == 0 counter drop comment \"end of tier t\"",
      "counter drop comment \"no policy or profile allowed\"", "ct state invalid drop",
      "counter accept"};
  OverrideDrops(rules, config::DropActionOverride::kLogAndAccept);
  const std::string log = "limit rate 10/second log prefix \"calico-drop: \" level notice";
  EXPECT_EQ(rules, (std::vector<std::string>{
                       "meta mark & 0x02000000 == 0 " + log,
                       "meta mark & 0x02000000 == 0 counter accept comment \"end of tier t\"",
                       log,
                       "counter accept comment \"no policy or profile allowed\"",
                       "ct state invalid " + log,
                       "ct state invalid accept",
                       "counter accept",
                   }));
  std::vector<std::string> again = rules;
  OverrideDrops(again, config::DropActionOverride::kLogAndAccept);
  EXPECT_EQ(again, rules);
}

INSTANTIATE_TEST_SUITE_P(Fields, RuleTest, ::testing::ValuesIn(kCases));

}  // namespace
}  // namespace felix::rules
