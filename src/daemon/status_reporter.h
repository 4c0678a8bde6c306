// Felix's liveness status in etcd (spec §17.3): once the agent is in sync
// and then every ReportingIntervalSecs (plus 0-10 % jitter), the same JSON
// `{"time": "<UTC, seconds, Z>", "uptime": <s>, "first_update": <bool>}` to
// /calico/felix/v1/host/<h>/last_reported_status (kept) and
// /calico/felix/v1/host/<h>/status (TTL ReportingTTLSecs, so it vanishes
// when the agent stops reporting). A failed write is logged at WARNING and
// tried again after 5 s. Runs on its own thread with its own etcd client.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "base/status.h"
#include "daemon/agent_status.h"
#include "datastore/datastore.h"

namespace felix::daemon {

// The report's JSON, e.g. {"time": "2016-05-31T12:16:21Z", "uptime": 30.1,
// "first_update": true}.
std::string StatusJson(std::chrono::system_clock::time_point wall, double uptime_seconds,
                       bool first_update);

// "/calico/felix/v1/host/<h>".
std::string HostStatusDir(const std::string& hostname);

class StatusReporter {
 public:
  using WallClock = std::function<std::chrono::system_clock::time_point()>;
  // `status` tells when the agent is in sync; it must outlive the reporter.
  StatusReporter(std::unique_ptr<datastore::EtcdClient> client, const std::string& hostname,
                 const AgentStatus& status, WallClock wall = std::chrono::system_clock::now);
  ~StatusReporter();  // Stop()s
  StatusReporter(const StatusReporter&) = delete;
  StatusReporter& operator=(const StatusReporter&) = delete;

  // ReportingIntervalSecs (0 = off) and ReportingTTLSecs; any thread, live.
  void SetInterval(std::chrono::seconds interval, std::chrono::seconds ttl);
  void Start();
  void Stop();
  // One report now (the thread's step; tests call it directly).
  Status ReportOnce();

 private:
  void Loop();

  const std::unique_ptr<datastore::EtcdClient> client_;
  const std::string dir_;
  const AgentStatus& status_;
  const WallClock wall_;
  const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  bool first_ = true;
  std::atomic<int64_t> interval_s_{0}, ttl_s_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace felix::daemon
