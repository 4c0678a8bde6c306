// cpp-httplib behind StatusServer; the only file that includes it.
#include "daemon/status_server.h"

#include <httplib.h>

#include "base/log.h"

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace felix::daemon {
namespace {

const Logger kLog("calico.felix.felix");

// How long the loop may be silent before the agent counts as not live: it
// wakes at least every 10 s even when idle.
constexpr std::chrono::seconds kMaxSilence{30};

// Connections served at once, and accepted ones waiting for a worker; past
// that the accept loop waits, so further clients queue in the kernel's
// listen backlog (holding none of our descriptors) or are refused. With the
// timeouts below, idle or slow clients cannot pile up and starve the
// agent's etcd and netlink sockets of file descriptors.
constexpr size_t kWorkers = 2;
constexpr size_t kMaxQueued = 8;
constexpr time_t kIoTimeoutSeconds = 2;

// httplib's pool with a bounded queue: enqueue blocks while it is full.
class BoundedPool : public httplib::TaskQueue {
 public:
  BoundedPool() {
    for (size_t i = 0; i < kWorkers; ++i) threads_.emplace_back([this] { Work(); });
  }
  void enqueue(std::function<void()> fn) override {
    std::unique_lock lock(mu_);
    space_.wait(lock, [&] { return jobs_.size() < kMaxQueued || shutdown_; });
    jobs_.push_back(std::move(fn));
    ready_.notify_one();
  }
  void shutdown() override {
    {
      std::lock_guard lock(mu_);
      shutdown_ = true;
    }
    ready_.notify_all();
    space_.notify_all();
    for (auto& t : threads_) t.join();
  }

 private:
  void Work() {
    for (;;) {
      std::function<void()> fn;
      {
        std::unique_lock lock(mu_);
        ready_.wait(lock, [&] { return !jobs_.empty() || shutdown_; });
        if (jobs_.empty()) return;  // shut down and drained
        fn = std::move(jobs_.front());
        jobs_.pop_front();
        space_.notify_one();
      }
      fn();
    }
  }
  std::mutex mu_;
  std::condition_variable ready_, space_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> threads_;
  bool shutdown_ = false;
};

class HttplibStatusServer : public StatusServer {
 public:
  HttplibStatusServer(Kind kind, const AgentStatus& status) {
    server_.new_task_queue = [] { return new BoundedPool(); };
    server_.set_read_timeout(kIoTimeoutSeconds, 0);
    server_.set_write_timeout(kIoTimeoutSeconds, 0);
    server_.set_keep_alive_timeout(kIoTimeoutSeconds);
    server_.set_keep_alive_max_count(10);
    server_.set_payload_max_length(4096);
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

void StatusServerSlot::Want(int port) {
  if (port == port_) return;
  port_ = port;
  server_.reset();
  if (port < 0) return;
  const char* what = kind_ == StatusServer::Kind::kHealth ? "Health" : "Prometheus metrics";
  auto s = StatusServer::Start(kind_, host_, port, status_);
  if (!s.ok()) {
    FLOG_ERROR(kLog, "{} endpoint: {}", what, s.status().message());
    return;
  }
  server_ = std::move(s).value();
  FLOG_INFO(kLog, "{} endpoint on {}:{}", what, host_, server_->port());
}

Result<std::unique_ptr<StatusServer>> StatusServer::Start(Kind kind, const std::string& host,
                                                          int port, const AgentStatus& status) {
  auto server = std::make_unique<HttplibStatusServer>(kind, status);
  Status s = server->Listen(host, port);
  if (!s.ok()) return s;
  return std::unique_ptr<StatusServer>(std::move(server));
}

}  // namespace felix::daemon
