// Integration tests (root; ctest label `integration`) of endpoint kinds on
// the real packet path: DefaultEndpointToHostAction for traffic from a
// workload (namespace w behind h:cali1) to the host, forwarded traffic to a
// known workload (policed by the workload's inbound policy, bypassing host
// endpoint policy), and untracked host endpoint policy in the raw hooks.
// Fixture and topology: netns_fixture.h.
#include "dataplane/netns_fixture.h"

namespace felix::dataplane {
namespace {

using namespace nstest;  // NOLINT: the fixture's helpers

using config::EndpointToHostAction;
using model::Action;

TEST_F(NetnsTest, DefaultEndpointToHostAction) {
  struct Row {
    std::string description;
    EndpointToHostAction action;
    Action outbound;  // the workload's outbound rule for tcp 80
    bool want;
  } rows[] = {
      {"DROP: denied even when the workload's outbound policy allows", EndpointToHostAction::kDrop,
       Action::kAllow, false},
      {"RETURN: outbound policy allows", EndpointToHostAction::kReturn, Action::kAllow, true},
      {"RETURN: outbound policy denies", EndpointToHostAction::kReturn, Action::kDeny, false},
      {"ACCEPT: outbound policy allows", EndpointToHostAction::kAccept, Action::kAllow, true},
      {"ACCEPT: outbound policy denies", EndpointToHostAction::kAccept, Action::kDeny, false},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.description);
    ASSERT_NO_FATAL_FAILURE(
        Program({Config(row.action), Policy("wl-out", {}, {Tcp(row.outbound, 80)}), Wep({"wl-out"}),
                 calc::InSync{}}));
    EXPECT_EQ(Connects("10.95.0.1", 80, "w"), row.want) << row.description;
    EXPECT_EQ(Connects("10.99.0.1", 80, "w"), row.want) << row.description << " (other address)";
    EXPECT_FALSE(Connects("10.95.0.1", 8080, "w")) << "no outbound rule for 8080";
  }
}

TEST_F(NetnsTest, UnknownAndInactiveWorkloadInterfacesDrop) {
  calc::WorkloadEndpointUpdate inactive = Wep({"allow-all"});
  inactive.active = false;
  Program({Config(EndpointToHostAction::kAccept),
           Policy("allow-all", {Tcp(Action::kAllow, std::nullopt)},
                  {Tcp(Action::kAllow, std::nullopt)}),
           inactive, calc::InSync{}});
  EXPECT_FALSE(Connects("10.95.0.2", 80)) << "forwarded to an inactive workload";
  EXPECT_FALSE(Connects("10.95.0.1", 80, "w")) << "from an inactive workload";
  Program({Wep({"allow-all"})});
  EXPECT_TRUE(Connects("10.95.0.2", 80));
  EXPECT_TRUE(Connects("10.95.0.1", 80, "w"));
  Program({calc::WorkloadEndpointRemove{Wep().id}});
  EXPECT_FALSE(Connects("10.95.0.2", 80)) << "endpoint removed: prefix default drop";
}

TEST_F(NetnsTest, ForwardedToWorkloadBypassesHostEndpointPolicy) {
  const calc::Rule deny_all = [] {
    calc::Rule r;
    r.action = Action::kDeny;
    return r;
  }();
  Program({Config(), Policy("deny-all", {deny_all}, {deny_all}),
           Policy("wl-in", {Tcp(Action::kAllow, 80)}), Hep("ep0", "eth0", {"deny-all"}),
           Wep({"wl-in"}), calc::InSync{}});
  EXPECT_FALSE(Connects("10.99.0.1", 80)) << "host endpoint policy denies to the host";
  EXPECT_TRUE(Connects("10.95.0.2", 80)) << "workload inbound allows; host policy bypassed";
  EXPECT_FALSE(Connects("10.95.0.2", 8080)) << "workload inbound has no rule for 8080";
  EXPECT_TRUE(Connects("10.95.0.2", 80, "h")) << "host -> workload is not policed";
  EXPECT_TRUE(Connects("10.95.0.2", 8080, "h")) << "host -> workload is not policed";
  // Workload -> remote: the workload's outbound policy, not eth2's host policy.
  Program({Policy("wl-out", {}, {Tcp(Action::kAllow, 80)}), Hep("ep2", "eth2", {"deny-all"}),
           Wep({"wl-in", "wl-out"})});
  EXPECT_TRUE(Connects("10.97.0.2", 80, "w")) << "workload outbound allows; eth2 bypassed";
  EXPECT_FALSE(Connects("10.97.0.2", 8080, "w")) << "workload outbound has no rule for 8080";
  EXPECT_FALSE(Connects("10.97.0.2", 80)) << "p -> q still meets both host endpoints";
  // The workload's inbound policy changes: now 8080 only.
  Program({Policy("wl-in", {Tcp(Action::kAllow, 8080)})});
  EXPECT_FALSE(Connects("10.95.0.2", 80));
  EXPECT_TRUE(Connects("10.95.0.2", 8080));
}

TEST_F(NetnsTest, WorkloadMacAntiSpoof) {
  ASSERT_EQ(sb_.Exec("w", "ip link set eth0 address 02:00:00:00:00:01"), 0);
  calc::WorkloadEndpointUpdate wep = Wep({"allow-out"});
  wep.mac = "02:00:00:00:00:02";
  Program({Config(), Policy("allow-out", {}, {Tcp(Action::kAllow, std::nullopt)}), wep,
           calc::InSync{}});
  EXPECT_FALSE(Connects("10.97.0.2", 80, "w")) << "source MAC differs from the endpoint's";
  wep.mac = "02:00:00:00:00:01";
  Program({wep});
  EXPECT_TRUE(Connects("10.97.0.2", 80, "w"));
}

TEST_F(NetnsTest, NamedHostEndpointAppliesBeforeTheInterfaceExists) {
  Program({Config(), Hep("ep3", "eth3"), calc::InSync{}});
  ASSERT_TRUE(sb_.Veth("h", "eth3", "p", "peer3").ok());
  ASSERT_EQ(sb_.Exec("h", "ip addr add 10.94.0.1/24 dev eth3"), 0);
  ASSERT_EQ(sb_.Exec("p", "ip addr add 10.94.0.2/24 dev peer3"), 0);
  // No apply since the interface appeared: dispatch by name is already there.
  EXPECT_FALSE(Connects("10.94.0.1", 80));
  EXPECT_TRUE(Connects("10.94.0.1", 22)) << "failsafe";
}

TEST_F(NetnsTest, UntrackedAllowAcceptsBeforeTrackedPolicy) {
  // A probe table in h (not ours) counts tcp/80 packets reaching input after
  // our table accepted them, split by conntrack state.
  ASSERT_EQ(sb_.Exec("h",
                     "nft add table inet probe && nft add chain inet probe in "
                     "\"{ type filter hook input priority 10; }\" && "
                     "nft add rule inet probe in tcp dport 80 ct state untracked counter && "
                     "nft add rule inet probe in tcp dport 80 ct state != untracked counter"),
            0);
  calc::Rule reply;
  reply.match.protocol = "tcp";
  reply.match.src_ports = std::vector<model::PortRange>{{80, 80}};
  calc::ActivePolicyUpdate untracked = Policy("untracked-80", {Tcp(Action::kAllow, 80)}, {reply});
  untracked.untracked = true;
  calc::HostEndpointUpdate ep = Hep("ep0", "eth0", {"deny-80"});
  Program({Config(), Policy("deny-80", {Tcp(Action::kDeny, 80)}), ep, calc::InSync{}});
  EXPECT_FALSE(Connects("10.99.0.1", 80)) << "tracked policy denies";
  ep.policy.untracked_tiers = {calc::TierInfo{"default", {"untracked-80"}}};
  Program({untracked, ep});
  EXPECT_TRUE(Connects("10.99.0.1", 80)) << "untracked allow accepts before filter";
  EXPECT_FALSE(Connects("10.99.0.1", 8080)) << "not covered by the untracked policy";
  EXPECT_TRUE(Connects("10.99.0.1", 22)) << "failsafe";
  EXPECT_EQ(sb_.Exec("h",
                     "nft list chain inet probe in | grep \"ct state untracked\" | "
                     "grep -Eq \"packets [1-9]\""),
            0)
      << "the allowed packets were untracked";
  EXPECT_EQ(sb_.Exec("h",
                     "nft list chain inet probe in | grep \"ct state != untracked\" | "
                     "grep -q \"packets 0 \""),
            0)
      << "no tracked tcp/80 packet was accepted";
  // Removing the untracked policy restores the tracked verdict.
  ep.policy.untracked_tiers.clear();
  Program({ep, calc::ActivePolicyRemove{untracked.id}});
  EXPECT_FALSE(Connects("10.99.0.1", 80));
}

}  // namespace
}  // namespace felix::dataplane

