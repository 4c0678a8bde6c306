// Trace: the verdict and the steps that name what decided it, for each
// branch of the chain layout (the differential test holds the verdicts
// against a real kernel).
#include "rules/trace.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rules/test_util.h"

namespace felix::rules {
namespace {

using testing::Allow;
using testing::C;
using ::testing::Contains;
using ::testing::HasSubstr;
using testing::Ports;
using testing::Proto;
using testing::WithAction;

model::IpAddr Ip(const char* s) { return *model::ParseIpAddr(s, 0); }

calc::Rule TcpTo(int port, model::Action a = model::Action::kAllow) {
  calc::Rule r = WithAction(Proto("tcp"), a);
  r.match.dst_ports = Ports({{port, port}});
  return r;
}

class TraceTest : public ::testing::Test {
 protected:
  TraceTest() {
    s_.config.failsafe_inbound = {{config::Protocol::kTcp, "", 22}};
    s_.config.failsafe_outbound = {{config::Protocol::kTcp, "10.0.0.0/8", 2379}};
  }
  void Policy(const std::string& tier, const std::string& name, std::vector<calc::Rule> in,
              std::vector<calc::Rule> out = {}, bool untracked = false) {
    s_.policies[{tier, name}] = calc::ActivePolicyUpdate{{tier, name}, in, out, untracked};
  }
  calc::HostEndpointUpdate& Host(const std::string& id, const std::string& iface,
                                 std::vector<calc::TierInfo> tiers,
                                 std::vector<std::string> profiles = {}) {
    auto& h = s_.host_endpoints[{id}];
    h.id = {id};
    if (!iface.empty()) h.name = iface;
    h.policy.tiers = std::move(tiers);
    h.policy.profile_ids = std::move(profiles);
    return h;
  }
  // Workload endpoint k8s/pod/eth0 on cali1 with a profile allowing all.
  void OpenWorkload() {
    auto& w = s_.workload_endpoints[{"k8s", "pod", "eth0"}];
    w.id = {"k8s", "pod", "eth0"};
    w.name = "cali1";
    w.active = true;
    w.policy.profile_ids = {"open"};
    s_.profiles["open"] = {"open", {Allow()}, {Allow()}};
  }
  TraceResult In(const std::string& iface, int dport, const char* src = "10.1.0.2",
                 const char* dst = "10.1.0.1") {
    return Run(iface, "", dport, src, dst);
  }
  TraceResult Run(const std::string& in, const std::string& out, int dport, const char* src,
                  const char* dst, int proto = 6) {
    TraceQuery q{in, out, {}};
    q.packet.src = Ip(src);
    q.packet.dst = Ip(dst);
    q.packet.family = q.packet.src.family;
    q.packet.proto = proto;
    q.packet.sport = 40000;
    q.packet.dport = dport;
    if (proto == 1 || proto == 58) {
      q.packet.sport = q.packet.dport = 0;
      q.packet.icmp_type = dport;
      q.packet.icmp_code = 0;
    }
    return Trace(s_, r_, q);
  }

