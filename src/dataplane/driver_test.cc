// Driver tests on the recording fake backend and a FakeClock: nothing before
// in-sync, one full replace at in-sync, minimal diffs, coalescing, retry with
// back-off, refresh repair, interface resolution.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

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

// What `nft -j list table` would print for a table: shape only.
std::string ListingOf(const rules::Table& t) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& [name, c] : t.chains) {
    items.push_back({{"chain", {{"name", name}}}});
    for (size_t i = 0; i < c.rules.size(); ++i) items.push_back({{"rule", {{"chain", name}}}});
  }
  for (const auto& [name, s] : t.sets) {
    nlohmann::json elem = nlohmann::json::array();
    for (const auto& e : s.elements) elem.push_back(e.first);
    items.push_back({{s.data_type ? "map" : "set", {{"name", name}, {"elem", elem}}}});
  }
  return nlohmann::json{{"nftables", items}}.dump();
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
    backend_.listing = ListingOf(dp_.programmed());
  }

  RecordingNftBackend backend_;
  FakeClock clock_;
  Dataplane dp_{backend_, clock_, DataplaneOptions{}};
};

TEST_F(DriverTest, NothingIsProgrammedBeforeInSync) {
  dp_.OnUpdate(Hep("ep1", "eth0"));
  EXPECT_FALSE(dp_.Dirty());
  EXPECT_EQ(dp_.NextDeadline(), std::nullopt);
  EXPECT_TRUE(dp_.Apply().ok());
  EXPECT_TRUE(backend_.attempts.empty());
  EXPECT_TRUE(dp_.Refresh().ok());
  EXPECT_EQ(backend_.list_calls, 0);
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
  EXPECT_EQ(backend_.scripts[1], "delete element inet calico " + name + " { 10.0.0.1 }\n" +
                                     "add set inet calico " + name +
                                     " { type ipv4_addr; elements = { 10.0.0.2 } }\n");
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

TEST_F(DriverTest, BackoffIsCapped) {
  RecordingNftBackend backend;
  FakeClock clock;
  Dataplane dp(backend, clock, DataplaneOptions{seconds(90), milliseconds(100), milliseconds(300)});
  dp.OnUpdate(calc::InSync{});
  const std::vector<int> want_ms = {100, 200, 300, 300};
  for (int ms : want_ms) {
    backend.fail_next = {Status::IoError("boom")};
    EXPECT_FALSE(dp.Apply().ok());
    EXPECT_EQ(dp.NextDeadline(), clock.Now() + milliseconds(ms)) << ms;
    clock.Advance(milliseconds(ms));
  }
}

TEST_F(DriverTest, RefreshWithoutDriftDoesNothing) {
  ProgramBase();
  clock_.Advance(seconds(90));
  EXPECT_TRUE(dp_.Dirty());
  ASSERT_TRUE(dp_.Apply().ok());
  EXPECT_EQ(backend_.list_calls, 1);
  EXPECT_EQ(backend_.scripts.size(), 1u);
  EXPECT_EQ(dp_.NextDeadline(), clock_.Now() + seconds(90));
}

TEST_F(DriverTest, RefreshRepairsDrift) {
  struct Case {
    std::string description;
    std::function<void(RecordingNftBackend&, const rules::Table&)> drift;
  };
  const std::vector<Case> cases = {
      {"a chain deleted",
       [](RecordingNftBackend& b, const rules::Table& t) {
         rules::Table d = t;
         d.chains.erase(d.chains.begin());
         b.listing = ListingOf(d);
       }},
      {"a rule deleted",
       [](RecordingNftBackend& b, const rules::Table& t) {
         rules::Table d = t;
         for (auto& [n, c] : d.chains) {
           if (!c.rules.empty()) {
             c.rules.pop_back();
             break;
           }
         }
         b.listing = ListingOf(d);
       }},
      {"a set deleted",
       [](RecordingNftBackend& b, const rules::Table& t) {
         rules::Table d = t;
         d.sets.erase(rules::IpSetName("s1", 4));
         b.listing = ListingOf(d);
       }},
      {"the table deleted",
       [](RecordingNftBackend& b, const rules::Table&) { b.table_exists = false; }}};
  for (const Case& c : cases) {
    RecordingNftBackend backend;
    FakeClock clock;
    Dataplane dp(backend, clock);
    dp.OnUpdate(calc::IpSetUpdate{"s1", {Net("10.0.0.1/32")}});
    dp.OnUpdate(PolicyFromSet());
    dp.OnUpdate(Hep("ep1", "eth0"));
    dp.OnUpdate(calc::InSync{});
    ASSERT_TRUE(dp.Apply().ok());
    c.drift(backend, dp.programmed());
    ASSERT_TRUE(dp.Refresh().ok()) << c.description;
    ASSERT_EQ(backend.scripts.size(), 2u) << c.description;
    EXPECT_EQ(backend.scripts[1], backend.scripts[0]) << c.description;
  }
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
