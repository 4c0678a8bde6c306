#include "daemon/update_router.h"

#include <gtest/gtest.h>

#include "base/log.h"

namespace felix::daemon {
namespace {

// Records flushed messages and log lines.
class Recorder : public calc::MessageSink, public LogSink {
 public:
  void OnMessage(const calc::Message& m) override { messages.push_back(m); }
  void Write(const LogRecord&, std::string_view line) override { lines.emplace_back(line); }
  std::vector<calc::Message> messages;
  std::vector<std::string> lines;
};

template <typename T>
int Count(const std::vector<calc::Message>& ms) {
  int n = 0;
  for (const auto& m : ms) n += std::holds_alternative<T>(m) ? 1 : 0;
  return n;
}

class UpdateRouterTest : public ::testing::Test {
 protected:
  UpdateRouterTest()
      : graph_("my-host", calc::DataplaneConfig{}),
        router_({"my-host", {"cali"}}, graph_, clock_) {}
  void SetUp() override {
    LogRouter::Get().SetSink(LogRouter::Slot::kExtra, std::unique_ptr<LogSink>(new Forward(&rec_)),
                             Severity::kWarning);
  }
  void TearDown() override {
    LogRouter::Get().SetSink(LogRouter::Slot::kExtra, nullptr, std::nullopt);
  }
  std::vector<calc::Message> Flush() {
    rec_.messages.clear();
    graph_.Flush(rec_);
    return rec_.messages;
  }

  // Forwards log lines to the recorder (the router owns its sinks).
  struct Forward : LogSink {
    explicit Forward(Recorder* r) : r(r) {}
    void Write(const LogRecord& rec, std::string_view line) override { r->Write(rec, line); }
    Recorder* r;
  };

  Recorder rec_;
  FakeClock clock_;
  calc::CalcGraph graph_;
  UpdateRouter router_;
};

TEST_F(UpdateRouterTest, ConfigKeysGoToTheConfigMaps) {
  EXPECT_TRUE(router_.OnUpdate("/calico/v1/config/LogSeverityFile", "DEBUG"));
  EXPECT_FALSE(router_.OnUpdate("/calico/v1/config/LogSeverityFile", "DEBUG"));  // unchanged
  EXPECT_TRUE(router_.OnUpdate("/calico/v1/host/my-host/config/FailsafeInboundHostPorts", ""));
  EXPECT_FALSE(router_.OnUpdate("/calico/v1/host/other/config/LogSeverityFile", "none"));
  EXPECT_EQ(router_.etcd_global(),
            (std::map<std::string, std::string>{{"LogSeverityFile", "DEBUG"}}));
  EXPECT_EQ(router_.etcd_host(),
            (std::map<std::string, std::string>{{"FailsafeInboundHostPorts", ""}}));
  EXPECT_TRUE(router_.OnUpdate("/calico/v1/config/LogSeverityFile", std::nullopt));
  EXPECT_FALSE(router_.OnUpdate("/calico/v1/config/LogSeverityFile", std::nullopt));
  EXPECT_TRUE(router_.etcd_global().empty());
}

TEST_F(UpdateRouterTest, ReadyAndForeignKeysAreIgnored) {
  EXPECT_FALSE(router_.OnUpdate("/calico/v1/Ready", "true"));
  EXPECT_FALSE(router_.OnUpdate("/calico/v1/host/my-host/metadata", "{}"));
  EXPECT_FALSE(router_.OnUpdate("/somewhere/else", "x"));
  graph_.OnInSync();
  auto ms = Flush();
  EXPECT_EQ(Count<calc::HostEndpointUpdate>(ms), 0);
}

TEST_F(UpdateRouterTest, ValidEndpointReachesTheGraph) {
  router_.OnUpdate("/calico/v1/host/my-host/endpoint/eth0", R"({"name": "eth0"})");
  graph_.OnInSync();
  EXPECT_EQ(Count<calc::HostEndpointUpdate>(Flush()), 1);
  EXPECT_EQ(router_.rejected(), 0u);
}

TEST_F(UpdateRouterTest, InvalidValueIsLoggedAndTreatedAsDeleted) {
  router_.OnUpdate("/calico/v1/host/my-host/endpoint/eth0", R"({"name": "eth0"})");
  graph_.OnInSync();
  ASSERT_EQ(Count<calc::HostEndpointUpdate>(Flush()), 1);
  router_.OnUpdate("/calico/v1/host/my-host/endpoint/eth0",
                   R"({ "labels": {"foo": "bar"}, "profile_ids": ["prof1"]})");
  EXPECT_EQ(Count<calc::HostEndpointRemove>(Flush()), 1);
  EXPECT_EQ(router_.rejected(), 1u);
  ASSERT_EQ(rec_.lines.size(), 1u);
  const std::string want = "calico.felix.fetcd ";
  EXPECT_NE(rec_.lines[0].find("[WARNING]"), std::string::npos) << rec_.lines[0];
  EXPECT_NE(rec_.lines[0].find(want), std::string::npos) << rec_.lines[0];
  EXPECT_NE(rec_.lines[0].find(
                ": Validation failed for host endpoint HostEndpointId<eth0>, treating as missing: "
                "'name' or 'expected_ipvX_addrs' must be present.; "
                R"('{ "labels": {"foo": "bar"}, "profile_ids": ["prof1"]}')"),
            std::string::npos)
      << rec_.lines[0];
}

// A key rewritten with garbage in a loop must not flood the log: one line per
// key per interval, the next one saying how many were held back; every
// rejection still reaches the graph and the count.
TEST_F(UpdateRouterTest, RepeatedRejectionsOfOneKeyAreRateLimited) {
  const std::string key = "/calico/v1/host/my-host/endpoint/eth0";
  for (int i = 0; i < 5; ++i) router_.OnUpdate(key, "garbage " + std::to_string(i));
  router_.OnUpdate("/calico/v1/host/my-host/endpoint/eth1", "other key");
  EXPECT_EQ(router_.rejected(), 6u);
  ASSERT_EQ(rec_.lines.size(), 2u) << "one per key";
  clock_.Advance(UpdateRouter::kRejectionLogInterval);
  router_.OnUpdate(key, "garbage 5");
  ASSERT_EQ(rec_.lines.size(), 3u);
  EXPECT_NE(rec_.lines[2].find("'garbage 5' (4 more rejections of this key not logged)"),
            std::string::npos)
      << rec_.lines[2];
  // Accepted, then bad again: logged at once.
  router_.OnUpdate(key, R"({"name": "eth0"})");
  router_.OnUpdate(key, "garbage 6");
  EXPECT_EQ(rec_.lines.size(), 4u);
}

TEST_F(UpdateRouterTest, PrefixChangeRevalidatesLocalWorkloads) {
  const std::string key = "/calico/v1/host/my-host/workload/k8s/w1/endpoint/e1";
  router_.OnUpdate(key, R"({"state": "active", "name": "tap1"})");  // not a cali interface
  graph_.OnInSync();
  EXPECT_EQ(Count<calc::WorkloadEndpointUpdate>(Flush()), 0);
  EXPECT_EQ(router_.rejected(), 1u);
  router_.SetValidationContext({"my-host", {"cali", "tap"}});
  EXPECT_EQ(Count<calc::WorkloadEndpointUpdate>(Flush()), 1);
}

}  // namespace
}  // namespace felix::daemon
