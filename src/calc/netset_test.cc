// Network sets through the graph: their CIDRs join the IP sets of the rule
// selectors that match their labels (own or inherited from profiles),
// refcounted across sets; policy selectors never select them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "calc/calc.h"
#include "calc/dataplane_view.h"

namespace felix::calc {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

void Put(CalcGraph& g, const std::string& key, const std::string& raw) {
  testing::PutValue(g, key, raw);
}
void Delete(CalcGraph& g, const std::string& key) { g.OnUpdate(*model::ParseKey(key), {}); }

class NetworkSetGraphTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Put(g, "/calico/v1/host/h1/endpoint/eth0", R"({"name": "eth0", "labels": {"role": "host"}})");
    Put(g, "/calico/v1/policy/tier/t/policy/p",
        R"j({"selector": "all()", "inbound_rules": [{"action": "allow", "src_selector": "role == 'ext'"}]})j");
    g.OnInSync();
  }
  // The members of the one IP set policy t/p's rule names.
  std::set<std::string> Members() {
    view.Flush(g);
    EXPECT_THAT(view.violations(), IsEmpty());
    const auto& rule = view.policies().at(PolicyId{"t", "p"}).inbound.at(0);
    EXPECT_EQ(rule.match.src_ip_set_ids.size(), 1u);
    return view.MembersAsText(rule.match.src_ip_set_ids.at(0));
  }
  CalcGraph g{"h1", DataplaneConfig{}};
  testing::DataplaneView view;
};

TEST_F(NetworkSetGraphTest, CidrsJoinMatchingSelectorsAndLeaveWithTheirLastSet) {
  EXPECT_THAT(Members(), IsEmpty());
  Put(g, "/calico/v1/netset/n1",
      R"({"nets": ["10.0.0.0/8", "10.1.0.0/16"], "labels": {"role": "ext"}})");
  EXPECT_THAT(Members(), ElementsAre("10.0.0.0/8", "10.1.0.0/16"));
  // Labels through a profile; the shared /8 is refcounted.
  Put(g, "/calico/v1/netset/n2", R"({"nets": ["10.0.0.0/8", "0.0.0.0/0"], "profile_ids": ["pr"]})");
  EXPECT_THAT(Members(), ElementsAre("10.0.0.0/8", "10.1.0.0/16"));
  Put(g, "/calico/v1/policy/profile/pr/labels", R"({"role": "ext"})");
  EXPECT_THAT(Members(), ElementsAre("0.0.0.0/0", "10.0.0.0/8", "10.1.0.0/16"));
  Delete(g, "/calico/v1/netset/n1");
  EXPECT_THAT(Members(), ElementsAre("0.0.0.0/0", "10.0.0.0/8"));
  // A label change takes the set out of the selector.
  Put(g, "/calico/v1/netset/n2",
      R"({"nets": ["10.0.0.0/8"], "labels": {"role": "int"}, "profile_ids": ["pr"]})");
  EXPECT_THAT(Members(), IsEmpty());
  EXPECT_EQ(g.Stats().network_sets, 1u);
  EXPECT_EQ(g.Stats().host_endpoints, 1u);
  EXPECT_EQ(g.Stats().hosts, 1u);  // a network set is no host
  Delete(g, "/calico/v1/netset/n2");
  EXPECT_THAT(Members(), IsEmpty());
  EXPECT_EQ(g.Stats().network_sets, 0u);
}

TEST_F(NetworkSetGraphTest, PolicySelectorsNeverSelectThem) {
  Put(g, "/calico/v1/netset/n1", R"({"nets": ["10.0.0.0/8"], "labels": {"role": "ext"}})");
  Put(g, "/calico/v1/policy/tier/t/policy/q",
      R"j({"selector": "role == 'ext'", "inbound_rules": []})j");
  view.Flush(g);
  EXPECT_THAT(view.violations(), IsEmpty());
  EXPECT_FALSE(view.policies().contains(PolicyId{"t", "q"}));
  EXPECT_EQ(view.host_endpoints().size(), 1u);
}

}  // namespace
}  // namespace felix::calc
