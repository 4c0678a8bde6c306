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

// One server kept as the config asks, on a fixed host (HealthHost,
// PrometheusMetricsHost: local-only): Want(port) starts, moves or stops it.
class StatusServerSlot {
 public:
  StatusServerSlot(StatusServer::Kind kind, std::string host, const AgentStatus& status)
      : kind_(kind), host_(std::move(host)), status_(status) {}
  // -1 = off. A port that cannot be bound is logged and tried again at the
  // next different request.
  void Want(int port);
  void Stop() { server_.reset(); }

 private:
  const StatusServer::Kind kind_;
  const std::string host_;
  const AgentStatus& status_;
  int port_ = -1;
  std::unique_ptr<StatusServer> server_;
};

}  // namespace felix::daemon
