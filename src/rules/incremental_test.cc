// IncrementalRenderer tests: the delta each kind of message produces (table
// driven), and the property that over random message sequences the
// incrementally maintained Table equals the full Render and the delta names
// every key that changed.
#include "rules/incremental.h"

#include <gtest/gtest.h>

#include <random>

#include "rules/test_messages.h"
#include "rules/test_util.h"

namespace felix::rules {
namespace {

using namespace testing;  // NOLINT

calc::ActivePolicyUpdate Pol(const std::string& tier, const std::string& name,
                             const std::string& set) {
  calc::ActivePolicyUpdate p;
  p.id = {tier, name};
  calc::Rule r = Proto("tcp");
  r.match.src_ip_set_ids = {set};
  p.inbound = {r};
  p.outbound = {Allow()};
  return p;
}

calc::HostEndpointUpdate Hep(const std::string& id, const std::string& iface,
                             std::vector<std::string> policies) {
  calc::HostEndpointUpdate h;
  h.id.endpoint = id;
  h.name = iface;
  h.policy.tiers = {calc::TierInfo{"t", std::move(policies)}};
  return h;
}

// A renderer holding set s1 {10.0.0.1}, policy t/p1 and host endpoint h1 on
// eth0, flushed and with its delta cleared.
IncrementalRenderer Primed() {
  IncrementalRenderer r;
  r.Apply(calc::IpSetUpdate{"s1", {C("10.0.0.1/32")}});
  r.Apply(Pol("t", "p1", "s1"));
  r.Apply(Hep("h1", "eth0", {"p1", "p2"}));
  r.Apply(calc::InSync{});
  EXPECT_TRUE(r.Flush().all);
  r.ClearDelta();
  return r;
}

struct DeltaCase {
  std::string description;
  std::vector<calc::Message> msgs;
  TableDelta want;
};

TEST(IncrementalRendererTest, DeltaPerMessage) {
  const std::string s4 = IpSetName("s1", 4), s6 = IpSetName("s1", 6);
  const std::vector<DeltaCase> cases = {
      {"a set member added is one element key",
       {calc::IpSetDeltaUpdate{"s1", {C("10.0.0.2/32")}, {}}},
       TableDelta{false, {}, {}, {{s4, {"10.0.0.2"}}}}},
      {"members added and removed in a burst accumulate",
       {calc::IpSetDeltaUpdate{"s1", {C("10.0.0.2/32")}, {C("10.0.0.1/32")}},
        calc::IpSetDeltaUpdate{"s1", {C("fd00::1/128")}, {}}},
       TableDelta{false, {}, {}, {{s4, {"10.0.0.1", "10.0.0.2"}}, {s6, {"fd00::1"}}}}},
      {"a CIDR member turns the family's set into an interval set: whole set",
       {calc::IpSetDeltaUpdate{"s1", {C("10.1.0.0/16")}, {}}},
       TableDelta{false, {}, {s4}, {}}},
      {"a full set update re-renders both families",
       {calc::IpSetUpdate{"s1", {C("10.0.0.3/32")}}},
       TableDelta{false, {}, {s4, s6}, {}}},
      {"a policy update re-renders its two chains only",
       {Pol("t", "p1", "s2")},
       TableDelta{false, {"cali-pi-t/p1", "cali-po-t/p1"}, {}, {}}},
      {"a config change re-renders everything",
       {calc::ConfigUpdate{calc::DataplaneConfig{{"tap"}, {}, {}, {}}}},
       TableDelta{true, {}, {}, {}}},
      {"an unchanged config is no change", {calc::ConfigUpdate{}}, TableDelta{}},
  };
  for (const auto& c : cases) {
    IncrementalRenderer r = Primed();
    for (const auto& m : c.msgs) r.Apply(m);
    EXPECT_EQ(r.Flush(), c.want) << c.description;
    EXPECT_EQ(r.table(), Render(r.state(), r.resolution())) << c.description;
  }
}

// The shared policy list an endpoint chain ends in.
std::string ListOf(const Table& t, const std::string& chain) {
  const std::string& last = t.chains.at(chain).rules.back();
  return last.starts_with("counter goto cali-pl-") ? last.substr(13) : "";
}

TEST(IncrementalRendererTest, PolicyThatAppearsMovesItsEndpointsToNewLists) {
  IncrementalRenderer r = Primed();
  const std::string old_in = ListOf(r.table(), "cali-fh-h1");
  const std::string old_out = ListOf(r.table(), "cali-th-h1");
  r.Apply(Pol("t", "p2", "s1"));
  const TableDelta& d = r.Flush();
  const std::string new_in = ListOf(r.table(), "cali-fh-h1");
  const std::string new_out = ListOf(r.table(), "cali-th-h1");
  ASSERT_NE(old_in, new_in);
  ASSERT_NE(old_out, new_out);
  // The endpoint chains, the policy's chains, the lists left and entered.
  const std::set<std::string> chains = {"cali-fh-h1", "cali-pi-t/p2", "cali-po-t/p2", "cali-th-h1",
                                        old_in,       old_out,        new_in,         new_out};
  EXPECT_EQ(
      d, (TableDelta{false,
                     chains,
                     {"cali-fh-map", "cali-fhf-map", "cali-fhp-map", "cali-fhr-map", "cali-fhw-map",
                      "cali-th-map", "cali-thf-map", "cali-thr-map", "cali-thw-map"},
                     {}}));
  EXPECT_FALSE(r.table().chains.contains(old_in));  // its only user left it
  EXPECT_EQ(r.table(), Render(r.state(), r.resolution()));
}

// With DropActionOverride, the chains each flush re-renders are overridden
// like the full render, also when a flush repeats (a failed program).
TEST(IncrementalRendererTest, DropOverrideFollowsEveryChange) {
  IncrementalRenderer r = Primed();
  calc::DataplaneConfig c;
  c.drop_action_override = config::DropActionOverride::kLogAndDrop;
  r.Apply(calc::ConfigUpdate{c});
  r.Flush();
  EXPECT_EQ(r.table(), Render(r.state(), r.resolution()));
  r.ClearDelta();
  r.Apply(Pol("t", "p2", "s1"));
  r.Flush();
  r.Flush();  // not cleared: the same chains again
  EXPECT_EQ(r.table(), Render(r.state(), r.resolution()));
  r.ClearDelta();
  r.Apply(Hep("h2", "eth1", {"p2"}));
  r.Flush();
  EXPECT_EQ(r.table(), Render(r.state(), r.resolution()));
}

TEST(IncrementalRendererTest, RelabelBetweenExistingListsChangesOneEndpointChain) {
  IncrementalRenderer r;
  r.Apply(calc::IpSetUpdate{"s1", {C("10.0.0.1/32")}});
  r.Apply(Pol("t", "p1", "s1"));
  r.Apply(Pol("t", "p2", "s1"));
  r.Apply(Hep("h1", "eth0", {"p1"}));
  r.Apply(Hep("h2", "eth1", {"p2"}));
  r.Apply(Hep("h3", "eth2", {"p2"}));
  r.Apply(calc::InSync{});
  r.Flush();
  r.ClearDelta();
  const std::string p1_in = ListOf(r.table(), "cali-fh-h1");
  // h3 moves from p2's lists to p1's: h2 still uses p2's, so no list chain
  // is added or removed; only h3's own chains change.
  r.Apply(Hep("h3", "eth2", {"p1"}));
  const TableDelta& d = r.Flush();
  EXPECT_EQ(d.chains, (std::set<std::string>{"cali-fh-h3", "cali-th-h3"}));
  EXPECT_EQ(ListOf(r.table(), "cali-fh-h3"), p1_in);
  EXPECT_EQ(r.table(), Render(r.state(), r.resolution()));
}

TEST(IncrementalRendererTest, RandomSequencesMatchFullRender) {
  for (unsigned seed = 1; seed <= 300; ++seed) {
    RandomMessages gen(seed);
    IncrementalRenderer r;
    Table programmed;  // the table as of the last ClearDelta
    for (int step = 0; step < 60; ++step) {
      if (gen.Pick(8) == 0) {
        r.SetResolution(gen.Resolution());
      } else {
        r.Apply(gen.Next(r.state()));
      }
      if (gen.Pick(4) != 0) continue;
      const TableDelta& d = r.Flush();
      ASSERT_EQ(r.table(), Render(r.state(), r.resolution()))
          << "seed " << seed << " step " << step;
      // The delta names every changed key: patching only those keys of the
      // previous table gives the new one.
      PatchTable(programmed, r.table(), d);
      ASSERT_EQ(programmed, r.table()) << "seed " << seed << " step " << step;
      if (gen.Pick(3) != 0) r.ClearDelta();  // else: the delta accumulates (a failed apply)
    }
  }
}

}  // namespace
}  // namespace felix::rules
