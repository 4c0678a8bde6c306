// Integration tests (root; ctest label `integration`) of policy semantics on
// the real packet path: next-tier across tiers, profiles, negated fields, port
// ranges, ICMP and ICMPv6 types, UDP, the log action. Each case programs
// real calc messages for host endpoint ep0 on h:eth0 and sends real traffic
// from p (nc, ping, socat). Fixture and topology: netns_fixture.h.
#include "dataplane/netns_fixture.h"

namespace felix::dataplane {
namespace {

using namespace nstest;  // NOLINT: the fixture's helpers

using model::Action;

// One row: the messages to program (after Config, before InSync) and the
// expected outcome per destination port of a TCP connection p -> h:eth0.
struct Case {
  std::string description;
  std::vector<calc::Message> msgs;
  std::vector<std::pair<int, bool>> tcp_ports;
};

class PolicyNetnsTest : public NetnsTest {
 protected:
  void Run(const std::vector<Case>& cases) {
    for (const auto& c : cases) {
      SCOPED_TRACE(c.description);
      std::vector<calc::Message> msgs = {Config()};
      msgs.insert(msgs.end(), c.msgs.begin(), c.msgs.end());
      msgs.push_back(calc::InSync{});
      ASSERT_NO_FATAL_FAILURE(Program(msgs));
      for (const auto& [port, want] : c.tcp_ports) {
        EXPECT_EQ(Connects("10.99.0.1", port), want) << c.description << ": tcp " << port;
      }
    }
  }
};

calc::HostEndpointUpdate HepTiers(std::vector<calc::TierInfo> tiers,
                                  std::vector<std::string> profiles = {}) {
  calc::HostEndpointUpdate u = Hep("ep0", "eth0");
  u.policy.tiers = std::move(tiers);
  u.policy.profile_ids = std::move(profiles);
  return u;
}

calc::Rule AnyTcp(Action a) { return Tcp(a, std::nullopt); }

TEST_F(PolicyNetnsTest, NextTier) {
  Run({
      {"next-tier skips the rest of its tier; a later tier allows",
       {Policy("a", {Tcp(Action::kNextTier, 80)}, {}, "t1"),
        Policy("b", {AnyTcp(Action::kDeny)}, {}, "t1"),
        Policy("c", {AnyTcp(Action::kAllow)}, {}, "t2"),
        HepTiers({{"t1", {"a", "b"}}, {"t2", {"c"}}})},
       {{80, true}, {8080, false}}},
      {"a tier whose policies matched but none passed drops",
       {Policy("d", {Tcp(Action::kAllow, 8080)}, {}, "t1"),
        HepTiers({{"t1", {"d"}}, {"t2", {"c"}}})},
       {{80, false}, {8080, true}}},
      {"next-tier into a tier that ends without a verdict drops",
       {Policy("e", {AnyTcp(Action::kNextTier)}, {}, "t1"),
        Policy("f", {Tcp(Action::kAllow, 8080)}, {}, "t2"),
        HepTiers({{"t1", {"e"}}, {"t2", {"f"}}})},
       {{80, false}, {8080, true}}},
  });
}

TEST_F(PolicyNetnsTest, Profiles) {
  const calc::ActiveProfileUpdate allow80{"allow-80", {Tcp(Action::kAllow, 80)}, {}};
  const calc::ActiveProfileUpdate pass80{
      "pass-80", {Tcp(Action::kNextTier, 80), AnyTcp(Action::kDeny)}, {}};
  Run({
      {"allow via profile", {allow80, HepTiers({}, {"allow-80"})}, {{80, true}, {8080, false}}},
      {"a missing profile drops at its place",
       {allow80, HepTiers({}, {"no-such-profile", "allow-80"})},
       {{80, false}, {22, true}}},
      {"next-tier in a profile moves to the next profile",
       {allow80, pass80, HepTiers({}, {"pass-80", "allow-80"})},
       {{80, true}, {8080, false}}},
      {"profiles after a tier that passes",
       {allow80, Policy("pass-all", {AnyTcp(Action::kNextTier)}),
        HepTiers({{"default", {"pass-all"}}}, {"allow-80"})},
       {{80, true}, {8080, false}}},
  });
}

TEST_F(PolicyNetnsTest, Negations) {
  auto allow_tcp_not = [](auto set_field) {
    calc::Rule r = AnyTcp(Action::kAllow);
    set_field(r.not_match);
    return r;
  };
  auto peer = *model::ParseCidr("10.99.0.2/32", 4);
  auto other = *model::ParseCidr("10.99.0.3/32", 4);
  Run({
      {"!src_net excluding the peer",
       {Policy("n1", {allow_tcp_not([&](calc::RuleMatch& m) { m.src_net = peer; })}),
        Hep("ep0", "eth0", {"n1"})},
       {{80, false}}},
      {"!src_net excluding another address",
       {Policy("n2", {allow_tcp_not([&](calc::RuleMatch& m) { m.src_net = other; })}),
        Hep("ep0", "eth0", {"n2"})},
       {{80, true}}},
      {"!src_nets list holding the peer",
       {Policy("n3", {allow_tcp_not([&](calc::RuleMatch& m) {
                 m.src_nets = {{other, peer}};
               })}),
        Hep("ep0", "eth0", {"n3"})},
       {{80, false}}},
      {"!dst_ports 80",
       {Policy("n4", {allow_tcp_not([](calc::RuleMatch& m) {
                 m.dst_ports = std::vector<model::PortRange>{{80, 80}};
               })}),
        Hep("ep0", "eth0", {"n4"})},
       {{80, false}, {8080, true}}},
      {"!src_selector with the peer in the set",
       {calc::IpSetUpdate{"neg-in", {peer}},
        Policy("n5", {allow_tcp_not([](calc::RuleMatch& m) { m.src_ip_set_ids = {"neg-in"}; })}),
        Hep("ep0", "eth0", {"n5"})},
       {{80, false}}},
      {"!src_selector with the peer outside the set",
       {calc::IpSetUpdate{"neg-out", {other}},
        Policy("n6", {allow_tcp_not([](calc::RuleMatch& m) { m.src_ip_set_ids = {"neg-out"}; })}),
        Hep("ep0", "eth0", {"n6"})},
       {{80, true}}},
      {"!protocol tcp",
       {Policy("n7", {[] {
                 calc::Rule r;
                 r.not_match.protocol = "tcp";
                 return r;
               }()}),
        Hep("ep0", "eth0", {"n7"})},
       {{80, false}}},
  });
}

TEST_F(PolicyNetnsTest, PortRanges) {
  for (int port : {8000, 8081}) ASSERT_TRUE(sb_.Listen("h", port).ok());
  calc::Rule range = AnyTcp(Action::kAllow);
  range.match.dst_ports = std::vector<model::PortRange>{{8000, 8080}};
  calc::Rule not_range = AnyTcp(Action::kAllow);
  not_range.not_match.dst_ports = std::vector<model::PortRange>{{8000, 8080}};
  calc::Rule list = AnyTcp(Action::kAllow);
  list.match.dst_ports = std::vector<model::PortRange>{{80, 80}, {8081, 9000}};
  Run({
      {"8000:8080 inside and outside",
       {Policy("r1", {range}), Hep("ep0", "eth0", {"r1"})},
       {{8000, true}, {8080, true}, {8081, false}, {80, false}}},
      {"!8000:8080",
       {Policy("r2", {not_range}), Hep("ep0", "eth0", {"r2"})},
       {{80, true}, {8000, false}, {8080, false}, {8081, true}}},
      {"a list of a port and a range",
       {Policy("r3", {list}), Hep("ep0", "eth0", {"r3"})},
       {{80, true}, {8081, true}, {8080, false}}},
  });
}

// Both ports negated: each must differ (nc's source port is never 1). First
// in the full program (libnftables), then changed (our own batch).
TEST_F(PolicyNetnsTest, NegatedSourceAndDestinationPorts) {
  calc::Rule not_both = AnyTcp(Action::kAllow);
  not_both.not_match.src_ports = std::vector<model::PortRange>{{1, 1}};
  not_both.not_match.dst_ports = std::vector<model::PortRange>{{80, 80}};
  calc::Rule not_both_8080 = not_both;
  not_both_8080.not_match.dst_ports = std::vector<model::PortRange>{{8080, 8080}};
  Run({
      {"!sport 1 and !dport 80, full program",
       {Policy("n", {not_both}), Hep("ep0", "eth0", {"n"})},
       {{80, false}, {8080, true}}},
      {"!sport 1 and !dport 8080, changed",
       {Policy("n", {not_both_8080}), Hep("ep0", "eth0", {"n"})},
       {{80, true}, {8080, false}}},
  });
}

TEST_F(PolicyNetnsTest, IcmpTypes) {
  auto icmp = [](const std::string& proto, int type, std::optional<int> code = std::nullopt) {
    calc::Rule r;
    r.match.protocol = proto;
    r.match.icmp_type = type;
    r.match.icmp_code = code;
    return r;
  };
  struct Row {
    std::string description;
    calc::Rule rule;
    std::string addr;
    bool want;
  } rows[] = {
      {"icmp type 8 (echo request): ping works", icmp("icmp", 8), "10.99.0.1", true},
      {"icmp type 8 code 0", icmp("icmp", 8, 0), "10.99.0.1", true},
      {"icmp type 8 code 1: no match", icmp("icmp", 8, 1), "10.99.0.1", false},
      {"icmp type 13 only: ping fails", icmp("icmp", 13), "10.99.0.1", false},
      {"icmpv6 type 128 (echo request): ping works", icmp("icmpv6", 128), "fd99::1", true},
      {"icmpv6 type 129 only: ping fails", icmp("icmpv6", 129), "fd99::1", false},
      {"icmp type 8 does not open ICMPv6 echo", icmp("icmp", 8), "fd99::1", false},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.description);
    ASSERT_NO_FATAL_FAILURE(Program(
        {Config(), Policy("icmp", {row.rule}), Hep("ep0", "eth0", {"icmp"}), calc::InSync{}}));
    EXPECT_EQ(Pings(row.addr), row.want) << row.description;
  }
}

// Every spelling of ICMP Felix accepts narrows as written: the numeric
// protocols and ICMP fields without a protocol (issue: `protocol 1` with
// `!icmp_type 8` allowed every ping; a deny of `icmp_type 8` without a
// protocol was skipped).
TEST_F(PolicyNetnsTest, IcmpNumericProtocolAndNoProtocol) {
  calc::Rule not_echo;
  not_echo.match.protocol = "1";
  not_echo.not_match.icmp_type = 8;
  calc::Rule deny_echo;
  deny_echo.action = Action::kDeny;
  deny_echo.match.icmp_type = 8;
  calc::Rule deny_echo6 = deny_echo;
  deny_echo6.match.protocol = "58";
  deny_echo6.match.icmp_type = 128;
  calc::Rule not_echo_any;
  not_echo_any.not_match.icmp_type = 8;
  calc::Rule allow_all;
  struct Row {
    std::string description;
    std::vector<calc::Rule> rules;
    bool ping4, ping6, tcp;
  } rows[] = {
      {"protocol 1, !icmp_type 8: ping denied", {not_echo}, false, false, false},
      {"deny icmp_type 8 (no protocol), then allow: v4 ping denied",
       {deny_echo, allow_all},
       false,
       true,
       true},
      {"deny protocol 58 icmp_type 128, then allow: v6 ping denied",
       {deny_echo6, allow_all},
       true,
       false,
       true},
      {"!icmp_type 8 alone (no protocol): tcp and v6 ping pass, v4 ping does not",
       {not_echo_any},
       false,
       true,
       true},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.description);
    ASSERT_NO_FATAL_FAILURE(Program(
        {Config(), Policy("icmp", row.rules), Hep("ep0", "eth0", {"icmp"}), calc::InSync{}}));
    EXPECT_EQ(Pings("10.99.0.1"), row.ping4);
    EXPECT_EQ(Pings("fd99::1"), row.ping6);
    EXPECT_EQ(Connects("10.99.0.1", 80), row.tcp);
  }
}

