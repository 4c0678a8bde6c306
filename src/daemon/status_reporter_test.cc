// The status report's JSON and keys (spec §17.3) on a fake etcd.
#include "daemon/status_reporter.h"

#include <gtest/gtest.h>

#include "datastore/fake_etcd.h"

namespace felix::daemon {
namespace {

using std::chrono::seconds;

std::chrono::system_clock::time_point At(int64_t unix_seconds) {
  return std::chrono::system_clock::time_point(seconds(unix_seconds));
}

TEST(StatusReporterTest, JsonAsFelixWroteIt) {
  // 2016-05-31T12:16:21Z, the spec's example.
  EXPECT_EQ(StatusJson(At(1464696981) + std::chrono::milliseconds(700), 30.14, true),
            R"({"time": "2016-05-31T12:16:21Z", "uptime": 30.1, "first_update": true})");
  EXPECT_EQ(StatusJson(At(0), 0, false),
            R"({"time": "1970-01-01T00:00:00Z", "uptime": 0.0, "first_update": false})");
}

TEST(StatusReporterTest, ReportsBothKeysTheLiveOneWithTtl) {
  auto etcd = std::make_unique<datastore::FakeEtcdClient>();
  datastore::FakeEtcdClient* fake = etcd.get();
  AgentStatus status;
  StatusReporter r(std::move(etcd), "h1", status, [] { return At(1464696981); });
  r.SetInterval(seconds(30), seconds(90));
  ASSERT_TRUE(r.ReportOnce().ok());
  const std::string dir = "/calico/felix/v1/host/h1";
  ASSERT_TRUE(fake->data.contains(dir + "/status"));
  EXPECT_EQ(fake->data[dir + "/status"], fake->data[dir + "/last_reported_status"]);
  EXPECT_NE(fake->data[dir + "/status"].find(R"("first_update": true)"), std::string::npos);
  EXPECT_EQ(fake->ttls.at(dir + "/status"), seconds(90));
  EXPECT_FALSE(fake->ttls.contains(dir + "/last_reported_status")) << "kept, no TTL";
  ASSERT_TRUE(r.ReportOnce().ok());
  EXPECT_NE(fake->data[dir + "/status"].find(R"("first_update": false)"), std::string::npos);
}

}  // namespace
}  // namespace felix::daemon
