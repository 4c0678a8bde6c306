// A tier's default_action through the graph: the local endpoint's TierInfo
// says pass, and a change of the metadata alone re-sends the endpoint.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "calc/calc.h"
#include "calc/dataplane_view.h"

namespace felix::calc {
namespace {

void Put(CalcGraph& g, const std::string& key, const std::string& raw) {
  testing::PutValue(g, key, raw);
}

TEST(TierDefaultActionTest, ReachesTheEndpointAndFollowsTheMetadata) {
  CalcGraph g("h1", DataplaneConfig{});
  testing::DataplaneView view;
  Put(g, "/calico/v1/host/h1/endpoint/eth0", R"({"name": "eth0", "labels": {"a": "b"}})");
  Put(g, "/calico/v1/policy/tier/t1/metadata", R"({"order": 1, "default_action": "pass"})");
  Put(g, "/calico/v1/policy/tier/t1/policy/p", R"j({"selector": "has(a)", "inbound_rules": []})j");
  Put(g, "/calico/v1/policy/tier/t2/policy/q", R"j({"selector": "has(a)", "inbound_rules": []})j");
  g.OnInSync();
  view.Flush(g);
  ASSERT_THAT(view.violations(), ::testing::IsEmpty());
  const auto& tiers = view.host_endpoints().at({"eth0"}).policy.tiers;
  ASSERT_EQ(tiers.size(), 2u);
  EXPECT_EQ(tiers[0], (TierInfo{"t1", {"p"}, true}));
  EXPECT_EQ(tiers[1], (TierInfo{"t2", {"q"}, false}));  // no metadata: deny
  Put(g, "/calico/v1/policy/tier/t1/metadata", R"({"order": 1})");
  view.Flush(g);
  EXPECT_THAT(view.last_flush(), ::testing::SizeIs(1));
  EXPECT_FALSE(view.host_endpoints().at({"eth0"}).policy.tiers[0].default_pass);
}

}  // namespace
}  // namespace felix::calc