  DesiredState s_;
  InterfaceResolution r_;
};

TEST_F(TraceTest, AnInterfaceWithoutHostEndpointIsNotPoliced) {
  const TraceResult t = In("eth9", 80);
  EXPECT_TRUE(t.allowed);
  ASSERT_EQ(t.steps.size(), 1u);
  EXPECT_EQ(t.steps[0], "interface eth9 is not a host endpoint (IPv4): not policed");
}

TEST_F(TraceTest, TheFirstMatchingRuleDecidesAndIsNamedOneBased) {
  Policy("default", "web", {TcpTo(443, model::Action::kDeny), TcpTo(80)});
  Host("eth0-ep", "eth0", {{"default", {"web"}}});
  TraceResult t = In("eth0", 80);
  EXPECT_TRUE(t.allowed);
  EXPECT_THAT(t.steps, Contains("interface eth0 is host endpoint eth0-ep (by name)"));
  EXPECT_EQ(t.steps.back(), "tier default policy web inbound rule 2: allow proto tcp dst-ports 80");
  t = In("eth0", 443);
  EXPECT_FALSE(t.allowed);
  EXPECT_THAT(t.steps, Contains("tier default policy web inbound rule 1: deny proto tcp "
                                "dst-ports 443"));
}

TEST_F(TraceTest, ATierWhereNothingMatchesDropsAtItsEnd) {
  Policy("default", "web", {TcpTo(80)});
  Host("ep", "eth0", {{"default", {"web"}}});
  const TraceResult t = In("eth0", 8080);
  EXPECT_FALSE(t.allowed);
  EXPECT_THAT(t.steps.back(), HasSubstr("tier default applies but none of its policies allowed"));
}

TEST_F(TraceTest, NextTierPassesToTheNextTierAndThenToProfiles) {
  Policy("t1", "pass", {WithAction(Allow(), model::Action::kNextTier)});
  Policy("t1", "never", {Allow()});  // skipped: the tier passed
  Policy("t2", "pass", {WithAction(Allow(), model::Action::kNextTier)});
  s_.profiles["prof"] = {"prof", {TcpTo(80)}, {}};
  Host("ep", "eth0", {{"t1", {"pass", "never"}}, {"t2", {"pass"}}}, {"prof"});
  TraceResult t = In("eth0", 80);
  EXPECT_TRUE(t.allowed);
  EXPECT_THAT(t.steps, Contains("tier t1 policy pass inbound rule 1: next-tier (any packet)"));
  EXPECT_EQ(t.steps.back(), "profile prof inbound rule 1: allow proto tcp dst-ports 80");
  t = In("eth0", 81);
  EXPECT_FALSE(t.allowed);
  EXPECT_THAT(t.steps.back(), HasSubstr("the endpoint's final drop (inbound)"));
}

TEST_F(TraceTest, ATierWithDefaultActionPassLeavesUndecidedPacketsToWhatFollows) {
  Policy("t1", "web", {TcpTo(80)});
  s_.profiles["prof"] = {"prof", {TcpTo(81)}, {}};
  Host("ep", "eth0", {{"t1", {"web"}, /*default_pass=*/true}}, {"prof"});
  TraceResult t = In("eth0", 81);
  EXPECT_TRUE(t.allowed);
  EXPECT_THAT(t.steps, Contains("tier t1: no policy decided; its default action passes to what "
                                "follows"));
  EXPECT_EQ(t.steps.back(), "profile prof inbound rule 1: allow proto tcp dst-ports 81");
  EXPECT_FALSE(In("eth0", 82).allowed);  // the profile's end still drops
}

TEST_F(TraceTest, AMissingProfileDropsWhereItIsListed) {
  s_.profiles["second"] = {"second", {Allow()}, {}};
  Host("ep", "eth0", {}, {"missing", "second"});
  const TraceResult t = In("eth0", 80);
  EXPECT_FALSE(t.allowed);
  EXPECT_EQ(t.steps.back(), "profile missing is missing or invalid: dropped there");
}

TEST_F(TraceTest, FailsafeComesBeforePolicyAndNamesTheEntry) {
  Policy("default", "deny-all", {WithAction(Allow(), model::Action::kDeny)},
         {WithAction(Allow(), model::Action::kDeny)});
  Host("ep", "eth0", {{"default", {"deny-all"}}});
  TraceResult t = In("eth0", 22);
  EXPECT_TRUE(t.allowed);
  EXPECT_EQ(t.steps.back(), "failsafe FailsafeInboundHostPorts entry tcp:22 accepts");
  // The outbound entry has a net: only destinations inside it.
  t = Run("", "eth0", 2379, "10.1.0.1", "10.2.3.4");
  EXPECT_TRUE(t.allowed);
  t = Run("", "eth0", 2379, "10.1.0.1", "192.168.0.1");
  EXPECT_FALSE(t.allowed);
  EXPECT_EQ(t.steps.back(), "denied by that rule");
}

TEST_F(TraceTest, DropActionOverrideAcceptTurnsDropsIntoAccepts) {
  Host("ep", "eth0", {});
  s_.config.drop_action_override = config::DropActionOverride::kLogAndAccept;
  const TraceResult t = In("eth0", 80);
  EXPECT_TRUE(t.allowed);
  EXPECT_THAT(t.steps, Contains("logged with prefix calico-drop (DropActionOverride)"));
  EXPECT_EQ(t.steps.back(), "accepted instead (DropActionOverride)");
}

TEST_F(TraceTest, UntrackedPolicyDecidesBeforeNormalPolicyOrFallsThrough) {
  Policy("default", "raw", {TcpTo(80), TcpTo(81, model::Action::kDeny)}, {}, true);
  Policy("default", "normal", {TcpTo(82)});
  auto& h = Host("ep", "eth0", {{"default", {"normal"}}});
  h.policy.untracked_tiers = {{"default", {"raw"}}};
  EXPECT_TRUE(In("eth0", 80).allowed);
  EXPECT_EQ(In("eth0", 80).steps.back(),
            "untracked: tier default policy raw inbound rule 1: allow proto tcp dst-ports 80");
  EXPECT_FALSE(In("eth0", 81).allowed);
  const TraceResult t = In("eth0", 82);
  EXPECT_TRUE(t.allowed);
  EXPECT_THAT(t.steps, Contains("untracked: no untracked policy decided; normal policy goes on"));
  EXPECT_EQ(t.steps.back(),
            "tier default policy normal inbound rule 1: allow proto tcp "
            "dst-ports 82");
}

TEST_F(TraceTest, PreDnatPolicyDecidesBeforeNormalPolicyOrFallsThrough) {
  Policy("edge", "pin", {TcpTo(80), TcpTo(81, model::Action::kDeny)});
  s_.policies.at({"edge", "pin"}).pre_dnat = true;
  Policy("default", "normal", {TcpTo(82)}, {TcpTo(80)});
  auto& h = Host("ep", "eth0", {{"default", {"normal"}}});
  h.policy.pre_dnat_tiers = {{"edge", {"pin"}}};
  TraceResult t = In("eth0", 80);
  EXPECT_TRUE(t.allowed);
  EXPECT_THAT(t.steps, Contains("pre-DNAT: tier edge policy pin inbound rule 1: allow proto tcp "
                                "dst-ports 80"));
  EXPECT_EQ(t.steps.back(), "the filter input hook accepts what pre-DNAT policy allowed");
  EXPECT_FALSE(In("eth0", 81).allowed);
  t = In("eth0", 82);
  EXPECT_TRUE(t.allowed);
  EXPECT_THAT(t.steps, Contains("pre-DNAT: no pre-DNAT policy decided; normal policy goes on"));
  EXPECT_TRUE(In("eth0", 22).allowed) << "failsafe";
  EXPECT_FALSE(In("eth0", 83).allowed);
  // Forwarded: allowed before DNAT, then only the leaving endpoint's policy.
  Host("b", "eth1", {{"default", {"normal"}}});
  t = Run("eth0", "eth1", 80, "10.1.0.2", "10.2.0.2");
  EXPECT_TRUE(t.allowed);
  EXPECT_THAT(t.steps, Contains("allowed by pre-DNAT policy: the arriving interface's forward "
                                "policy is skipped"));
  EXPECT_FALSE(Run("eth0", "eth1", 82, "10.1.0.2", "10.2.0.2").allowed) << "b allows only 80 out";
}

TEST_F(TraceTest, PolicyTypesSkipADirectionAndATierLeftEmpty) {
  Policy("t1", "in-only", {TcpTo(80)}, {});
  s_.policies.at({"t1", "in-only"}).governs_outbound = false;
  Policy("t2", "all", {}, {TcpTo(81)});
  Host("ep", "eth0", {{"t1", {"in-only"}}, {"t2", {"all"}}});
  EXPECT_TRUE(In("eth0", 80).allowed);
  EXPECT_FALSE(In("eth0", 81).allowed) << "t1 governs inbound: its end drops";
  const TraceResult t = Run("", "eth0", 81, "10.1.0.1", "10.1.0.2");
  EXPECT_TRUE(t.allowed);
  EXPECT_THAT(t.steps,
              Contains("tier t1: no policy of it governs outbound traffic (types): skipped"));
}

TEST_F(TraceTest, WorkloadInterfacesFollowTheirEndpointAndTheEndpointToHostAction) {
  auto& w = s_.workload_endpoints[{"k8s", "pod", "eth0"}];
  w.id = {"k8s", "pod", "eth0"};
  w.name = "cali1";
  w.active = true;
  w.policy.profile_ids = {"p"};
  s_.profiles["p"] = {"p", {TcpTo(80)}, {TcpTo(53)}};
  // Forwarded from the workload: its outbound rules.
  EXPECT_TRUE(Run("cali1", "eth0", 53, "10.65.0.2", "8.8.8.8").allowed);
  EXPECT_FALSE(Run("cali1", "eth0", 80, "10.65.0.2", "8.8.8.8").allowed);
  // To it: its inbound rules; an unknown workload interface drops.
  EXPECT_TRUE(Run("eth0", "cali1", 80, "8.8.8.8", "10.65.0.2").allowed);
  const TraceResult t = Run("eth0", "cali9", 80, "8.8.8.8", "10.65.0.3");
  EXPECT_FALSE(t.allowed);
  EXPECT_EQ(t.steps.back(), "workload interface cali9 without endpoint: dropped");
  // To the host: DefaultEndpointToHostAction DROP, except DNS and DHCP.
  EXPECT_FALSE(In("cali1", 53).allowed);
  EXPECT_TRUE(Run("cali1", "", 53, "10.65.0.2", "10.1.0.1", 17).allowed);
  s_.config.default_endpoint_to_host_action = config::EndpointToHostAction::kAccept;
  EXPECT_TRUE(In("cali1", 53).allowed);
  EXPECT_FALSE(In("cali1", 80).allowed);
  // Host to workload is not policed.
  EXPECT_TRUE(Run("", "cali1", 9999, "10.1.0.1", "10.65.0.2").allowed);
}

TEST_F(TraceTest, ForwardedTrafficCrossesBothHostEndpoints) {
  Policy("default", "in", {TcpTo(80)}, {});
  Policy("default", "out", {}, {TcpTo(80)});
  Host("a", "eth0", {{"default", {"in"}}});
  Host("b", "eth1", {{"default", {"out"}}});
  TraceResult t = Run("eth0", "eth1", 80, "10.1.0.2", "10.2.0.2");
  EXPECT_TRUE(t.allowed);
  EXPECT_EQ(t.steps.back(),
            "tier default policy out outbound rule 1: allow proto tcp "
            "dst-ports 80");
  t = Run("eth1", "eth0", 80, "10.2.0.2", "10.1.0.2");  // b inbound has no allow
  EXPECT_FALSE(t.allowed);
}

TEST_F(TraceTest, ApplyOnForwardDecidesWhichPolicyPolicesForwardedTraffic) {
  Policy("default", "fwd", {TcpTo(80)}, {});
  s_.policies.at({"default", "fwd"}).apply_on_forward = true;
  s_.policies.at({"default", "fwd"}).governs_outbound = false;
  Policy("default", "local", {TcpTo(81)}, {});
  s_.policies.at({"default", "local"}).apply_on_forward = false;
  Policy("default", "out", {}, {TcpTo(80)});
  Host("a", "eth0", {{"default", {"fwd", "local"}}});
  Host("b", "eth1", {{"default", {"out"}}});  // v1: no policy sets the field
  Host("c", "eth2", {{"default", {"local"}}});
  OpenWorkload();

  EXPECT_TRUE(Run("eth0", "eth1", 80, "10.1.0.2", "10.2.0.2").allowed);
  TraceResult t = Run("eth0", "eth1", 81, "10.1.0.2", "10.2.0.2");
  EXPECT_FALSE(t.allowed) << "local does not apply on forward: fwd's tier ends in a drop";
  EXPECT_THAT(t.steps.back(), HasSubstr("dropped at the end of the tier"));
  EXPECT_TRUE(In("eth0", 81).allowed) << "locally terminated: local applies";
  // To a workload: a's forward policy applies.
  EXPECT_TRUE(Run("eth0", "cali1", 80, "10.1.0.2", "10.65.0.2").allowed);
  EXPECT_FALSE(Run("eth0", "cali1", 81, "10.1.0.2", "10.65.0.2").allowed);
  // From a workload out through b (v1): not policed by b.
  t = Run("cali1", "eth1", 82, "10.65.0.2", "10.2.0.2");
  EXPECT_TRUE(t.allowed);
  EXPECT_THAT(t.steps, Contains("host endpoint b: no policy of it sets apply_on_forward, so "
                                "traffic forwarded to or from a workload is not policed by it "
                                "(v1 behaviour)"));
  // c has no apply_on_forward policy: it forwards; b's normal policy still.
  t = Run("eth2", "eth1", 80, "10.3.0.2", "10.2.0.2");
  EXPECT_TRUE(t.allowed);
  EXPECT_THAT(t.steps, Contains("no apply_on_forward policy of host endpoint c governs inbound "
                                "traffic: forwarded traffic is allowed"));
  EXPECT_FALSE(Run("eth2", "eth1", 82, "10.3.0.2", "10.2.0.2").allowed) << "b allows only 80";
  // a's forward policy governs ingress only: what a forwards out is allowed.
  EXPECT_TRUE(Run("eth2", "eth0", 9, "10.3.0.2", "10.1.0.2").allowed);
}

TEST_F(TraceTest, TemplatesAndStarTakeTheInterfacesNoEndpointIsBoundTo) {
  Policy("default", "p80", {TcpTo(80)});
  Policy("default", "p81", {TcpTo(81)});
  Policy("default", "p82", {TcpTo(82)});
  Host("named", "eth0", {{"default", {"p80"}}});
  Host("bonds", "bond*", {{"default", {"p81"}}});
  Host("all", "*", {{"default", {"p82"}}});
  EXPECT_TRUE(In("eth0", 80).allowed);
  EXPECT_FALSE(In("eth0", 82).allowed) << "a named interface is never the template's";
  TraceResult t = In("bond0", 81);
  EXPECT_TRUE(t.allowed);
  EXPECT_THAT(t.steps, Contains("interface bond0 is host endpoint bonds (by template bond*)"));
  EXPECT_FALSE(In("bond0", 82).allowed);
  t = In("eth7", 82);
  EXPECT_TRUE(t.allowed);
  EXPECT_THAT(t.steps,
              Contains("interface eth7 is host endpoint all (\"*\": every host interface)"));
  EXPECT_FALSE(In("lo", 80).allowed) << "\"*\" takes loopback too, as Calico's";

  // Workload to host: "*"'s normal policy does not apply (DefaultEndpointToHostAction
  // decides), its pre-DNAT policy does.
  OpenWorkload();
  s_.config.default_endpoint_to_host_action = config::EndpointToHostAction::kAccept;
  EXPECT_TRUE(In("cali1", 80, "10.65.0.2").allowed);
  EXPECT_TRUE(In("cali1", 9, "10.65.0.2").allowed);
  Policy("edge", "deny", {WithAction(Allow(), model::Action::kDeny)});
  s_.policies.at({"edge", "deny"}).pre_dnat = true;
  s_.host_endpoints.at({"all"}).policy.pre_dnat_tiers = {{"edge", {"deny"}}};
  t = In("cali1", 80, "10.65.0.2");
  EXPECT_FALSE(t.allowed);
  EXPECT_THAT(t.steps,
              Contains("pre-DNAT: tier edge policy deny inbound rule 1: deny (any packet)"));
  EXPECT_TRUE(In("eth0", 80).allowed) << "a named endpoint is never the pre-DNAT catch-all's";
}

TEST_F(TraceTest, ExpectedIpEndpointsBindPerFamily) {
  Host("by-ip", "", {});  // no policy at all: everything drops
  r_.v4_ifaces[{"by-ip"}] = {"eth0"};
  EXPECT_FALSE(In("eth0", 80).allowed);
  {
    // The other family goes on to a "*" endpoint.
    Policy("default", "p81", {TcpTo(81)});
    Host("all", "*", {{"default", {"p81"}}});
    const TraceResult t = Run("eth0", "", 81, "fd00::2", "fd00::1");
    EXPECT_TRUE(t.allowed);
    EXPECT_THAT(t.steps, Contains("interface eth0 is host endpoint all (\"*\": every host "
                                  "interface)"));
    EXPECT_FALSE(Run("eth0", "", 80, "fd00::2", "fd00::1").allowed);
    s_.host_endpoints.erase({"all"});
  }
  EXPECT_THAT(In("eth0", 80).steps,
              Contains("interface eth0 is host endpoint by-ip (by expected IPv4 address)"));
  EXPECT_TRUE(Run("eth0", "", 80, "fd00::2", "fd00::1").allowed);  // IPv6: not bound
  // Neighbour discovery always passes a host endpoint.
  r_.v6_ifaces[{"by-ip"}] = {"eth0"};
  EXPECT_TRUE(Run("eth0", "", 135, "fd00::2", "fd00::1", 58).allowed);
  EXPECT_FALSE(Run("eth0", "", 128, "fd00::2", "fd00::1", 58).allowed);
}

TEST_F(TraceTest, LogRulesAreNamedAndEvaluationGoesOn) {
  calc::Rule log = WithAction(Allow(), model::Action::kLog);
  Policy("default", "p", {log, TcpTo(80)});
  Host("ep", "eth0", {{"default", {"p"}}});
  const TraceResult t = In("eth0", 80);
  EXPECT_TRUE(t.allowed);
  EXPECT_THAT(t.steps, Contains("tier default policy p inbound rule 1: log (any packet) (logged "
                                "with prefix calico-packet, goes on)"));
}

TEST(DescribeRuleTest, EveryFieldInOneLine) {
  calc::Rule r = Proto("tcp");
  r.ip_version = 4;
  r.match.src_net = C("10.0.0.0/8");
  r.match.dst_nets = std::vector{C("10.1.0.0/16"), C("10.2.0.1/32")};
  r.match.dst_ports = Ports({{22, 22}, {80, 90}});
  r.not_match.src_ip_set_ids = {"s:abc"};
  r.not_match.src_ports = Ports({{1, 1023}});
  EXPECT_EQ(DescribeRule(r),
            "allow ipv4 proto tcp src 10.0.0.0/8 dst {10.1.0.0/16,10.2.0.1/32} dst-ports "
            "22,80:90 !src in s:abc !src-ports 1:1023");
  calc::Rule icmp = WithAction(Proto("icmp"), model::Action::kDeny);
  icmp.match.icmp_type = 8;
  icmp.match.icmp_code = 0;
  EXPECT_EQ(DescribeRule(icmp, [](const std::string& id) { return "<" + id + ">"; }),
            "deny proto icmp icmp-type 8 icmp-code 0");
  calc::Rule sets;
  sets.match.dst_ip_set_ids = {"t:web"};
  EXPECT_EQ(DescribeRule(sets, [](const std::string& id) { return "<" + id + ">"; }),
            "allow dst in <t:web>");
}

}  // namespace
}  // namespace felix::rules
