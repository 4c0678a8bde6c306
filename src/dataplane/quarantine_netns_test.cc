// Integration test (root) of the driver's quarantine on the real kernel: a
// policy chain whose transaction is refused (fault injected in front of the
// real backend, the kernel handles everything else) is found by validation,
// programmed as a drop, and the rest of the table is programmed and works
// for real traffic; the failsafe port stays open behind the offender.
#include <thread>

#include "dataplane/netns_fixture.h"

namespace felix::dataplane {
namespace {

using namespace nstest;  // NOLINT: the fixture's helpers

using model::Action;

TEST_F(NetnsTest, ARejectedPolicyFailsClosedAndEverythingElseIsProgrammed) {
  backend_->rejects = [](const std::string& script) {
    return script.find("dport 6666") != std::string::npos;
  };
  for (const calc::Message& m : std::vector<calc::Message>{
           Config(), Policy("poison", {Tcp(Action::kAllow, 6666)}),
           Policy("web", {Tcp(Action::kAllow, 80)}), Hep("ep0", "eth0", {"poison", "web"}),
           Hep("ep1", "eth1", {"web"}), calc::InSync{}}) {
    dp_->OnUpdate(m);
  }
  EXPECT_FALSE(dp_->Apply().ok()) << "our own batch is refused first";
  std::this_thread::sleep_for(std::chrono::milliseconds(150));  // the retry back-off
  Status st = dp_->Apply();
  ASSERT_TRUE(st.ok()) << st.message();
  ASSERT_EQ(dp_->quarantined().size(), 1u);

  EXPECT_TRUE(Connects("10.98.0.1", 80)) << "eth1 is programmed as usual";
  EXPECT_FALSE(Connects("10.98.0.1", 8080));
  EXPECT_FALSE(Connects("10.99.0.1", 80)) << "eth0 reaches the offender: dropped";
  EXPECT_TRUE(Connects("10.99.0.1", 22)) << "failsafe comes first";

  // Later changes still reach the kernel.
  Program({Policy("web", {Tcp(Action::kAllow, 8080)})});
  EXPECT_TRUE(Connects("10.98.0.1", 8080));
  EXPECT_FALSE(Connects("10.99.0.1", 8080));

  // The offender changes: it is programmed.
  Program({Policy("poison", {Tcp(Action::kAllow, 80)})});
  EXPECT_TRUE(dp_->quarantined().empty());
  EXPECT_TRUE(Connects("10.99.0.1", 80));
  EXPECT_TRUE(Connects("10.99.0.1", 8080));
}

}  // namespace
}  // namespace felix::dataplane
