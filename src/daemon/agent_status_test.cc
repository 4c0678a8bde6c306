#include "daemon/agent_status.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <thread>
#include <vector>

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
    bool reachable = true;
    bool datastore_ready = true;
  };
  const Row rows[] = {
      {"never ticked", false, seconds(0), true, true, false, false},
      {"fresh, in sync, ok", true, seconds(1), true, true, true, true},
      {"fresh, waiting for the datastore", true, seconds(1), false, true, true, false},
      {"fresh, dataplane failing", true, seconds(1), true, false, true, false},
      {"loop silent too long", true, seconds(31), true, true, false, false},
      {"etcd not answering", true, seconds(1), true, true, true, false, false},
      {"Ready false", true, seconds(1), true, true, true, false, true, false},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.desc);
    AgentStatus s;
    if (r.ticked) Tick(s, now - r.age);
    s.in_sync = r.in_sync;
    s.dataplane_ok = r.dataplane_ok;
    s.datastore_reachable = r.reachable;
    s.datastore_ready = r.datastore_ready;
    EXPECT_EQ(Live(s, now, seconds(30)), r.live);
    EXPECT_EQ(Ready(s, now, seconds(30)), r.ready);
  }
}

TEST(AgentStatusTest, MetricsTextHasFelixsMetricsAndOurTwoGauges) {
  AgentStatus s;
  s.datastore_reachable = true;
  s.metrics.SyncState(3);
  const std::string text = RenderMetrics(s);
  EXPECT_NE(text.find("# TYPE felix_resync_state gauge\nfelix_resync_state 3\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("# TYPE felix_datastore_reachable gauge\nfelix_datastore_reachable 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("\nfelix_dataplane_ok 1\n"), std::string::npos) << text;
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
  s.datastore_ready = true;
  s.datastore_reachable = true;
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
  EXPECT_NE(res->body.find("\nfelix_resync_state "), std::string::npos) << res->body;
}

int OpenFds() {
  int n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

// Idle clients cannot pile up descriptors in the agent (issue: they did,
// until etcd's connection had none left): the server holds a bounded number
// of connections, and answers again once the idle ones time out.
TEST(StatusServerTest, IdleConnectionsAreBounded) {
  AgentStatus s;
  auto metrics = StatusServer::Start(StatusServer::Kind::kMetrics, "127.0.0.1", 0, s);
  ASSERT_TRUE(metrics.ok()) << metrics.status().ToString();
  const int before = OpenFds();
  constexpr int kClients = 200;
  std::vector<int> clients;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>((*metrics)->port()));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  for (int i = 0; i < kClients; ++i) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    (void)connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    clients.push_back(fd);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const int held_by_server = OpenFds() - before - kClients;
  EXPECT_LE(held_by_server, 12) << "workers + queue + the one being accepted";
  for (int fd : clients) close(fd);
  httplib::Client m("127.0.0.1", (*metrics)->port());
  m.set_connection_timeout(10);
  auto res = m.Get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
}

}  // namespace
}  // namespace felix::daemon
