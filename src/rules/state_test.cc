// ApplyMessage tests: each message kind folds into DesiredState.
#include <gtest/gtest.h>

#include "rules/rules.h"
#include "rules/test_util.h"

namespace felix::rules {
namespace {

using namespace testing;  // NOLINT

TEST(ApplyMessageTest, IpSetsFullDeltaRemove) {
  DesiredState s;
  ApplyMessage(s, calc::IpSetUpdate{"s:a", {C("10.0.0.1/32"), C("10.0.0.2/32")}});
  ApplyMessage(s, calc::IpSetDeltaUpdate{"s:a", {C("fd00::1/128")}, {C("10.0.0.1/32")}});
  EXPECT_EQ(s.ip_sets.at("s:a"), (std::set{C("10.0.0.2/32"), C("fd00::1/128")}));
  ApplyMessage(s, calc::IpSetUpdate{"s:a", {C("1.1.1.1/32")}});  // full replace
  EXPECT_EQ(s.ip_sets.at("s:a"), (std::set{C("1.1.1.1/32")}));
  ApplyMessage(s, calc::IpSetRemove{"s:a"});
  EXPECT_TRUE(s.ip_sets.empty());
  ApplyMessage(s, calc::IpSetRemove{"unknown"});  // ignored
  EXPECT_TRUE(s.ip_sets.empty());
}

TEST(ApplyMessageTest, PoliciesProfilesEndpoints) {
  DesiredState s;
  calc::ActivePolicyUpdate pol{{"t", "p"}, {Allow()}, {}, true};
  ApplyMessage(s, pol);
  ApplyMessage(s, calc::ActiveProfileUpdate{"prof", {}, {Allow()}});
  calc::HostEndpointUpdate hep;
  hep.id = {"eth0-ep"};
  hep.name = "eth0";
  ApplyMessage(s, hep);
  calc::WorkloadEndpointUpdate wep;
  wep.id = {"k8s", "w", "e"};
  wep.name = "cali1";
  ApplyMessage(s, wep);
  EXPECT_EQ(s.policies.at(pol.id), pol);
  EXPECT_EQ(s.profiles.at("prof").outbound.size(), 1u);
  EXPECT_EQ(s.host_endpoints.at(hep.id), hep);
  EXPECT_EQ(s.workload_endpoints.at(wep.id), wep);

  ApplyMessage(s, calc::WorkloadEndpointRemove{wep.id});
  ApplyMessage(s, calc::HostEndpointRemove{hep.id});
  ApplyMessage(s, calc::ActiveProfileRemove{"prof"});
  ApplyMessage(s, calc::ActivePolicyRemove{pol.id});
  EXPECT_EQ(s, DesiredState{});
}

TEST(ApplyMessageTest, ConfigAndInSync) {
  DesiredState s;
  calc::DataplaneConfig c;
  c.interface_prefixes = {"tap"};
  ApplyMessage(s, calc::ConfigUpdate{c});
  EXPECT_EQ(s.config, c);
  EXPECT_FALSE(s.in_sync);
  ApplyMessage(s, calc::InSync{});
  EXPECT_TRUE(s.in_sync);
}

}  // namespace
}  // namespace felix::rules
