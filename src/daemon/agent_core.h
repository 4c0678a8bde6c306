// The agent's state machine, owned by the one loop thread (DESIGN §3): datastore
// updates go through the UpdateRouter into the calc graph; etcd config keys
// are merged into the config live; calc's messages feed the dataplane driver,
// which applies when the loop has drained its queue. No threads and no
// blocking here, so tests drive it step by step with fakes.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "base/clock.h"
#include "calc/calc.h"
#include "config/config.h"
#include "daemon/agent_status.h"
#include "daemon/update_router.h"
#include "dataplane/dataplane.h"
#include "datastore/datastore.h"

namespace felix::daemon {

// The dataplane-relevant part of a config.
calc::DataplaneConfig DataplaneConfigOf(const config::Config& c);

class AgentCore {
 public:
  // `inputs` are the env/file/hostname inputs of `bootstrap` (etcd maps
  // empty); the core re-resolves with etcd's config as it arrives.
  // `status` (published for health and metrics) must outlive the core.
  AgentCore(config::ConfigInputs inputs, config::ResolvedConfig bootstrap,
            dataplane::NftBackend& backend, Clock& clock, AgentStatus& status);

  void OnStatus(datastore::SyncStatus status);
  // `arrived`: when the syncer received them (the start of the
  // change-to-kernel latency).
  void OnUpdates(const std::vector<datastore::KeyUpdate>& updates,
                 std::chrono::steady_clock::time_point arrived = std::chrono::steady_clock::now());
  void OnInSync();
  void OnInterfaces(const dataplane::InterfaceAddrs& interfaces);

  // Flushes calc into the dataplane and applies if there is work. Returns
  // when the loop must call again at the latest (retry/refresh), if ever.
  std::optional<Clock::time_point> Tick();

  const config::ResolvedConfig& config() const { return config_; }
  // Called (on the loop thread) with the new config after each change: the
  // parts the core does not own (the syncer's resync interval, the servers).
  void SetConfigListener(std::function<void(const config::Config&)> listener) {
    on_config_ = std::move(listener);
  }
  dataplane::Health health() const { return dataplane_.health(); }
  bool in_sync() const { return in_sync_; }
  const dataplane::Dataplane& dataplane() const { return dataplane_; }

 private:
  // Re-resolves config with the etcd maps; applies what changed. At the
  // first in-sync also logs every parameter.
  void ResolveConfig(bool log_all);

  config::ConfigInputs inputs_;
  config::ResolvedConfig config_;
  AgentStatus& status_out_;
  calc::CalcGraph graph_;
  UpdateRouter router_;
  dataplane::Dataplane dataplane_;
  bool in_sync_ = false;
  bool trim_before_program_ = false;  // first in-sync: malloc_trim before the full program
  bool config_dirty_ = false;
  bool programmed_once_ = false;  // a transaction succeeded since in-sync
  // Arrival times of the update batches since in-sync that no transaction
  // has carried yet (observed in felix_datastore_change_to_kernel_seconds).
  std::vector<std::chrono::steady_clock::time_point> pending_arrivals_;
  // The gauges of felix_active_* / felix_cluster_* / felix_nft_*.
  void PublishGauges();
  datastore::SyncStatus status_ = datastore::SyncStatus::kWaitForReady;
  std::function<void(const config::Config&)> on_config_;
};

}  // namespace felix::daemon
