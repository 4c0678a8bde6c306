// Felix's Prometheus metrics (names, types and help as Felix has them, where
// the concept exists here), plus two Felix lacks: the latency from a
// datastore event's arrival to the end of the nft transaction that carries
// it, and build info. Kept in a prometheus-cpp registry; every method is
// thread-safe (the loop thread writes, the metrics server reads). The
// reference with each metric's meaning is docs/metrics.md.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace felix::daemon {

class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // felix_resync_state (1 wait-for-ready, 2 resync, 3 in-sync) and
  // felix_resyncs_started.
  void SyncState(int state);
  // One datastore update through the calc graph; `key_index` is the
  // model::Key alternative (labelled with Felix's key type name).
  void CalcUpdate(size_t key_index, std::chrono::nanoseconds took);
  // One message of the calc graph to the dataplane; `message_index` is the
  // calc::Message alternative.
  void CalcOutput(size_t message_index);
  // One nft transaction: its duration and outcome; the first successful one
  // after in-sync also sets felix_int_dataplane_initial_resync_time_seconds.
  void Transaction(std::chrono::nanoseconds took, bool ok, bool initial);
  // A change that arrived `latency` before the end of the transaction that
  // carried it to the kernel.
  void ChangeToKernel(std::chrono::nanoseconds latency);

  struct Gauges {
    double active_local_endpoints = 0, active_local_policies = 0, active_local_selectors = 0;
    double cluster_hosts = 0, cluster_host_endpoints = 0, cluster_workload_endpoints = 0;
    double cluster_policies = 0, cluster_profiles = 0, cluster_tiers = 0;
    double nft_chains = 0, nft_rules = 0, nft_sets = 0;
  };
  void SetGauges(const Gauges& g);

  // The text exposition: the registry, felix_log_errors and the process_*
  // metrics read from /proc at this moment.
  std::string Render() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Felix's label for a model::Key alternative ("HostEndpointKey", ...) and
// for a calc::Message alternative ("IPSetUpdate", "ActivePolicyUpdate", ...).
std::string_view KeyTypeName(size_t key_index);
std::string_view MessageTypeName(size_t message_index);

}  // namespace felix::daemon