namespace felix::dataplane {
namespace {

using namespace nstest;  // NOLINT: the fixture's helpers

// DropActionOverride on the real packet path: ACCEPT and LOG-and-ACCEPT let
// through what policy drops; LOG-and-DROP still drops (and its log rules are
// accepted by the kernel, in the first program and in a change).
TEST_F(NetnsTest, DropActionOverride) {
  using O = config::DropActionOverride;
  for (O o : {O::kAccept, O::kLogAndDrop, O::kLogAndAccept, O::kDrop}) {
    SCOPED_TRACE(static_cast<int>(o));
    NewDriver();
    calc::ConfigUpdate c = Config();
    c.config.drop_action_override = o;
    Program({c, Policy("web", {Tcp(model::Action::kAllow, 80)}), Hep("ep0", "eth0", {"web"}),
             calc::InSync{}});
    const bool opens = o == O::kAccept || o == O::kLogAndAccept;
    EXPECT_TRUE(Connects("10.99.0.1", 80));
    EXPECT_EQ(Connects("10.99.0.1", 8080), opens);
    Program({Policy("web", {Tcp(model::Action::kDeny, 80), Tcp(model::Action::kAllow, 8080)})});
    EXPECT_EQ(Connects("10.99.0.1", 80), opens) << "a deny rule is a drop too";
    EXPECT_TRUE(Connects("10.99.0.1", 8080));
  }
}

}  // namespace
}  // namespace felix::dataplane
