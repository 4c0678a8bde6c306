// Driver tests on the recording fake backend and a FakeClock: nothing before
// in-sync, one full replace at in-sync, minimal diffs, coalescing, retry with
// back-off, refresh repair, interface resolution.
#include <gtest/gtest.h>

#include "dataplane/dataplane.h"
#include "dataplane/testing.h"

namespace felix::dataplane {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

model::Cidr Net(const std::string& s) { return *model::ParseCidr(s, 0); }

calc::HostEndpointUpdate Hep(const std::string& id, const std::string& iface) {
  calc::HostEndpointUpdate u;
  u.id.endpoint = id;
  u.name = iface;
  u.policy.tiers = {calc::TierInfo{"default", {"allow-set"}}};
  return u;
}

calc::ActivePolicyUpdate PolicyFromSet() {
  calc::ActivePolicyUpdate p;
  p.id = {"default", "allow-set"};
  calc::Rule r;
  r.match.src_ip_set_ids = {"s1"};
  p.inbound = {r};
  return p;
}

DataplaneOptions NoInterval() {
  DataplaneOptions o;
  o.min_apply_interval = milliseconds(0);
  return o;
}

class DriverTest : public ::testing::Test {
 protected:
  // Programs a host endpoint eth0 whose policy allows sources in IP set s1.
  void ProgramBase() {
    dp_.OnUpdate(calc::IpSetUpdate{"s1", {Net("10.0.0.1/32")}});
    dp_.OnUpdate(PolicyFromSet());
    dp_.OnUpdate(Hep("ep1", "eth0"));
    dp_.OnUpdate(calc::InSync{});
    ASSERT_TRUE(dp_.Apply().ok());
    ASSERT_EQ(backend_.scripts.size(), 1u);
    backend_.shape = ShapeOf(dp_.programmed());
  }

