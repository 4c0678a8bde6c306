// AgentCore driven step by step with a recording nft backend and a fake clock:
// nothing is programmed before in-sync, the first program is one full
// transaction, and etcd config applies live.
#include "daemon/agent_core.h"

#include <gtest/gtest.h>

#include "dataplane/testing.h"

namespace felix::daemon {
namespace {

using datastore::KeyUpdate;

class AgentCoreTest : public ::testing::Test {
 protected:
  AgentCoreTest() {
    inputs_.default_hostname = "my-host";
    auto r = config::ResolveConfig(inputs_);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    core_ = std::make_unique<AgentCore>(inputs_, *r, backend_, clock_, status_);
  }

  const std::string& LastScript() {
    static const std::string empty;
    return backend_.scripts.empty() ? empty : backend_.scripts.back();
  }

  config::ConfigInputs inputs_;
  dataplane::RecordingNftBackend backend_;
  FakeClock clock_;
  AgentStatus status_;
  std::unique_ptr<AgentCore> core_;
};

TEST_F(AgentCoreTest, NothingIsProgrammedBeforeInSync) {
  core_->OnUpdates({{"/calico/v1/Ready", "true"},
                    {"/calico/v1/host/my-host/endpoint/eth0", R"({"name": "eth0"})"}});
  core_->Tick();
  EXPECT_TRUE(backend_.scripts.empty());
  core_->OnInSync();
  core_->Tick();
  ASSERT_EQ(backend_.scripts.size(), 1u);
  EXPECT_NE(LastScript().find("table inet calico"), std::string::npos);
  EXPECT_NE(LastScript().find("\"eth0\""), std::string::npos);
  EXPECT_NE(LastScript().find("tcp dport 22 counter accept"), std::string::npos) << LastScript();
  EXPECT_TRUE(core_->health().ok);
}

TEST_F(AgentCoreTest, EtcdConfigInTheSnapshotAppliesAtInSync) {
  core_->OnUpdates({{"/calico/v1/host/my-host/endpoint/eth0", R"({"name": "eth0"})"},
                    {"/calico/v1/config/FailsafeInboundHostPorts", "2222"}});
  core_->OnInSync();
  core_->Tick();
  ASSERT_EQ(backend_.scripts.size(), 1u);
  EXPECT_EQ(LastScript().find("tcp dport 22 counter accept"), std::string::npos) << LastScript();
  EXPECT_NE(LastScript().find("tcp dport 2222 counter accept"), std::string::npos) << LastScript();
  EXPECT_EQ(core_->config().Origin("FailsafeInboundHostPorts")->text, "Global etcd configuration");
}

TEST_F(AgentCoreTest, ConfigChangesApplyLiveAndPerHostBeatsGlobal) {
  core_->OnUpdates({{"/calico/v1/host/my-host/endpoint/eth0", R"({"name": "eth0"})"}});
  core_->OnInSync();
  core_->Tick();
  core_->OnUpdates({{"/calico/v1/config/FailsafeInboundHostPorts", ""}});
  clock_.Advance(std::chrono::seconds(1));  // past the dataplane's minimum apply interval
  core_->Tick();
  ASSERT_EQ(backend_.scripts.size(), 2u);
  EXPECT_TRUE(core_->config().config.failsafe_inbound.empty());
  core_->OnUpdates({{"/calico/v1/host/my-host/config/FailsafeInboundHostPorts", "22"}});
  core_->Tick();
  ASSERT_EQ(core_->config().config.failsafe_inbound.size(), 1u);
  EXPECT_EQ(core_->config().config.failsafe_inbound[0].port, 22);
  EXPECT_EQ(core_->config().Origin("FailsafeInboundHostPorts")->text,
            "Host specific etcd configuration");
}

TEST_F(AgentCoreTest, BadEtcdConfigIsIgnored) {
  core_->OnInSync();
  core_->OnUpdates({{"/calico/v1/config/FailsafeInboundHostPorts", "not-a-port"}});
  core_->Tick();
  ASSERT_EQ(core_->config().config.failsafe_inbound.size(), 1u);
  EXPECT_EQ(core_->config().config.failsafe_inbound[0].port, 22);
}

TEST_F(AgentCoreTest, ReadyGoingAwayKeepsTheDataplane) {
  core_->OnUpdates({{"/calico/v1/host/my-host/endpoint/eth0", R"({"name": "eth0"})"}});
  core_->OnInSync();
  core_->Tick();
  const size_t programs = backend_.scripts.size();
  core_->OnStatus(datastore::SyncStatus::kWaitForReady);
  core_->Tick();
  EXPECT_EQ(backend_.scripts.size(), programs);
  EXPECT_TRUE(core_->in_sync());
}

TEST_F(AgentCoreTest, FailedTransactionIsRetried) {
  backend_.fail_next.push_back(Status::IoError("Could not process rule"));
  core_->OnInSync();
  auto deadline = core_->Tick();
  EXPECT_FALSE(core_->health().ok);
  ASSERT_TRUE(deadline.has_value());
  clock_.Set(*deadline);
  core_->Tick();
  EXPECT_TRUE(core_->health().ok);
  EXPECT_EQ(backend_.scripts.size(), 1u);
}

}  // namespace
}  // namespace felix::daemon
