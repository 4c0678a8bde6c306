// The HTTP thread of DESIGN §3: serves the health endpoints (/liveness,
// /readiness: 200 or 503, as Felix's HealthPort did) and the Prometheus
// /metrics text from the AgentStatus the loop thread publishes.
#pragma once

#include <memory>
#include <string>

#include "base/status.h"
#include "daemon/agent_status.h"

namespace felix::daemon {

class StatusServer {
 public:
  enum class Kind { kHealth, kMetrics };
  // Binds host:port and serves on its own thread until destroyed.
  static Result<std::unique_ptr<StatusServer>> Start(Kind kind, const std::string& host, int port,
                                                     const AgentStatus& status);
  virtual ~StatusServer() = default;
  // The port actually bound (port 0 binds an ephemeral one).
  virtual int port() const = 0;
};

}  // namespace felix::daemon
