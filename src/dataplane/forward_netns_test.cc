// Integration tests (root; label `integration`) of apply_on_forward on the
// real packet path, from v1 values through the calc graph and the driver:
// traffic p forwards through h to q (arriving by host endpoint eth0, leaving
// by host endpoint eth2) and to the workload w (leaving by cali1). While no
// policy of an endpoint says apply_on_forward, its normal policy polices
// host-to-host forwarding and not workload traffic (the v1 behaviour kept);
// once one does, only apply_on_forward policies police its forwarded
// traffic, to workloads too, and with none forwarding is allowed.
#include "dataplane/netns_fixture.h"

namespace felix::dataplane {
namespace {

using namespace nstest;  // NOLINT: the fixture's helpers

constexpr char kLocal[] = "/calico/v1/policy/tier/default/policy/local";
constexpr char kInner[] = "/calico/v1/policy/tier/default/policy/inner";
constexpr char kForward[] = "/calico/v1/policy/tier/default/policy/forward";
constexpr char kInnerForward[] = "/calico/v1/policy/tier/default/policy/inner-forward";

class ForwardNetnsTest : public GraphNetnsTest {
 protected:
  void SetUp() override {
    GraphNetnsTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    Put("/calico/v1/host/h/endpoint/ep0", R"({"name": "eth0", "labels": {"role": "edge"}})");
    Put("/calico/v1/host/h/endpoint/ep2", R"({"name": "eth2", "labels": {"role": "inner"}})");
    Put("/calico/v1/policy/profile/open/rules",
        R"({"inbound_rules": [{"action": "allow"}], "outbound_rules": [{"action": "allow"}]})");
    Put("/calico/v1/host/h/workload/k8s/wl1/endpoint/eth0",
        R"({"state": "active", "name": "cali1", "profile_ids": ["open"], "ipv4_nets": ["10.95.0.2/32"]})");
    ASSERT_TRUE(sb_.Listen("h", 81).ok());
  }
  // The edge endpoint's local policy: tcp 80 in, with `extra` fields.
  void PutLocal(const std::string& extra) {
    Put(kLocal,
        R"j({"selector": "role == 'edge'", )j" + extra +
            R"j("inbound_rules": [{"action": "allow", "protocol": "tcp", "dst_ports": [80]}]})j");
  }
};

TEST_F(ForwardNetnsTest, OnlyApplyOnForwardPoliciesPoliceForwardedTraffic) {
  // v1: no policy says apply_on_forward.
  PutLocal("");
  Put(kInner,
      R"j({"selector": "role == 'inner'", "inbound_rules": [{"action": "allow"}],
          "outbound_rules": [{"action": "allow"}]})j");
  ASSERT_NO_FATAL_FAILURE(Sync());
  EXPECT_TRUE(Connects("10.97.0.2", 80)) << "host to host: ep0's normal policy allows 80";
  EXPECT_FALSE(Connects("10.97.0.2", 8080)) << "host to host: ep0's tier end";
  EXPECT_TRUE(Connects("10.95.0.2", 8080)) << "to the workload: not policed by ep0 (v1)";
  EXPECT_TRUE(Connects("10.97.0.2", 8080, "w")) << "from the workload: not policed by ep2 (v1)";
  EXPECT_FALSE(Connects("10.99.0.1", 81)) << "local: ep0's normal policy";

  // ep0's local policy says it does not apply on forward, and it is the
  // only one: ep0 forwards everything, local traffic is unchanged.
  PutLocal(R"j("apply_on_forward": false, )j");
  ASSERT_NO_FATAL_FAILURE(Sync());
  EXPECT_TRUE(Connects("10.97.0.2", 8080)) << "no apply_on_forward policy on ep0: allowed";
  EXPECT_TRUE(Connects("10.95.0.2", 8080));
  EXPECT_TRUE(Connects("10.99.0.1", 80));
  EXPECT_FALSE(Connects("10.99.0.1", 81));
  EXPECT_TRUE(Connects("10.99.0.1", 22)) << "failsafe";

  // An ingress apply_on_forward policy on ep0 allowing 8080 only: it alone
  // polices what ep0 forwards, to q and to the workload; like any policy it
  // also applies to what ends at h.
  Put(kForward,
      R"j({"selector": "role == 'edge'", "apply_on_forward": true, "types": ["ingress"],
          "inbound_rules": [{"action": "allow", "protocol": "tcp", "dst_ports": [8080]}]})j");
  ASSERT_NO_FATAL_FAILURE(Sync());
  EXPECT_TRUE(Connects("10.97.0.2", 8080));
  EXPECT_FALSE(Connects("10.97.0.2", 80)) << "the forward policy's tier end";
  EXPECT_TRUE(Connects("10.95.0.2", 8080));
  EXPECT_FALSE(Connects("10.95.0.2", 80)) << "forwarded to a workload: policed by ep0 now";
  EXPECT_TRUE(Connects("10.99.0.1", 80)) << "local traffic: the local policy still";
  EXPECT_TRUE(Connects("10.99.0.1", 8080)) << "local traffic: the forward policy applies too";
  EXPECT_FALSE(Connects("10.99.0.1", 81)) << "local traffic: neither allows";
  EXPECT_TRUE(Connects("10.97.0.2", 80, "w")) << "ep0 is not on the workload's path";

  // ep2 gets an egress apply_on_forward policy: the workload's traffic out
  // through it is policed; ep2's normal policy no longer covers forwarding.
  Put(kInnerForward,
      R"j({"selector": "role == 'inner'", "apply_on_forward": true, "types": ["egress"],
          "outbound_rules": [{"action": "allow", "protocol": "tcp", "dst_ports": [80]}]})j");
  ASSERT_NO_FATAL_FAILURE(Sync());
  EXPECT_TRUE(Connects("10.97.0.2", 80, "w"));
  EXPECT_FALSE(Connects("10.97.0.2", 8080, "w")) << "from the workload out through ep2";
  EXPECT_FALSE(Connects("10.97.0.2", 8080)) << "p to q: ep2's forward policy allows 80 only";

  // Back to v1 when the fields go: the normal policies police forwarding.
  Delete(kForward);
  Delete(kInnerForward);
  PutLocal("");
  ASSERT_NO_FATAL_FAILURE(Sync());
  EXPECT_TRUE(Connects("10.97.0.2", 80));
  EXPECT_FALSE(Connects("10.97.0.2", 8080));
  EXPECT_TRUE(Connects("10.97.0.2", 8080, "w"));
}

}  // namespace
}  // namespace felix::dataplane
