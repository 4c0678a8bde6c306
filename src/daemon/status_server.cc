// cpp-httplib behind StatusServer; the only file that includes it.
#include "daemon/status_server.h"

#include <httplib.h>

#include <thread>

namespace felix::daemon {
namespace {

// How long the loop may be silent before the agent counts as not live: it
// wakes at least every 10 s even when idle.
constexpr std::chrono::seconds kMaxSilence{30};

class HttplibStatusServer : public StatusServer {
 public:
  HttplibStatusServer(Kind kind, const AgentStatus& status) {
    if (kind == Kind::kHealth) {
      server_.Get("/liveness", [&status](const httplib::Request&, httplib::Response& res) {
        const bool ok = Live(status, std::chrono::steady_clock::now(), kMaxSilence);
        res.status = ok ? 200 : 503;
        res.set_content(ok ? "live\n" : "not live\n", "text/plain");
      });
      server_.Get("/readiness", [&status](const httplib::Request&, httplib::Response& res) {
        const bool ok = Ready(status, std::chrono::steady_clock::now(), kMaxSilence);
        res.status = ok ? 200 : 503;
        res.set_content(ok ? "ready\n" : "not ready\n", "text/plain");
      });
    } else {
      server_.Get("/metrics", [&status](const httplib::Request&, httplib::Response& res) {
        res.set_content(RenderMetrics(status), "text/plain; version=0.0.4");
      });
    }
  }
  ~HttplibStatusServer() override {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }

  Status Listen(const std::string& host, int port) {
    port_ = port == 0 ? server_.bind_to_any_port(host) : port;
    if (port_ < 0 || (port != 0 && !server_.bind_to_port(host, port))) {
      return Status::Unavailable("cannot listen on " + host + ":" + std::to_string(port));
    }
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    return Status::Ok();
  }
  int port() const override { return port_; }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace

Result<std::unique_ptr<StatusServer>> StatusServer::Start(Kind kind, const std::string& host,
                                                          int port, const AgentStatus& status) {
  auto server = std::make_unique<HttplibStatusServer>(kind, status);
  Status s = server->Listen(host, port);
  if (!s.ok()) return s;
  return std::unique_ptr<StatusServer>(std::move(server));
}

}  // namespace felix::daemon
