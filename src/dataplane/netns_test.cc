// Integration tests (root; ctest label `integration`) of the driver's core
// paths: failsafe, policy allow and deny, set membership as element changes,
// the workload prefix default drop, drift repair, restart, IPv6, forwarding,
// endpoints by IP. Fixture and topology: netns_fixture.h.
#include <poll.h>

#include "dataplane/netns_fixture.h"

namespace felix::dataplane {
namespace {

using namespace nstest;  // NOLINT: the fixture's helpers

TEST_F(NetnsTest, HostEndpointWithoutPolicyAllowsOnlyFailsafe) {
  EXPECT_TRUE(Connects("10.99.0.1", 80)) << "no table yet: open";
  Program({Config(), Hep("ep0", "eth0"), calc::InSync{}});
  EXPECT_TRUE(Connects("10.99.0.1", 22)) << "failsafe tcp 22";
  EXPECT_FALSE(Connects("10.99.0.1", 80)) << "no policy: drop";
  EXPECT_TRUE(Connects("10.98.0.1", 80)) << "undeclared eth1 untouched";
}

TEST_F(NetnsTest, PolicyAllowingTcp80) {
  Program({Config(), Policy("allow-80", {Tcp(model::Action::kAllow, 80)}),
           Hep("ep0", "eth0", {"allow-80"}), calc::InSync{}});
  EXPECT_TRUE(Connects("10.99.0.1", 80));
  EXPECT_FALSE(Connects("10.99.0.1", 8080));
}

TEST_F(NetnsTest, SelectorSetMembershipChangeIsAnElementChange) {
  calc::Rule from_set = Tcp(model::Action::kAllow, 80);
  from_set.match.src_ip_set_ids = {"sel1"};
  Program({Config(), calc::IpSetUpdate{"sel1", {*model::ParseCidr("10.99.0.3/32", 4)}},
           Policy("from-sel", {from_set}), Hep("ep0", "eth0", {"from-sel"}), calc::InSync{}});
  EXPECT_FALSE(Connects("10.99.0.1", 80));
  Program({calc::IpSetDeltaUpdate{"sel1", {*model::ParseCidr("10.99.0.2/32", 4)}, {}}});
  // Member changes go to the kernel as a netlink element batch (recorded
  // here as the equivalent script).
  const std::string set = rules::IpSetName("sel1", 4);
  EXPECT_EQ(backend_->scripts.back(), "add element inet calico " + set + " { 10.99.0.2 }\n");
  EXPECT_TRUE(Connects("10.99.0.1", 80));
  Program({calc::IpSetDeltaUpdate{"sel1", {}, {*model::ParseCidr("10.99.0.2/32", 4)}}});
  EXPECT_EQ(backend_->scripts.back(), "delete element inet calico " + set + " { 10.99.0.2 }\n");
  EXPECT_FALSE(Connects("10.99.0.1", 80));
}

TEST_F(NetnsTest, DenyAndOrderedFallThrough) {
  // a (order first): deny 8080; b: allow any tcp. 80 falls through a to b.
  Program({Config(), Policy("a", {Tcp(model::Action::kDeny, 8080)}),
           Policy("b", {Tcp(model::Action::kAllow, std::nullopt)}), Hep("ep0", "eth0", {"a", "b"}),
           calc::InSync{}});
  EXPECT_TRUE(Connects("10.99.0.1", 80));
  EXPECT_FALSE(Connects("10.99.0.1", 8080));
}

TEST_F(NetnsTest, WorkloadPrefixWithoutEndpointDrops) {
  Program({Config(), calc::InSync{}});
  EXPECT_FALSE(Connects("10.96.0.1", 80)) << "cali0 has no workload endpoint";
  EXPECT_TRUE(Connects("10.98.0.1", 80)) << "eth1 undeclared";
}

TEST_F(NetnsTest, DriftRepairAfterChainDeleted) {
  Program({Config(), Hep("ep0", "eth0"), calc::InSync{}});
  ASSERT_FALSE(Connects("10.99.0.1", 80));
  const std::string chain = BaseChain("input");
  ASSERT_FALSE(chain.empty());
  ASSERT_EQ(sb_.Exec("h", fmt::format("nft flush chain inet calico {0} && "
                                      "nft delete chain inet calico {0}",
                                      chain)),
            0);
  EXPECT_TRUE(Connects("10.99.0.1", 80)) << "drift opened the port";
  const size_t before = backend_->scripts.size();
  ASSERT_TRUE(dp_->Refresh().ok());
  EXPECT_EQ(backend_->scripts.size(), before + 1);
  EXPECT_FALSE(Connects("10.99.0.1", 80)) << "repaired";
  EXPECT_TRUE(Connects("10.99.0.1", 22));
  ASSERT_TRUE(dp_->Refresh().ok());
  EXPECT_EQ(backend_->scripts.size(), before + 1) << "no drift: no transaction";
}

TEST_F(NetnsTest, RestartKeepsTheOldTableUntilInSync) {
  Program({Config(), Hep("ep0", "eth0"), calc::InSync{}});
  ASSERT_FALSE(Connects("10.99.0.1", 80));
  NewDriver();  // the old driver is gone; nothing was flushed
  EXPECT_FALSE(Connects("10.99.0.1", 80));
  EXPECT_TRUE(Connects("10.99.0.1", 22));
  Program({Config(), Policy("allow-80", {Tcp(model::Action::kAllow, 80)}),
           Hep("ep0", "eth0", {"allow-80"})});
  EXPECT_TRUE(backend_->scripts.empty()) << "nothing programmed before in-sync";
  EXPECT_FALSE(Connects("10.99.0.1", 80)) << "old table still in place";
  Program({calc::InSync{}});
  EXPECT_TRUE(Connects("10.99.0.1", 80));
  EXPECT_TRUE(Connects("10.99.0.1", 22));
}

TEST_F(NetnsTest, Ipv6) {
  // No pinned neighbours: host endpoint chains accept neighbour discovery
  // before policy, so resolution works with nothing but failsafe in place.
  Program({Config(), Hep("ep0", "eth0"), calc::InSync{}});
  EXPECT_TRUE(Connects("fd99::1", 22));
  EXPECT_FALSE(Connects("fd99::1", 80));
  Program({Policy("allow-80", {Tcp(model::Action::kAllow, 80)}), Hep("ep0", "eth0", {"allow-80"})});
  EXPECT_TRUE(Connects("fd99::1", 80));
  EXPECT_FALSE(Connects("fd99::1", 8080));
}

TEST_F(NetnsTest, ForwardingBetweenTwoHostEndpoints) {
  calc::ActivePolicyUpdate egress = Policy("egress", {}, {Tcp(model::Action::kAllow, 80)});
  Program({Config(), Policy("ingress", {Tcp(model::Action::kAllow, std::nullopt)}), egress,
           Hep("ep0", "eth0", {"ingress"}), Hep("ep2", "eth2", {"egress"}), calc::InSync{}});
  EXPECT_TRUE(Connects("10.97.0.2", 80)) << "ingress inbound allows, egress outbound allows";
  EXPECT_FALSE(Connects("10.97.0.2", 8080)) << "egress outbound drops";
}

TEST_F(NetnsTest, EndpointByIpResolvedWhenTheAddressAppears) {
  auto monitor = MakeNetlinkInterfaceMonitor();
  ASSERT_TRUE(monitor.ok()) << monitor.status().message();
  calc::HostEndpointUpdate ep = Hep("by-ip", std::nullopt);
  ep.expected_ipv4_addrs = {*model::ParseIpAddr("10.99.0.50", 4)};
  dp_->OnInterfaces((*monitor)->Interfaces());
  Program({Config(), ep, calc::InSync{}});
  EXPECT_TRUE(Connects("10.99.0.1", 80)) << "address absent: eth0 undeclared";
  ASSERT_EQ(sb_.Exec("h", "ip addr add 10.99.0.50/24 dev eth0"), 0);
  // Event driven: wait for the netlink event, no polling of the kernel state.
  for (int i = 0; i < 20 && dp_->resolution().v4_ifaces.empty(); ++i) {
    pollfd pfd{(*monitor)->fd(), POLLIN, 0};
    poll(&pfd, 1, 100);
    auto changed = (*monitor)->ReadEvents();
    ASSERT_TRUE(changed.ok()) << changed.status().message();
    if (*changed) dp_->OnInterfaces((*monitor)->Interfaces());
  }
  ASSERT_EQ(dp_->resolution().v4_ifaces.size(), 1u);
  EXPECT_EQ(dp_->resolution().v4_ifaces.begin()->second, std::vector<std::string>{"eth0"});
  ASSERT_TRUE(dp_->Apply().ok());
  EXPECT_FALSE(Connects("10.99.0.1", 80)) << "eth0 now policed as by-ip";
  EXPECT_TRUE(Connects("10.99.0.1", 22));
}

}  // namespace
}  // namespace felix::dataplane
