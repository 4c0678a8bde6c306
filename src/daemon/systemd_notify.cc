// SystemdNotifier (systemd_notify.h) over libsystemd's sd_notify.
#include "daemon/systemd_notify.h"

#include <systemd/sd-daemon.h>

#include "base/log.h"

namespace felix::daemon {
namespace {

const Logger kLog("calico.felix.felix");

}  // namespace

SystemdNotifier::SystemdNotifier() {
  uint64_t usec = 0;
  if (sd_watchdog_enabled(/*unset_environment=*/0, &usec) > 0) {
    watchdog_ = std::chrono::microseconds(usec);
    FLOG_INFO(kLog, "systemd watchdog every {} ms", usec / 1000);
  }
}

void SystemdNotifier::Poll(const AgentStatus& s, std::chrono::steady_clock::time_point now) {
  if (!ready_sent_ && s.programmed.load()) {
    ready_sent_ = true;
    sd_notify(0, "READY=1\nSTATUS=In sync; table inet calico programmed");
  }
  if (watchdog_.count() == 0 || now - last_ping_ < watchdog_ / 2) return;
  // A stuck loop thread gets no pings, so systemd restarts the agent.
  if (!Live(s, now, kLoopSilence)) return;
  last_ping_ = now;
  sd_notify(0, "WATCHDOG=1");
}

void SystemdNotifier::Stopping() { sd_notify(0, "STOPPING=1"); }

}  // namespace felix::daemon
