// Table-driven tests of DataplaneView itself: the state it rebuilds and the
// exact texts of the contract violations it records.
#include "calc/dataplane_view.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace felix::calc::testing {
namespace {

model::Cidr C(const char* text) { return *model::ParseCidr(text, 0); }

Rule FromSet(const std::string& id) {
  Rule r;
  r.match.src_ip_set_ids = {id};
  return r;
}

HostEndpointUpdate Hep(const std::string& id, std::vector<TierInfo> tiers = {}) {
  HostEndpointUpdate u;
  u.id.endpoint = id;
  u.policy.tiers = std::move(tiers);
  return u;
}

ActivePolicyUpdate Pol(const std::string& name, std::vector<Rule> in = {}, bool untracked = false) {
  return ActivePolicyUpdate{{"default", name}, std::move(in), {}, untracked};
}

struct Row {
  std::string description;
  std::vector<std::vector<Message>> flushes;
  std::vector<std::string> violations;
};

TEST(DataplaneViewTest, ContractViolations) {
  const std::vector<Row> rows = {
      {"well-formed flushes",
       {{IpSetUpdate{"s:a", {C("10.0.0.1/32")}}, Pol("p", {FromSet("s:a")}),
         Hep("eth0", {{"default", {"p"}}}), ConfigUpdate{}, InSync{}},
        {IpSetDeltaUpdate{"s:a", {C("10.0.0.2/32")}, {C("10.0.0.1/32")}}},
        {HostEndpointRemove{{"eth0"}}, ActivePolicyRemove{{"default", "p"}}, IpSetRemove{"s:a"}}},
       {}},
      {"policy before its IP set",
       {{Pol("p", {FromSet("s:a")}), IpSetUpdate{"s:a", {}}, Hep("eth0", {{"default", {"p"}}})}},
       {"flush 1: out of order: IpSetUpdate s:a [] after a message of phase 1"}},
      {"removals before updates",
       {{Hep("eth0")}, {HostEndpointRemove{{"eth0"}}, Hep("eth1")}},
       {"flush 2: out of order: HostEndpointUpdate eth1 tiers=[] untracked=[] profiles=[] after "
        "a message of phase 4"}},
      {"two messages for one object",
       {{Hep("eth0"), Hep("eth0")}},
       {"flush 1: second message for hep eth0 in one flush: HostEndpointUpdate eth0 tiers=[] "
        "untracked=[] profiles=[]"}},
      {"delta to an unknown set, then a rule naming nothing",
       {{IpSetDeltaUpdate{"s:x", {C("10.0.0.1/32")}, {}}}},
       {"flush 1: delta for an unknown set: IpSetDeltaUpdate s:x +[10.0.0.1/32] -[]"}},
      {"delta adding a present and removing an absent member",
       {{IpSetUpdate{"s:a", {C("10.0.0.1/32")}}, Pol("p", {FromSet("s:a")}),
         Hep("e", {{"default", {"p"}}})},
        {IpSetDeltaUpdate{"s:a", {C("10.0.0.1/32")}, {C("10.0.0.9/32")}}}},
       {"flush 2: delta removes absent member 10.0.0.9/32 of s:a",
        "flush 2: delta adds present member 10.0.0.1/32 to s:a"}},
      {"full update of an existing set without a remove",
       {{IpSetUpdate{"s:a", {}}, Pol("p", {FromSet("s:a")}), Hep("e", {{"default", {"p"}}})},
        {IpSetUpdate{"s:a", {}}}},
       {"flush 2: IpSetUpdate for an existing set without a remove: s:a"}},
      {"unsorted members; set named by no rule",
       {{IpSetUpdate{"s:a", {C("10.0.0.2/32"), C("10.0.0.1/32")}}}},
       {"flush 1: members not sorted/unique: IpSetUpdate s:a [10.0.0.2/32, 10.0.0.1/32]",
        "flush 1: IP set s:a is named by no active rule"}},
      {"rule naming a missing set; unused policy and profile",
       {{Pol("p", {FromSet("s:gone")}), ActiveProfileUpdate{"prof", {}, {}}}},
       {"flush 1: active rule names missing IP set s:gone",
        "flush 1: active policy default/p is used by no endpoint",
        "flush 1: active profile prof is listed by no endpoint"}},
      {"endpoint naming an inactive policy, tracked policy as untracked",
       {{Pol("p"),
         [] {
           auto h = Hep("e", {{"default", {"q"}}});
           h.policy.untracked_tiers = {{"default", {"p"}}};
           return h;
         }()}},
       {"flush 1: hep e names inactive policy default/q",
        "flush 1: hep e lists policy default/p as untracked but it is tracked"}},
      {"removes of unknown objects; second InSync",
       {{InSync{}}, {WorkloadEndpointRemove{{"o", "w", "e"}}, ActiveProfileRemove{"x"}, InSync{}}},
       {"flush 2: remove of an unknown WorkloadEndpointRemove o/w/e",
        "flush 2: remove of an inactive profile x", "flush 2: second InSync"}},
  };
  for (const auto& row : rows) {
    DataplaneView view;
    for (const auto& flush : row.flushes) {
      view.BeginFlush();
      for (const auto& m : flush) view.OnMessage(m);
      view.EndFlush();
    }
    EXPECT_THAT(view.violations(), ::testing::ElementsAreArray(row.violations)) << row.description;
  }
}

TEST(DataplaneViewTest, RebuildsState) {
  DataplaneView view;
  view.BeginFlush();
  view.OnMessage(IpSetUpdate{"s:a", {C("10.0.0.1/32"), C("fd00::1/128")}});
  view.OnMessage(Pol("p", {FromSet("s:a")}));
  view.OnMessage(Hep("eth0", {{"default", {"p"}}}));
  view.OnMessage(ConfigUpdate{DataplaneConfig{}});
  view.OnMessage(InSync{});
  view.EndFlush();
  view.BeginFlush();
  view.OnMessage(IpSetDeltaUpdate{"s:a", {C("10.0.0.2/32")}, {C("fd00::1/128")}});
  view.EndFlush();
  EXPECT_THAT(view.violations(), ::testing::IsEmpty());
  EXPECT_THAT(view.MembersAsText("s:a"), ::testing::ElementsAre("10.0.0.1/32", "10.0.0.2/32"));
  EXPECT_EQ(view.policies().size(), 1u);
  EXPECT_EQ(view.host_endpoints().at(HostEndpointId{"eth0"}).policy.tiers[0].policies,
            std::vector<std::string>{"p"});
  EXPECT_TRUE(view.in_sync());
  EXPECT_EQ(view.config(), DataplaneConfig{});
  EXPECT_EQ(view.flush_count(), 2);
  EXPECT_EQ(view.message_count(), 6);
  EXPECT_THAT(view.last_flush(),
              ::testing::ElementsAre("IpSetDeltaUpdate s:a +[10.0.0.2/32] -[fd00::1/128]"));
}

}  // namespace
}  // namespace felix::calc::testing
