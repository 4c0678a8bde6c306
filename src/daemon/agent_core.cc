#include "daemon/agent_core.h"

#include <malloc.h>

#include <algorithm>

#include "base/log.h"
#include "daemon/bootstrap.h"

namespace felix::daemon {
namespace {

const Logger kLog("calico.felix.felix");
constexpr std::chrono::milliseconds kLargeTransaction{100};

// Sends calc's messages on to the dataplane driver, counting them.
class DataplaneSink : public calc::MessageSink {
 public:
  DataplaneSink(dataplane::Dataplane& d, Metrics& m) : d_(d), m_(m) {}
  void OnMessage(const calc::Message& m) override {
    m_.CalcOutput(m.index());
    d_.OnUpdate(m);
  }

 private:
  dataplane::Dataplane& d_;
  Metrics& m_;
};

// Felix's resync_state values.
int ResyncStateValue(datastore::SyncStatus s) {
  switch (s) {
    case datastore::SyncStatus::kWaitForReady:
      return 1;
    case datastore::SyncStatus::kResync:
      return 2;
    case datastore::SyncStatus::kInSync:
      return 3;
  }
  return 0;
}

model::ValidationContext ValidationContextOf(const config::Config& c) {
  return model::ValidationContext{c.felix_hostname, c.interface_prefixes};
}

dataplane::DataplaneOptions DataplaneOptionsOf(const config::Config& c) {
  dataplane::DataplaneOptions o;
  o.refresh_interval = std::chrono::seconds(std::max<int64_t>(0, c.nftables_refresh_interval));
  return o;
}

}  // namespace

calc::DataplaneConfig DataplaneConfigOf(const config::Config& c) {
  calc::DataplaneConfig d;
  d.interface_prefixes = c.interface_prefixes;
  d.default_endpoint_to_host_action = c.default_endpoint_to_host_action;
  d.failsafe_inbound = c.failsafe_inbound;
  d.failsafe_outbound = c.failsafe_outbound;
  d.drop_action_override = c.drop_action_override;
  d.log_prefix = c.log_prefix;
  return d;
}

AgentCore::AgentCore(config::ConfigInputs inputs, config::ResolvedConfig bootstrap,
                     dataplane::NftBackend& backend, Clock& clock, AgentStatus& status)
    : inputs_(std::move(inputs)),
      config_(std::move(bootstrap)),
      status_out_(status),
      graph_(config_.config.felix_hostname, DataplaneConfigOf(config_.config)),
      router_(ValidationContextOf(config_.config), graph_, clock),
      dataplane_(backend, clock, DataplaneOptionsOf(config_.config)) {}

void AgentCore::OnStatus(datastore::SyncStatus status) {
  if (status == status_) return;
  status_ = status;
  status_out_.datastore_ready = status != datastore::SyncStatus::kWaitForReady;
  status_out_.metrics.SyncState(ResyncStateValue(status));
  FLOG_INFO(kLog, "etcd driver status changed to {}", datastore::SyncStatusName(status));
  if (status == datastore::SyncStatus::kWaitForReady && in_sync_) {
    FLOG_WARNING(kLog, "Datastore is not ready; keeping the dataplane as it is until it is");
  }
}

void AgentCore::OnUpdates(const std::vector<datastore::KeyUpdate>& updates,
                          std::chrono::steady_clock::time_point arrived) {
  for (const auto& u : updates) {
    const auto start = std::chrono::steady_clock::now();
    if (router_.OnUpdate(u.key, u.value)) config_dirty_ = true;
    if (router_.last_key_index() >= 0) {
      status_out_.metrics.CalcUpdate(static_cast<size_t>(router_.last_key_index()),
                                     std::chrono::steady_clock::now() - start);
    }
  }
  if (in_sync_ && !updates.empty()) pending_arrivals_.push_back(arrived);
  status_out_.datastore_updates += updates.size();
  status_out_.rejected_values = router_.rejected();
  // Before the first in-sync, config is resolved once, with the whole
  // snapshot's config keys; afterwards every change applies live.
  if (config_dirty_ && in_sync_) ResolveConfig(/*log_all=*/false);
}

void AgentCore::OnInSync() {
  if (in_sync_) return;  // a resync after a gap: nothing new to announce
  ResolveConfig(/*log_all=*/true);
  in_sync_ = true;
  status_out_.in_sync = true;
  graph_.OnInSync();
  trim_before_program_ = true;
  FLOG_INFO(kLog, "Datastore in sync; programming the dataplane");
}

void AgentCore::OnInterfaces(const dataplane::InterfaceAddrs& interfaces) {
  dataplane_.OnInterfaces(interfaces);
}

void AgentCore::ResolveConfig(bool log_all) {
  config_dirty_ = false;
  config::ConfigInputs in = inputs_;
  in.etcd_global = router_.etcd_global();
  in.etcd_host = router_.etcd_host();
  auto resolved = config::ResolveConfig(in);
  if (!resolved.ok()) {
    // Bad config from etcd never stops the agent: keep what we have.
    FLOG_ERROR(kLog, "Ignoring datastore configuration: {}", resolved.status().message());
    return;
  }
  const std::vector<std::string> changed =
      config::ChangedParameters(config_.config, resolved->config);
  std::vector<std::string> known_warnings = std::move(config_.warnings);
  config_ = std::move(resolved).value();
  if (log_all) {
    LogParameters(config_);
  } else {
    for (const std::string& name : changed) {
      // Unsupported: its warning (new text, below) says it all.
      if (!config::FindParameter(name)->unsupported.empty()) continue;
      const auto* origin = config_.Origin(name);
      FLOG_INFO(kLog, "Parameter {} changed to {} (from {})", name,
                config::RenderValue(config_.config, name), origin ? origin->text : "None");
    }
    // Only what is new: a bad key is reported when it appears, not again on
    // every later config change.
    for (const std::string& w : config_.warnings) {
      if (std::find(known_warnings.begin(), known_warnings.end(), w) == known_warnings.end()) {
        FLOG_WARNING(kLog, "{}", w);
      }
    }
  }
  if (changed.empty()) return;
  if (!log_all) ++status_out_.config_changes;
  ConfigureLogging(config_.config);
  router_.SetValidationContext(ValidationContextOf(config_.config));
  graph_.OnConfig(DataplaneConfigOf(config_.config));
  dataplane_.SetRefreshInterval(DataplaneOptionsOf(config_.config).refresh_interval);
  if (on_config_) on_config_(config_.config);
}

std::optional<Clock::time_point> AgentCore::Tick() {
  DataplaneSink sink(dataplane_, status_out_.metrics);
  graph_.Flush(sink);
  if (trim_before_program_) {
    // The snapshot's copies (reply body, parse, key lists) were freed in the
    // syncer thread's malloc arena, which this thread's full program cannot
    // reuse: give them back first, so the two peaks do not add up.
    trim_before_program_ = false;
    malloc_trim(0);
  }
  if (!dataplane_.Dirty()) {
    pending_arrivals_.clear();  // those changes needed nothing in the kernel
  } else {
    const auto start = std::chrono::steady_clock::now();
    Status s = dataplane_.Apply();
    const auto end = std::chrono::steady_clock::now();
    const auto took = end - start;
    if (in_sync_) {
      status_out_.metrics.Transaction(took, s.ok(), /*initial=*/!programmed_once_);
      if (s.ok()) {
        programmed_once_ = true;
        status_out_.programmed = true;
        for (const auto& t : pending_arrivals_) status_out_.metrics.ChangeToKernel(end - t);
        pending_arrivals_.clear();
        PublishGauges();
      }
    }
    ++status_out_.dataplane_applies;
    status_out_.apply_micros_total +=
        std::chrono::duration_cast<std::chrono::microseconds>(took).count();
    // A large transaction (the full program) leaves libnftables' parse of
    // the whole table freed but held by malloc: give it back to the OS.
    if (took > kLargeTransaction) malloc_trim(0);
    if (!s.ok()) {
      ++status_out_.dataplane_failures;
      FLOG_ERROR(kLog, "Failed to program the dataplane: {}", s.message());
    }
  }
  status_out_.dataplane_ok = dataplane_.health().ok;
  status_out_.last_tick_ns = std::chrono::steady_clock::now().time_since_epoch().count();
  return dataplane_.NextDeadline();
}

void AgentCore::PublishGauges() {
  const calc::CalcStats c = graph_.Stats();
  const rules::DesiredState& d = dataplane_.desired();
  const rules::Table& t = dataplane_.programmed();
  Metrics::Gauges g;
  g.active_local_endpoints =
      static_cast<double>(d.host_endpoints.size() + d.workload_endpoints.size());
  g.active_local_policies = static_cast<double>(d.policies.size());
  for (const auto& [id, members] : d.ip_sets)
    g.active_local_selectors += id.starts_with("s:") ? 1 : 0;
  g.cluster_hosts = static_cast<double>(c.hosts);
  g.cluster_host_endpoints = static_cast<double>(c.host_endpoints);
  g.cluster_workload_endpoints = static_cast<double>(c.workload_endpoints);
  g.cluster_policies = static_cast<double>(c.policies);
  g.cluster_profiles = static_cast<double>(c.profiles);
  g.cluster_tiers = static_cast<double>(c.tiers);
  g.nft_chains = static_cast<double>(t.chains.size());
  for (const auto& [name, chain] : t.chains) g.nft_rules += static_cast<double>(chain.rules.size());
  g.nft_sets = static_cast<double>(t.sets.size());
  status_out_.metrics.SetGauges(g);
}

}  // namespace felix::daemon
