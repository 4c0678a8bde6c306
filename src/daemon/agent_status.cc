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
  return Live(s, now, max_silence) && s.in_sync.load() && s.datastore_ready.load() &&
         s.datastore_reachable.load() && s.dataplane_ok.load();
}

std::string RenderMetrics(const AgentStatus& s) {
  std::string out = s.metrics.Render();
  Metric(out, "felix_datastore_reachable", "gauge", "1 while etcd answers the agent's requests.",
         s.datastore_reachable.load() ? 1 : 0);
  Metric(out, "felix_dataplane_ok", "gauge", "1 if the last nftables transaction succeeded.",
         s.dataplane_ok.load() ? 1 : 0);
  return out;
}

}  // namespace felix::daemon
