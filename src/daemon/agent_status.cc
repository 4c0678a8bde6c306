#include "daemon/agent_status.h"

#include <fmt/format.h>

namespace felix::daemon {
namespace {

void Metric(std::string& out, const char* name, const char* type, const char* help, double value) {
  fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n{} {}\n", name, help, name,
                 type, name, value);
}

}  // namespace

bool Live(const AgentStatus& s, std::chrono::steady_clock::time_point now,
          std::chrono::seconds max_silence) {
  const int64_t last = s.last_tick_ns.load();
  if (last == 0) return false;
  const auto since = now.time_since_epoch() - std::chrono::nanoseconds(last);
  return since <= max_silence;
}

bool Ready(const AgentStatus& s, std::chrono::steady_clock::time_point now,
           std::chrono::seconds max_silence) {
  return Live(s, now, max_silence) && s.in_sync.load() && s.datastore_reachable.load() &&
         s.dataplane_ok.load();
}

std::string RenderMetrics(const AgentStatus& s) {
  std::string out;
  Metric(out, "felix_in_sync", "gauge", "1 once the datastore has been in sync.",
         s.in_sync.load() ? 1 : 0);
  Metric(out, "felix_datastore_ready", "gauge", "1 while /calico/v1/Ready is true.",
         s.datastore_ready.load() ? 1 : 0);
  Metric(out, "felix_datastore_reachable", "gauge", "1 while etcd answers the agent's requests.",
         s.datastore_reachable.load() ? 1 : 0);
  Metric(out, "felix_dataplane_ok", "gauge", "1 if the last nftables transaction succeeded.",
         s.dataplane_ok.load() ? 1 : 0);
  Metric(out, "felix_datastore_updates_total", "counter", "Datastore key updates processed.",
         static_cast<double>(s.datastore_updates.load()));
  Metric(out, "felix_rejected_values_total", "counter",
         "Datastore values that failed validation and were treated as missing.",
         static_cast<double>(s.rejected_values.load()));
  Metric(out, "felix_dataplane_applies_total", "counter", "nftables transactions attempted.",
         static_cast<double>(s.dataplane_applies.load()));
  Metric(out, "felix_dataplane_apply_failures_total", "counter",
         "nftables transactions that failed (retried with backoff).",
         static_cast<double>(s.dataplane_failures.load()));
  Metric(out, "felix_dataplane_apply_seconds_total", "counter",
         "Time spent applying to the dataplane.",
         static_cast<double>(s.apply_micros_total.load()) / 1e6);
  Metric(out, "felix_config_changes_total", "counter",
         "Live configuration changes applied from the datastore.",
         static_cast<double>(s.config_changes.load()));
  return out;
}

}  // namespace felix::daemon
