// Integration tests (root; label `integration`) of pre-DNAT policy and of
// policy `types` on the real packet path, from v1 values through the calc
// graph and the driver. The pinhole mirrors Calico's host-endpoint example:
// h DNATs tcp 8888 to q (10.97.0.2:80) and 8889 to the workload w
// (10.95.0.2:80) in a nat table of its own (inside the test namespace); a
// pre-DNAT policy on the external interface h:eth0 allows only those two
// original ports and denies the rest of p's traffic, so the external client
// p reaches the services only through the pinholes, never q or h directly,
// while the workload's own traffic is unaffected and failsafe survives.
#include "dataplane/netns_fixture.h"

namespace felix::dataplane {
namespace {

using namespace nstest;  // NOLINT: the fixture's helpers

constexpr char kPinhole[] = "/calico/v1/policy/tier/edge/policy/pinhole";
constexpr char kDropRest[] = "/calico/v1/policy/tier/edge/policy/drop-rest";

class PreDnatNetnsTest : public GraphNetnsTest {
 protected:
  void SetUp() override {
    GraphNetnsTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_EQ(sb_.Exec("h",
                       "nft add table ip pinhole-test && nft add chain ip pinhole-test pre "
                       "{ type nat hook prerouting priority -100 \\; } && nft add rule ip "
                       "pinhole-test pre tcp dport 8888 dnat to 10.97.0.2:80 && nft add rule ip "
                       "pinhole-test pre tcp dport 8889 dnat to 10.95.0.2:80"),
              0);
    Put("/calico/v1/host/h/endpoint/ep0", R"({"name": "eth0", "labels": {"role": "edge"}})");
    Put("/calico/v1/policy/profile/open/rules",
        R"({"inbound_rules": [{"action": "allow"}], "outbound_rules": [{"action": "allow"}]})");
    Put("/calico/v1/host/h/workload/k8s/wl1/endpoint/eth0",
        R"({"state": "active", "name": "cali1", "profile_ids": ["open"], "ipv4_nets": ["10.95.0.2/32"]})");
  }
};

TEST_F(PreDnatNetnsTest, PinholesToDnatedPorts) {
  Put(kPinhole,
      R"j({"selector": "role == 'edge'", "order": 10, "pre_dnat": true, "apply_on_forward": true,
          "types": ["ingress"],
          "inbound_rules": [{"action": "allow", "protocol": "tcp", "dst_ports": [8888, 8889]}]})j");
  Put(kDropRest,
      R"j({"selector": "role == 'edge'", "order": 20, "pre_dnat": true, "apply_on_forward": true,
          "inbound_rules": [{"action": "deny", "src_net": "10.99.0.0/24"}]})j");
  ASSERT_NO_FATAL_FAILURE(Sync());
  EXPECT_TRUE(Connects("10.99.0.1", 8888)) << "the pinhole, DNATed to q";
  EXPECT_TRUE(Connects("10.99.0.1", 8889)) << "the pinhole, DNATed to the workload";
  EXPECT_FALSE(Connects("10.97.0.2", 80)) << "q directly: denied before DNAT";
  EXPECT_FALSE(Connects("10.95.0.2", 80)) << "the workload directly: denied before DNAT";
  EXPECT_FALSE(Connects("10.99.0.1", 80)) << "the host itself: denied";
  EXPECT_TRUE(Connects("10.99.0.1", 22)) << "failsafe comes first";
  EXPECT_TRUE(Connects("10.97.0.2", 80, "w")) << "the workload's own traffic is unaffected";
  EXPECT_TRUE(Connects("10.97.0.2", 8080, "w"));

  // The workload's own policy still applies behind an open pinhole.
  Put("/calico/v1/policy/profile/open/rules",
      R"({"inbound_rules": [{"action": "deny"}], "outbound_rules": [{"action": "allow"}]})");
  ASSERT_NO_FATAL_FAILURE(Sync());
  EXPECT_FALSE(Connects("10.99.0.1", 8889)) << "the workload's inbound policy denies";
  EXPECT_TRUE(Connects("10.99.0.1", 8888));

