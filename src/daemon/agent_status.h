// What the loop thread publishes about the agent for the health and metrics
// endpoints (DESIGN §3: an HTTP thread serves them). Written by the loop
// thread, read by the HTTP threads: every field is an atomic, no locks.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "daemon/metrics.h"

namespace felix::daemon {

struct AgentStatus {
  std::atomic<bool> in_sync{false};              // the datastore reached in-sync once
  std::atomic<bool> datastore_ready{false};      // Ready is true (not waiting)
  std::atomic<bool> datastore_reachable{false};  // etcd answered the last request
  std::atomic<bool> dataplane_ok{true};          // the last transaction succeeded
  std::atomic<bool> programmed{false};           // a transaction succeeded after in-sync
  std::atomic<int64_t> last_tick_ns{0};          // steady clock of the loop's last pass
  std::atomic<uint64_t> datastore_updates{0};
  std::atomic<uint64_t> rejected_values{0};
  std::atomic<uint64_t> dataplane_applies{0};
  std::atomic<uint64_t> dataplane_failures{0};
  std::atomic<uint64_t> apply_micros_total{0};  // summed duration of applies
  std::atomic<uint64_t> config_changes{0};
  // The servers the config asks for (-1 = off), for the thread that runs
  // them: HealthEnabled/HealthPort, PrometheusMetricsEnabled/Port, live.
  std::atomic<int> health_port{-1};
  std::atomic<int> metrics_port{-1};
  Metrics metrics;  // Felix's Prometheus metrics (thread-safe itself)
};

// Liveness: the loop thread has run within `max_silence` of `now`.
bool Live(const AgentStatus& s, std::chrono::steady_clock::time_point now,
          std::chrono::seconds max_silence);
// Readiness: live, in sync with the datastore, Ready true, etcd answering,
// and the last transaction succeeded.
bool Ready(const AgentStatus& s, std::chrono::steady_clock::time_point now,
           std::chrono::seconds max_silence);

// The Prometheus text exposition: Felix's metrics (metrics.h) and
// felix_datastore_reachable / felix_dataplane_ok, which Felix has not.
std::string RenderMetrics(const AgentStatus& s);

}  // namespace felix::daemon
