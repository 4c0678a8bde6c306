// Integration tests (root; ctest label `integration`): the real driver
// (libnftables + netlink) inside a throwaway namespace "h", real calc messages
// rendered by rules::Render, and real TCP traffic from namespace "p" (and "q"
// for forwarding) asserting allow and deny. Topology:
//   p:peer0 10.99.0.2 fd99::2 <-> h:eth0 10.99.0.1 fd99::1  (host endpoint)
//   p:peer1 10.98.0.2         <-> h:eth1 10.98.0.1          (undeclared)
//   p:w0    10.96.0.2         <-> h:cali0 10.96.0.1         (workload prefix)
//   q:q0    10.97.0.2         <-> h:eth2 10.97.0.1          (second endpoint)
// The test thread lives in "h" between SetUp and TearDown; the root namespace
// is never touched.
#include <poll.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "dataplane/dataplane.h"
#include "dataplane/netns.h"

namespace felix::dataplane {
namespace {

// Forwards to the real backend and records every successful script.
class TeeBackend : public NftBackend {
 public:
  explicit TeeBackend(std::unique_ptr<NftBackend> real) : real_(std::move(real)) {}
  Status Run(const std::string& script) override {
    Status st = real_->Run(script);
    if (st.ok()) scripts.push_back(script);
    return st;
  }
  Result<std::string> ListTable() override { return real_->ListTable(); }
  std::vector<std::string> scripts;

 private:
  std::unique_ptr<NftBackend> real_;
};

calc::Rule Tcp(model::Action action, std::optional<int> port) {
  calc::Rule r;
  r.action = action;
  r.match.protocol = "tcp";
  if (port) r.match.dst_ports = std::vector<model::PortRange>{{*port, *port}};
  return r;
}

calc::ActivePolicyUpdate Policy(const std::string& name, std::vector<calc::Rule> in,
                                std::vector<calc::Rule> out = {}) {
  return calc::ActivePolicyUpdate{{"default", name}, std::move(in), std::move(out), false};
}

calc::HostEndpointUpdate Hep(const std::string& id, std::optional<std::string> iface,
                             std::vector<std::string> policies = {}) {
  calc::HostEndpointUpdate u;
  u.id.endpoint = id;
  u.name = iface;
  if (!policies.empty()) u.policy.tiers = {calc::TierInfo{"default", policies}};
  return u;
}

calc::ConfigUpdate Config() {
  calc::DataplaneConfig c;
  c.failsafe_inbound = {config::FailsafePort{config::Protocol::kTcp, "", 22}};
  c.failsafe_outbound = {config::FailsafePort{config::Protocol::kTcp, "", 2379}};
  return calc::ConfigUpdate{c};
}

class NetnsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "integration tests need root";
    for (const char* role : {"h", "p", "q"}) {
      Status st = sb_.Add(role);
      if (!st.ok()) GTEST_SKIP() << st.message();
    }
    ASSERT_TRUE(sb_.Veth("h", "eth0", "p", "peer0").ok());
    ASSERT_TRUE(sb_.Veth("h", "eth1", "p", "peer1").ok());
    ASSERT_TRUE(sb_.Veth("h", "cali0", "p", "w0").ok());
    ASSERT_TRUE(sb_.Veth("h", "eth2", "q", "q0").ok());
    ASSERT_EQ(sb_.Exec("h",
                       "ip addr add 10.99.0.1/24 dev eth0 && ip addr add fd99::1/64 dev eth0 "
                       "nodad && ip addr add 10.98.0.1/24 dev eth1 && "
                       "ip addr add 10.96.0.1/24 dev cali0 && ip addr add 10.97.0.1/24 dev eth2 "
                       "&& sysctl -qw net.ipv4.ip_forward=1"),
              0);
    ASSERT_EQ(
        sb_.Exec("p",
                 "ip addr add 10.99.0.2/24 dev peer0 && ip addr add fd99::2/64 dev peer0 "
                 "nodad && ip addr add 10.98.0.2/24 dev peer1 && "
                 "ip addr add 10.96.0.2/24 dev w0 && ip route add 10.97.0.0/24 via 10.99.0.1"),
        0);
    ASSERT_EQ(
        sb_.Exec("q", "ip addr add 10.97.0.2/24 dev q0 && ip route add default via 10.97.0.1"), 0);
    for (int port : {22, 80, 8080}) ASSERT_TRUE(sb_.Listen("h", port).ok());
    for (int port : {80, 8080}) ASSERT_TRUE(sb_.Listen("q", port).ok());
    ASSERT_TRUE(sb_.Enter("h").ok());
    NewDriver();
  }
  void TearDown() override {
    dp_.reset();
    backend_.reset();
    sb_.Leave();
  }

  void NewDriver() {
    dp_.reset();
    auto real = MakeLibNftablesBackend();
    ASSERT_TRUE(real.ok()) << real.status().message();
    backend_ = std::make_unique<TeeBackend>(std::move(*real));
    dp_ = std::make_unique<Dataplane>(*backend_, RealClock());
  }

  void Program(const std::vector<calc::Message>& msgs) {
    for (const auto& m : msgs) dp_->OnUpdate(m);
    Status st = dp_->Apply();
    ASSERT_TRUE(st.ok()) << st.message();
  }

  // True if a TCP connection from `from` to addr:port completes.
  bool Connects(const std::string& addr, int port, const std::string& from = "p") {
    return sb_.Exec(from, fmt::format("timeout 4 nc -z -w 1 {} {}", addr, port)) == 0;
  }

  std::string BaseChain(const std::string& hook) {
    for (const auto& [name, c] : dp_->programmed().chains) {
      if (c.hook && c.hook->hook == hook && c.hook->priority == 0) return name;
    }
    return "";
  }

  NetnsSandbox sb_;
  std::unique_ptr<TeeBackend> backend_;
  std::unique_ptr<Dataplane> dp_;
};

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
  const std::string& script = backend_->scripts.back();
  EXPECT_NE(script.find("add element inet calico "), std::string::npos) << script;
  EXPECT_EQ(script.find("flush chain"), std::string::npos) << script;
  EXPECT_EQ(script.find("add rule"), std::string::npos) << script;
  EXPECT_TRUE(Connects("10.99.0.1", 80));
  Program({calc::IpSetDeltaUpdate{"sel1", {}, {*model::ParseCidr("10.99.0.2/32", 4)}}});
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
