// The systemd service notification protocol (sd_notify(3), libsystemd):
// READY=1 once the first program after in-sync is in the kernel, WATCHDOG=1
// pings while the loop thread turns, STOPPING=1 at exit. Nothing is sent
// when systemd did not ask (no NOTIFY_SOCKET; no WATCHDOG_USEC for pings).
#pragma once

#include <chrono>

#include "daemon/agent_status.h"

namespace felix::daemon {

class SystemdNotifier {
 public:
  // The loop thread idles at most 10 s; a longer silence means it is stuck.
  static constexpr std::chrono::seconds kLoopSilence{15};

  SystemdNotifier();
  // From main's reconcile loop (every 0.5 s): READY once programmed, a
  // WATCHDOG ping every half watchdog interval while the loop is live.
  void Poll(const AgentStatus& s, std::chrono::steady_clock::time_point now);
  void Stopping();
  bool ready_sent() const { return ready_sent_; }

 private:
  bool ready_sent_ = false;
  std::chrono::microseconds watchdog_{0};  // 0: systemd wants no pings
  std::chrono::steady_clock::time_point last_ping_{};
};

}  // namespace felix::daemon