TEST_F(PolicyNetnsTest, Udp) {
  const int open = UdpSocket(5300), closed = UdpSocket(5301);
  calc::Rule udp;
  udp.match.protocol = "udp";
  udp.match.dst_ports = std::vector<model::PortRange>{{5300, 5300}};
  ASSERT_TRUE(UdpArrives(open, "10.99.0.1", 5300)) << "no table: open";
  Program({Config(), Hep("ep0", "eth0"), calc::InSync{}});
  EXPECT_FALSE(UdpArrives(open, "10.99.0.1", 5300)) << "no policy: drop";
  Program({Policy("udp", {udp}), Hep("ep0", "eth0", {"udp"})});
  EXPECT_TRUE(UdpArrives(open, "10.99.0.1", 5300));
  EXPECT_FALSE(UdpArrives(closed, "10.99.0.1", 5301));
  EXPECT_FALSE(Connects("10.99.0.1", 80)) << "udp rule does not open tcp";
}

TEST_F(PolicyNetnsTest, LogActionKeepsTheVerdict) {
  calc::Rule log = Tcp(Action::kLog, 80);
  log.log_prefix = "felix-test";
  calc::Rule allow_logged = Tcp(Action::kAllow, 80);
  allow_logged.log_prefix = "felix-allow";
  Run({
      {"log then allow",
       {Policy("l1", {log, Tcp(Action::kAllow, 80)}), Hep("ep0", "eth0", {"l1"})},
       {{80, true}, {8080, false}}},
      {"log alone: falls through to the drop",
       {Policy("l2", {log}), Hep("ep0", "eth0", {"l2"})},
       {{80, false}}},
      {"log then deny",
       {Policy("l3", {log, Tcp(Action::kDeny, 80), AnyTcp(Action::kAllow)}),
        Hep("ep0", "eth0", {"l3"})},
       {{80, false}, {8080, true}}},
      {"allow with log_prefix",
       {Policy("l4", {allow_logged}), Hep("ep0", "eth0", {"l4"})},
       {{80, true}}},
  });
  bool logged = false;
  for (const auto& [name, chain] : dp_->programmed().chains) {
    for (const auto& r : chain.rules)
      logged |= r.find("log prefix \"felix-test: \"") != std::string::npos;
  }
  EXPECT_TRUE(logged);
}

}  // namespace
}  // namespace felix::dataplane
