// Integration test (root; label `integration`) of untracked policy with
// failsafe, from v1 values through the calc graph and the driver, as
// Calico's host-endpoint tests run it: a symmetric untracked allow (inbound
// to port 80, outbound from port 80) lets connections through with no
// conntrack state; removing one direction kills the flow both ways (the
// reply is new to conntrack and meets normal policy); failsafe survives.
#include "dataplane/netns_fixture.h"

namespace felix::dataplane {
namespace {

using namespace nstest;  // NOLINT: the fixture's helpers

constexpr char kUntracked[] = "/calico/v1/policy/tier/raw/policy/web";

TEST_F(GraphNetnsTest, UntrackedSymmetricAllowThenOneDirectionRemoved) {
  Put("/calico/v1/host/h/endpoint/ep0", R"({"name": "eth0", "labels": {"role": "host"}})");
  Put(kUntracked,
      R"j({"selector": "role == 'host'", "untracked": true,
          "inbound_rules": [{"action": "allow", "protocol": "tcp", "dst_ports": [80]}],
          "outbound_rules": [{"action": "allow", "protocol": "tcp", "src_ports": [80]}]})j");
  ASSERT_NO_FATAL_FAILURE(Sync());
  EXPECT_TRUE(Connects("10.99.0.1", 80)) << "symmetric untracked allow";
  EXPECT_FALSE(Connects("10.99.0.1", 8080)) << "normal policy: none, so the endpoint drops";
  EXPECT_TRUE(Connects("10.99.0.1", 22)) << "failsafe";

  Put(kUntracked,
      R"j({"selector": "role == 'host'", "untracked": true,
          "inbound_rules": [{"action": "allow", "protocol": "tcp", "dst_ports": [80]}]})j");
  ASSERT_NO_FATAL_FAILURE(Sync());
  EXPECT_FALSE(Connects("10.99.0.1", 80)) << "the reply is untracked no more: both die";
  EXPECT_TRUE(Connects("10.99.0.1", 22)) << "failsafe survives";

  Delete(kUntracked);
  ASSERT_NO_FATAL_FAILURE(Sync());
  EXPECT_FALSE(Connects("10.99.0.1", 80));
  EXPECT_TRUE(Connects("10.99.0.1", 22));
}

}  // namespace
}  // namespace felix::dataplane