  RecordingNftBackend backend_;
  FakeClock clock_;
  // No minimum interval between transactions here: these tests are about
  // what each transaction holds (the interval has its own tests below).
  Dataplane dp_{backend_, clock_, NoInterval()};
};

TEST_F(DriverTest, NothingIsProgrammedBeforeInSync) {
  dp_.OnUpdate(Hep("ep1", "eth0"));
  EXPECT_FALSE(dp_.Dirty());
  EXPECT_EQ(dp_.NextDeadline(), std::nullopt);
  EXPECT_TRUE(dp_.Apply().ok());
  EXPECT_TRUE(backend_.attempts.empty());
  EXPECT_TRUE(dp_.Refresh().ok());
  EXPECT_EQ(backend_.shape_reads, 0);
}

TEST_F(DriverTest, FirstInSyncReplacesTheTableInOneTransaction) {
  ProgramBase();
  const std::string& s = backend_.scripts[0];
  EXPECT_EQ(s.rfind("add table inet calico\ndelete table inet calico\nadd table inet calico\n", 0),
            0u);
  EXPECT_NE(s.find("add element inet calico cali4-"), std::string::npos);
  EXPECT_NE(s.find("eth0"), std::string::npos);
  EXPECT_FALSE(dp_.Dirty());
  EXPECT_EQ(dp_.NextDeadline(), clock_.Now() + seconds(90));
  EXPECT_EQ(dp_.health(), (Health{true, ""}));
}

TEST_F(DriverTest, SetMemberChangeIsAnElementChangeNotAChainRewrite) {
  ProgramBase();
  dp_.OnUpdate(calc::IpSetDeltaUpdate{"s1", {Net("10.0.0.2/32")}, {Net("10.0.0.1/32")}});
  EXPECT_TRUE(dp_.Dirty());
  ASSERT_TRUE(dp_.Apply().ok());
  ASSERT_EQ(backend_.scripts.size(), 2u);
  const std::string name = rules::IpSetName("s1", 4);
  // Sent as one netlink batch of our own, not through libnftables (as was
  // the first program).
  EXPECT_EQ(backend_.direct_batches, 2);
  EXPECT_EQ(backend_.scripts[1], "delete element inet calico " + name + " { 10.0.0.1 }\n" +
                                     "add element inet calico " + name + " { 10.0.0.2 }\n");
}

TEST_F(DriverTest, BurstsCoalesceIntoOneTransaction) {
  ProgramBase();
  for (int i = 2; i < 12; ++i) {
    dp_.OnUpdate(calc::IpSetDeltaUpdate{"s1", {Net(fmt::format("10.0.0.{}/32", i))}, {}});
  }
  EXPECT_TRUE(backend_.scripts.size() == 1u);  // OnUpdate does no kernel I/O
  ASSERT_TRUE(dp_.Apply().ok());
  ASSERT_EQ(backend_.scripts.size(), 2u);
  EXPECT_EQ(backend_.scripts[1].find("flush chain"), std::string::npos);
  EXPECT_TRUE(dp_.Apply().ok());
  EXPECT_EQ(backend_.scripts.size(), 2u);  // nothing left to do
}

TEST_F(DriverTest, PolicyChangeRewritesOnlyItsChain) {
  ProgramBase();
  calc::ActivePolicyUpdate p = PolicyFromSet();
  p.inbound[0].action = model::Action::kDeny;
  dp_.OnUpdate(p);
  ASSERT_TRUE(dp_.Apply().ok());
  ASSERT_EQ(backend_.scripts.size(), 2u);
  const std::string& s = backend_.scripts[1];
  EXPECT_EQ(s.rfind("flush chain inet calico cali-pi-", 0), 0u) << s;
  EXPECT_EQ(s.find("add table"), std::string::npos);
  EXPECT_EQ(s.find("element"), std::string::npos);
}

TEST_F(DriverTest, FailedTransactionIsRetriedWithCappedBackoff) {
  ProgramBase();
  backend_.fail_next = {Status::IoError("Error: Could not process rule: No such file"),
                        Status::IoError("Error: again")};
  dp_.OnUpdate(calc::IpSetDeltaUpdate{"s1", {Net("10.0.0.2/32")}, {}});
  Status st = dp_.Apply();
  EXPECT_EQ(st.message(), "Error: Could not process rule: No such file");
  EXPECT_EQ(dp_.health(), (Health{false, "Error: Could not process rule: No such file"}));
  EXPECT_FALSE(dp_.Dirty());  // backing off
  EXPECT_EQ(dp_.NextDeadline(), clock_.Now() + milliseconds(100));
  clock_.Advance(milliseconds(100));
  EXPECT_TRUE(dp_.Dirty());
  EXPECT_EQ(dp_.Apply().message(), "Error: again");
  EXPECT_EQ(dp_.NextDeadline(), clock_.Now() + milliseconds(200));
  clock_.Advance(milliseconds(200));
  ASSERT_TRUE(dp_.Apply().ok());
  EXPECT_EQ(dp_.health(), (Health{true, ""}));
  ASSERT_EQ(backend_.scripts.size(), 2u);
  // After a failure the kernel may differ from what we think: full replace.
  EXPECT_EQ(backend_.scripts[1].rfind("add table inet calico\ndelete table", 0), 0u);
}

TEST_F(DriverTest, AFailedOwnBatchIsRetriedThroughLibnftables) {
  ProgramBase();
  const int batches = backend_.direct_batches;
  backend_.fail_next = {Status::IoError("netlink batch: Invalid argument")};
  dp_.OnUpdate(calc::IpSetDeltaUpdate{"s1", {Net("10.0.0.2/32")}, {}});
  EXPECT_FALSE(dp_.Apply().ok());
  EXPECT_EQ(backend_.direct_batches, batches + 1);  // the element batch, failed
  clock_.Advance(milliseconds(100));
  ASSERT_TRUE(dp_.Apply().ok());
  // The retry (a full replace) went as a libnftables script ...
  EXPECT_EQ(backend_.direct_batches, batches + 1);
  EXPECT_EQ(backend_.scripts.back().rfind("add table inet calico\ndelete table", 0), 0u);
  // ... and once that worked, changes go as our own batches again.
  clock_.Advance(seconds(1));
  dp_.OnUpdate(calc::IpSetDeltaUpdate{"s1", {Net("10.0.0.3/32")}, {}});
  ASSERT_TRUE(dp_.Apply().ok());
  EXPECT_EQ(backend_.direct_batches, batches + 2);
}

calc::ActivePolicyUpdate TcpPolicy(const std::string& name, int port) {
  calc::ActivePolicyUpdate p;
  p.id = {"default", name};
  calc::Rule r;
  r.match.protocol = "tcp";
  r.match.dst_ports = std::vector<model::PortRange>{{port, port}};
  p.inbound = {r};
  return p;
}

// A chain the kernel rejects is found (by validation only), programmed as a
// drop, and everything else is programmed; later changes still go in; the
// offender is tried again when its rules change.
TEST_F(DriverTest, AChainTheKernelRejectsIsQuarantinedAndTheRestProgrammed) {
  backend_.rejects = [](const std::string& script) {
    return script.find("dport 6666") != std::string::npos;
  };
  calc::HostEndpointUpdate eth0 = Hep("ep0", "eth0"), eth1 = Hep("ep1", "eth1");
  eth0.policy.tiers = {calc::TierInfo{"default", {"poison", "web"}}};
  eth1.policy.tiers = {calc::TierInfo{"default", {"web"}}};
  dp_.OnUpdate(TcpPolicy("poison", 6666));
  dp_.OnUpdate(TcpPolicy("web", 80));
  dp_.OnUpdate(eth0);
  dp_.OnUpdate(eth1);
  dp_.OnUpdate(calc::InSync{});
  EXPECT_FALSE(dp_.Apply().ok());  // our own batch, rejected
  clock_.Advance(milliseconds(100));
  ASSERT_TRUE(dp_.Apply().ok()) << "isolated and programmed without the offender";
  EXPECT_GT(backend_.checks, 2);
  ASSERT_EQ(dp_.quarantined().size(), 1u);
  const auto [name, rejected] = *dp_.quarantined().begin();  // copies: the entry goes later
  ASSERT_EQ(rejected.size(), 1u);
  EXPECT_NE(rejected[0].find("dport 6666"), std::string::npos);
  EXPECT_EQ(dp_.programmed().chains.at(name).rules, std::vector<std::string>{"drop"});
  EXPECT_EQ(backend_.scripts.back().find("6666"), std::string::npos);
  EXPECT_NE(backend_.scripts.back().find("tcp dport 80"), std::string::npos);
  EXPECT_TRUE(dp_.health().ok);

  // Other changes keep going in; the offender stays a drop.
  clock_.Advance(seconds(1));
  dp_.OnUpdate(TcpPolicy("web", 8080));
  ASSERT_TRUE(dp_.Apply().ok());
  EXPECT_NE(backend_.scripts.back().find("8080"), std::string::npos);
  EXPECT_EQ(dp_.programmed().chains.at(name).rules, std::vector<std::string>{"drop"});

  // Its rules change: tried again, and programmed.
  clock_.Advance(seconds(1));
  dp_.OnUpdate(TcpPolicy("poison", 7777));
  ASSERT_TRUE(dp_.Apply().ok());
  EXPECT_TRUE(dp_.quarantined().empty());
  EXPECT_NE(dp_.programmed().chains.at(name).rules[0].find("dport 7777"), std::string::npos);
}

TEST_F(DriverTest, ChangesSoonAfterATransactionWaitForTheMinimumInterval) {
  RecordingNftBackend backend;
  FakeClock clock;
  Dataplane dp(backend, clock);  // default interval: 10 ms
  dp.OnUpdate(calc::IpSetUpdate{"s1", {Net("10.0.0.1/32")}});
  dp.OnUpdate(PolicyFromSet());
  dp.OnUpdate(Hep("ep1", "eth0"));
  dp.OnUpdate(calc::InSync{});
  ASSERT_TRUE(dp.Apply().ok());
  ASSERT_EQ(backend.scripts.size(), 1u);
  // A burst right after the transaction: nothing is sent before 10 ms, then
  // the whole burst goes as one transaction.
  for (int i = 2; i < 50; ++i) {
    dp.OnUpdate(calc::IpSetDeltaUpdate{"s1", {Net(fmt::format("10.0.0.{}/32", i))}, {}});
    EXPECT_FALSE(dp.Dirty());
    ASSERT_TRUE(dp.Apply().ok());
  }
  EXPECT_EQ(backend.scripts.size(), 1u);
  EXPECT_EQ(dp.NextDeadline(), clock.Now() + milliseconds(10));
  clock.Advance(milliseconds(10));
  EXPECT_TRUE(dp.Dirty());
  ASSERT_TRUE(dp.Apply().ok());
  ASSERT_EQ(backend.scripts.size(), 2u);
  EXPECT_EQ(backend.direct_batches, 2);  // the first program and the burst
  // An isolated change long after the last transaction goes at once.
  clock.Advance(seconds(1));
  dp.OnUpdate(calc::IpSetDeltaUpdate{"s1", {}, {Net("10.0.0.2/32")}});
  EXPECT_TRUE(dp.Dirty());
  ASSERT_TRUE(dp.Apply().ok());
  EXPECT_EQ(backend.scripts.size(), 3u);
}

TEST_F(DriverTest, BackoffIsCapped) {
  RecordingNftBackend backend;
  FakeClock clock;
  Dataplane dp(
      backend, clock,
      DataplaneOptions{seconds(90), milliseconds(100), milliseconds(300), milliseconds(0)});
  dp.OnUpdate(calc::InSync{});
  const std::vector<int> want_ms = {100, 200, 300, 300};
  for (int ms : want_ms) {
    backend.fail_next = {Status::IoError("boom")};
    EXPECT_FALSE(dp.Apply().ok());
    EXPECT_EQ(dp.NextDeadline(), clock.Now() + milliseconds(ms)) << ms;
    clock.Advance(milliseconds(ms));
  }
}

TEST_F(DriverTest, RefreshWithoutForeignCommitReadsOnlyTheGeneration) {
  ProgramBase();
  clock_.Advance(seconds(90));
  EXPECT_TRUE(dp_.Dirty());
  const int reads = backend_.generation_reads;
  ASSERT_TRUE(dp_.Apply().ok());
  EXPECT_EQ(backend_.generation_reads, reads + 1);
  EXPECT_EQ(backend_.shape_reads, 0);
  EXPECT_EQ(backend_.scripts.size(), 1u);
  EXPECT_EQ(dp_.NextDeadline(), clock_.Now() + seconds(90));
}

TEST_F(DriverTest, ForeignCommitWithoutDriftReadsTheShapeOnce) {
  ProgramBase();
  backend_.ForeignCommit();  // e.g. the host's own firewall in another table
  ASSERT_TRUE(dp_.Refresh().ok());
  EXPECT_EQ(backend_.shape_reads, 1);
  EXPECT_EQ(backend_.scripts.size(), 1u);  // nothing to repair
  ASSERT_TRUE(dp_.Refresh().ok());
  EXPECT_EQ(backend_.shape_reads, 1);  // the generation is known again
}

TEST_F(DriverTest, ForeignCommitIsNoticedAtOurNextTransaction) {
  ProgramBase();
  backend_.ForeignCommit();
  dp_.OnUpdate(calc::IpSetDeltaUpdate{"s1", {Net("10.0.0.2/32")}, {}});
  ASSERT_TRUE(dp_.Apply().ok());
  // The commit took the generation two past ours: the shape was read at once.
  EXPECT_EQ(backend_.shape_reads, 1);
  EXPECT_FALSE(dp_.Dirty());
}

TEST_F(DriverTest, RefreshRepairsOnlyTheDriftedObjects) {
  const std::string set4 = rules::IpSetName("s1", 4);
  struct Case {
    std::string description;
    std::function<void(TableShape&)> drift;
    std::vector<std::string> want_lines;  // in the repair script
  };
  const std::vector<Case> cases = {
      {"a chain deleted",
       [](TableShape& s) { s.chain_rules.erase("cali-fh-ep1"); },
       {"add chain inet calico cali-fh-ep1", "flush chain inet calico cali-fh-ep1",
        "add rule inet calico cali-fh-ep1 ct state established,related accept"}},
      {"a rule deleted",
       [](TableShape& s) { --s.chain_rules.at("cali-pi-default/allow-set"); },
       {"flush chain inet calico cali-pi-default/allow-set"}},
      {"a set element deleted",
       [&](TableShape& s) { s.set_elements.at(set4) = 0; },
       {"add set inet calico " + set4 + " { type ipv4_addr; }", "flush set inet calico " + set4,
        "add element inet calico " + set4 + " { 10.0.0.1 }"}},
      {"a foreign chain in our table",
       [](TableShape& s) { s.chain_rules["intruder"] = 1; },
       {"flush chain inet calico intruder", "delete chain inet calico intruder"}}};
  for (const Case& c : cases) {
    RecordingNftBackend backend;
    FakeClock clock;
    Dataplane dp(backend, clock, NoInterval());
    dp.OnUpdate(calc::IpSetUpdate{"s1", {Net("10.0.0.1/32")}});
    dp.OnUpdate(PolicyFromSet());
    dp.OnUpdate(Hep("ep1", "eth0"));
    dp.OnUpdate(calc::InSync{});
    ASSERT_TRUE(dp.Apply().ok());
    backend.shape = ShapeOf(dp.programmed());
    c.drift(backend.shape);
    backend.ForeignCommit();
    ASSERT_TRUE(dp.Refresh().ok()) << c.description;
    ASSERT_EQ(backend.scripts.size(), 2u) << c.description;
    const std::string& repair = backend.scripts[1];
    for (const auto& line : c.want_lines) {
      EXPECT_NE(repair.find(line + "\n"), std::string::npos) << c.description << ": " << line;
    }
    EXPECT_EQ(repair.find("delete table"), std::string::npos) << c.description;
    EXPECT_LT(repair.size(), backend.scripts[0].size() / 2) << c.description;
  }
}

TEST_F(DriverTest, RefreshReplacesAMissingTable) {
  ProgramBase();
  backend_.table_exists = false;
  backend_.ForeignCommit();
  ASSERT_TRUE(dp_.Refresh().ok());
  ASSERT_EQ(backend_.scripts.size(), 2u);
  EXPECT_EQ(backend_.scripts[1], backend_.scripts[0]);
}

TEST_F(DriverTest, EndpointByIpFollowsAddresses) {
  calc::HostEndpointUpdate ep = Hep("ep1", "");
  ep.name.reset();
  ep.expected_ipv4_addrs = {*model::ParseIpAddr("10.0.0.5", 4)};
  dp_.OnUpdate(ep);
  dp_.OnUpdate(calc::InSync{});
  ASSERT_TRUE(dp_.Apply().ok());
  EXPECT_EQ(backend_.scripts[0].find("\"eth3\""), std::string::npos);
  dp_.OnInterfaces({{"eth3", {*model::ParseIpAddr("10.0.0.5", 4)}}});
  EXPECT_EQ(dp_.resolution().v4_ifaces,
            (std::map<calc::HostEndpointId, std::vector<std::string>>{{{"ep1"}, {"eth3"}}}));
  EXPECT_TRUE(dp_.Dirty());
  ASSERT_TRUE(dp_.Apply().ok());
  ASSERT_EQ(backend_.scripts.size(), 2u);
  EXPECT_NE(backend_.scripts[1].find("eth3"), std::string::npos);
  // An unrelated interface change does not dirty the driver.
  dp_.OnInterfaces({{"eth3", {*model::ParseIpAddr("10.0.0.5", 4)}}, {"lo", {}}});
  EXPECT_FALSE(dp_.Dirty());
  dp_.OnInterfaces({});
  EXPECT_TRUE(dp_.Dirty());
}

}  // namespace
}  // namespace felix::dataplane
