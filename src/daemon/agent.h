// The running agent: the datastore thread (Syncer) feeding the EventQueue,
// and the loop thread owning AgentCore, the interface monitor and the
// dataplane (DESIGN §3). Stop() ends both without touching the dataplane.
#pragma once

#include <atomic>
#include <memory>
#include <thread>

#include "daemon/agent_core.h"
#include "daemon/endpoint_reporter.h"
#include "daemon/event_queue.h"
#include "daemon/status_reporter.h"

namespace felix::daemon {

struct AgentDeps {
  std::unique_ptr<datastore::EtcdClient> etcd;
  std::unique_ptr<dataplane::NftBackend> nft;
  std::unique_ptr<dataplane::InterfaceMonitor> interfaces;  // may be null
  // A second client for the status reports (spec §17.3); null = none.
  std::unique_ptr<datastore::EtcdClient> status_etcd;
  // A third for per-endpoint status (spec §17.4); null = none.
  std::unique_ptr<datastore::EtcdClient> endpoint_status_etcd;
};

class Agent {
 public:
  Agent(config::ConfigInputs inputs, const config::ResolvedConfig& bootstrap, AgentDeps deps);
  ~Agent();
  Agent(const Agent&) = delete;
  Agent& operator=(const Agent&) = delete;

  void Start();
  const AgentStatus& status() const { return status_; }
  // Ends both threads promptly; the kernel's table stays as it is.
  void Stop();

 private:
  class QueueCallbacks;
  void Loop();
  // What the config changes outside the core: the syncer's resync interval
  // and the servers main() runs (published in status_).
  void OnConfig(const config::Config& c);

  AgentDeps deps_;
  AgentStatus status_;
  EventQueue queue_{256};
  std::unique_ptr<QueueCallbacks> callbacks_;
  std::unique_ptr<AgentCore> core_;
  std::unique_ptr<datastore::Syncer> syncer_;
  std::unique_ptr<StatusReporter> reporter_;             // null without deps_.status_etcd
  std::unique_ptr<EndpointReporter> endpoint_reporter_;  // null without its client
  // Publishes the endpoints' statuses when endpoint reporting is on.
  void PublishEndpointStatus();
  std::thread loop_;
  std::atomic<bool> stop_{false};
  int wake_fd_ = -1;  // eventfd: wakes the loop on Stop()
};

}  // namespace felix::daemon
