#include "daemon/agent_status.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include "daemon/status_server.h"

namespace felix::daemon {
namespace {

using std::chrono::seconds;
using std::chrono::steady_clock;

void Tick(AgentStatus& s, steady_clock::time_point t) {
  s.last_tick_ns = t.time_since_epoch().count();
}

TEST(AgentStatusTest, LivenessAndReadiness) {
  const auto now = steady_clock::now();
  struct Row {
    const char* desc;
    bool ticked;
    seconds age;
    bool in_sync, dataplane_ok;
    bool live, ready;
  };
  const Row rows[] = {
      {"never ticked", false, seconds(0), true, true, false, false},
      {"fresh, in sync, ok", true, seconds(1), true, true, true, true},
      {"fresh, waiting for the datastore", true, seconds(1), false, true, true, false},
      {"fresh, dataplane failing", true, seconds(1), true, false, true, false},
      {"loop silent too long", true, seconds(31), true, true, false, false},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.desc);
    AgentStatus s;
    if (r.ticked) Tick(s, now - r.age);
    s.in_sync = r.in_sync;
    s.dataplane_ok = r.dataplane_ok;
    EXPECT_EQ(Live(s, now, seconds(30)), r.live);
    EXPECT_EQ(Ready(s, now, seconds(30)), r.ready);
  }
}

TEST(AgentStatusTest, MetricsText) {
  AgentStatus s;
  s.in_sync = true;
  s.rejected_values = 3;
  s.apply_micros_total = 1500000;
  const std::string text = RenderMetrics(s);
  EXPECT_NE(text.find("# TYPE felix_in_sync gauge\nfelix_in_sync 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nfelix_rejected_values_total 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nfelix_dataplane_apply_seconds_total 1.5\n"), std::string::npos) << text;
}

TEST(StatusServerTest, ServesHealthAndMetricsOnLoopback) {
  AgentStatus s;
  auto health = StatusServer::Start(StatusServer::Kind::kHealth, "127.0.0.1", 0, s);
  ASSERT_TRUE(health.ok()) << health.status().ToString();
  auto metrics = StatusServer::Start(StatusServer::Kind::kMetrics, "127.0.0.1", 0, s);
  ASSERT_TRUE(metrics.ok()) << metrics.status().ToString();

  httplib::Client h("127.0.0.1", (*health)->port());
  auto res = h.Get("/readiness");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 503);
  Tick(s, steady_clock::now());
  s.in_sync = true;
  res = h.Get("/readiness");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  res = h.Get("/liveness");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);

  httplib::Client m("127.0.0.1", (*metrics)->port());
  res = m.Get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_NE(res->body.find("felix_in_sync 1"), std::string::npos);
}

}  // namespace
}  // namespace felix::daemon
