// Integration test (root; label `integration`) of network sets on the real
// packet path: v1 values decoded by the model, through the calc graph and
// the driver into the kernel, then real TCP from p (10.99.0.2, fd99::2) to
// the host endpoint h:eth0. A set added, an overlapping and duplicate set,
// the first removed, a label change, the zero CIDRs, and everything removed.
#include "dataplane/netns_fixture.h"

namespace felix::dataplane {
namespace {

using namespace nstest;  // NOLINT: the fixture's helpers

class NetworkSetNetnsTest : public GraphNetnsTest {
 protected:
  void SetUp() override {
    GraphNetnsTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    Put("/calico/v1/host/h/endpoint/ep0", R"({"name": "eth0", "labels": {"role": "host"}})");
    Put("/calico/v1/policy/tier/t/policy/from-ext",
        R"j({"selector": "role == 'host'", "inbound_rules": [{"action": "allow", "protocol": "tcp", "dst_ports": [80], "src_selector": "kind == 'ext'"}]})j");
    Sync();
  }
  bool V4() { return Connects("10.99.0.1", 80); }
  bool V6() { return Connects("fd99::1", 80); }
};

TEST_F(NetworkSetNetnsTest, AddOverlapRemove) {
  EXPECT_FALSE(V4()) << "no network set yet";
  Put("/calico/v1/netset/n1", R"({"nets": ["10.99.0.0/30"], "labels": {"kind": "ext"}})");
  ASSERT_NO_FATAL_FAILURE(Sync());
  EXPECT_TRUE(V4()) << "n1 holds p's address";
  EXPECT_FALSE(V6()) << "n1 is IPv4 only";
  // Overlapping and duplicate CIDRs, labels through a profile.
  Put("/calico/v1/policy/profile/ext/labels", R"({"kind": "ext"})");
  Put("/calico/v1/netset/n2",
      R"({"nets": ["10.99.0.2", "10.99.0.0/30", "10.0.0.0/8", "fd99::/64"], "profile_ids": ["ext"]})");
  ASSERT_NO_FATAL_FAILURE(Sync());
  EXPECT_TRUE(V4());
  EXPECT_TRUE(V6());
  Delete("/calico/v1/netset/n1");
  ASSERT_NO_FATAL_FAILURE(Sync());
  EXPECT_TRUE(V4()) << "n2 still covers p";
  Put("/calico/v1/netset/n2", R"({"nets": ["10.98.0.0/24"], "profile_ids": ["ext"]})");
  ASSERT_NO_FATAL_FAILURE(Sync());
  EXPECT_FALSE(V4()) << "n2 no longer covers p";
  EXPECT_FALSE(V6());
  Put("/calico/v1/netset/any", R"({"nets": ["0.0.0.0/0", "::/0"], "labels": {"kind": "ext"}})");
  ASSERT_NO_FATAL_FAILURE(Sync());
  EXPECT_TRUE(V4()) << "the zero CIDR";
  EXPECT_TRUE(V6()) << "the zero CIDR";
  EXPECT_FALSE(Connects("10.99.0.1", 8080)) << "only the rule's port";
  Put("/calico/v1/netset/any", R"({"nets": ["0.0.0.0/0", "::/0"], "labels": {"kind": "int"}})");
  ASSERT_NO_FATAL_FAILURE(Sync());
  EXPECT_FALSE(V4()) << "a label change takes the set out";
  Delete("/calico/v1/netset/any");
  Delete("/calico/v1/netset/n2");
  ASSERT_NO_FATAL_FAILURE(Sync());
  EXPECT_FALSE(V4());
  EXPECT_TRUE(Connects("10.99.0.1", 22)) << "failsafe throughout";
}

}  // namespace
}  // namespace felix::dataplane
