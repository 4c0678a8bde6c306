// Per-endpoint status in etcd (spec §17.4, EndpointReportingEnabled):
// /calico/felix/v1/host/<h>/endpoint/<id> and .../workload/<orch>/<wl>/
// endpoint/<id> hold {"status": "up"|"down"|"error"}; a key is deleted when
// its endpoint goes away, and the first pass deletes the stale keys a
// previous agent left. Writes are batched at most once per
// EndpointReportingDelaySecs (plus 0-10 % jitter), on their own thread with
// their own etcd client; the loop thread only publishes the statuses.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "base/status.h"
#include "dataplane/dataplane.h"
#include "datastore/datastore.h"
#include "rules/rules.h"

namespace felix::daemon {

// Pure: every local endpoint's status key and value. Per family, worst wins
// (error > down > up; a family the endpoint has no address of is ignored):
// no interface, or its link not operationally up -> down; an inactive
// workload -> down; the dataplane failing (`dataplane_ok` false) or the
// endpoint's chains quarantined -> error; else up. `oper_up` nullptr: every
// present interface counts as up.
std::map<std::string, std::string> EndpointStatuses(
    const std::string& hostname, const rules::DesiredState& s, const rules::InterfaceResolution& r,
    const dataplane::InterfaceAddrs& interfaces, const std::set<std::string>* oper_up,
    bool dataplane_ok, const std::map<std::string, std::vector<std::string>>& quarantined);

class EndpointReporter {
 public:
  EndpointReporter(std::unique_ptr<datastore::EtcdClient> client, const std::string& hostname);
  ~EndpointReporter();  // Stop()s
  EndpointReporter(const EndpointReporter&) = delete;
  EndpointReporter& operator=(const EndpointReporter&) = delete;

  // EndpointReportingEnabled / EndpointReportingDelaySecs; any thread, live.
  // Turning it off deletes what was written.
  void Configure(bool enabled, std::chrono::seconds delay);
  bool enabled() const;
  // The loop thread's latest statuses (key -> value).
  void Publish(std::map<std::string, std::string> statuses);
  void Start();
  void Stop();
  // One pass: writes what changed, deletes what went away (tests call it).
  Status SyncOnce();

 private:
  void Loop();

  const std::unique_ptr<datastore::EtcdClient> client_;
  const std::string dir_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool enabled_ = false, stop_ = false, dirty_ = false, swept_ = false;
  std::chrono::seconds delay_{1};
  std::map<std::string, std::string> wanted_;   // published
  std::map<std::string, std::string> written_;  // in etcd (as far as we know)
  std::thread thread_;
};

}  // namespace felix::daemon