  // Without the pinhole nothing of p's gets in; without the deny either,
  // undecided packets go on to normal policy (ep0 has none: its drop).
  Delete(kPinhole);
  ASSERT_NO_FATAL_FAILURE(Sync());
  EXPECT_FALSE(Connects("10.99.0.1", 8888));
  Delete(kDropRest);
  Put("/calico/v1/policy/tier/normal/policy/web",
      R"j({"selector": "role == 'edge'", "inbound_rules": [{"action": "allow", "protocol": "tcp", "dst_ports": [80]}]})j");
  ASSERT_NO_FATAL_FAILURE(Sync());
  EXPECT_TRUE(Connects("10.99.0.1", 80)) << "no pre-DNAT policy left: normal policy allows";
  EXPECT_FALSE(Connects("10.99.0.1", 8080)) << "normal policy's tier end";
  EXPECT_TRUE(Connects("10.99.0.1", 22));
}

TEST_F(PreDnatNetnsTest, APreDnatAllowSkipsNormalPolicyAndADenyBeatsIt) {
  Put("/calico/v1/policy/tier/normal/policy/deny-all",
      R"j({"selector": "role == 'edge'", "inbound_rules": [{"action": "deny"}]})j");
  Put(kPinhole,
      R"j({"selector": "role == 'edge'", "pre_dnat": true, "apply_on_forward": true,
          "inbound_rules": [{"action": "allow", "protocol": "tcp", "dst_ports": [80]},
                            {"action": "deny", "protocol": "tcp", "dst_ports": [22]}]})j");
  ASSERT_NO_FATAL_FAILURE(Sync());
  EXPECT_TRUE(Connects("10.99.0.1", 80)) << "allowed before DNAT: normal policy skipped";
  EXPECT_FALSE(Connects("10.99.0.1", 8080)) << "undecided: normal policy denies";
  EXPECT_TRUE(Connects("10.99.0.1", 22)) << "failsafe beats the pre-DNAT deny";
}

TEST_F(PreDnatNetnsTest, TypesLeaveADirectionToTheRest) {
  for (int port : {80, 8080}) ASSERT_TRUE(sb_.Listen("p", port).ok());
  // An ingress-only deny-all leaves outbound traffic to the next tier; an
  // egress-only empty policy denies outbound traffic ("deny this direction").
  Put("/calico/v1/policy/tier/a/policy/in-only",
      R"j({"selector": "role == 'edge'", "order": 1, "types": ["ingress"],
          "inbound_rules": [{"action": "allow", "protocol": "tcp", "dst_ports": [80]}]})j");
  Put("/calico/v1/policy/tier/a/metadata", R"({"order": 1})");
  Put("/calico/v1/policy/tier/b/metadata", R"({"order": 2})");
  Put("/calico/v1/policy/tier/b/policy/out",
      R"j({"selector": "role == 'edge'", "types": ["egress"],
          "outbound_rules": [{"action": "allow", "protocol": "tcp", "dst_ports": [80]}]})j");
  ASSERT_NO_FATAL_FAILURE(Sync());
  EXPECT_TRUE(Connects("10.99.0.1", 80));
  EXPECT_FALSE(Connects("10.99.0.1", 8080)) << "tier a governs ingress: its end drops";
  EXPECT_TRUE(Connects("10.99.0.2", 80, "h")) << "tier a governs no egress; tier b allows 80";
  EXPECT_FALSE(Connects("10.99.0.2", 8080, "h")) << "tier b's end drops";
  Put("/calico/v1/policy/tier/b/policy/out",
      R"j({"selector": "role == 'edge'", "types": ["ingress"],
          "outbound_rules": [{"action": "allow", "protocol": "tcp", "dst_ports": [80]}]})j");
  ASSERT_NO_FATAL_FAILURE(Sync());
  EXPECT_FALSE(Connects("10.99.0.2", 80, "h")) << "no policy governs egress: no profile, drop";
  EXPECT_FALSE(Connects("10.99.0.1", 8080)) << "b's ingress policy has no inbound rules";
}

}  // namespace
}  // namespace felix::dataplane
