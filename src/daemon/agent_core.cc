#include "daemon/agent_core.h"

#include <malloc.h>

#include <algorithm>

#include "base/log.h"
#include "daemon/bootstrap.h"

namespace felix::daemon {
namespace {

const Logger kLog("calico.felix.felix");
constexpr std::chrono::milliseconds kLargeTransaction{100};

// Sends calc's messages on to the dataplane driver.
class DataplaneSink : public calc::MessageSink {
 public:
  explicit DataplaneSink(dataplane::Dataplane& d) : d_(d) {}
  void OnMessage(const calc::Message& m) override { d_.OnUpdate(m); }

 private:
  dataplane::Dataplane& d_;
};

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
  FLOG_INFO(kLog, "etcd driver status changed to {}", datastore::SyncStatusName(status));
  if (status == datastore::SyncStatus::kWaitForReady && in_sync_) {
    FLOG_WARNING(kLog, "Datastore is not ready; keeping the dataplane as it is until it is");
  }
}

void AgentCore::OnUpdates(const std::vector<datastore::KeyUpdate>& updates) {
  for (const auto& u : updates) {
    if (router_.OnUpdate(u.key, u.value)) config_dirty_ = true;
  }
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
  DataplaneSink sink(dataplane_);
  graph_.Flush(sink);
  if (trim_before_program_) {
    // The snapshot's copies (reply body, parse, key lists) were freed in the
    // syncer thread's malloc arena, which this thread's full program cannot
    // reuse: give them back first, so the two peaks do not add up.
    trim_before_program_ = false;
    malloc_trim(0);
  }
  if (dataplane_.Dirty()) {
    const auto start = std::chrono::steady_clock::now();
    Status s = dataplane_.Apply();
    const auto took = std::chrono::steady_clock::now() - start;
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

}  // namespace felix::daemon
