#include "daemon/agent.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>

#include "base/log.h"
#include "base/overloaded.h"

namespace felix::daemon {
namespace {

const Logger kLog("calico.felix.felix");

// The longest the loop sleeps with nothing scheduled.
constexpr auto kIdleWait = std::chrono::seconds(10);

}  // namespace

// Syncer callbacks (datastore thread) -> events for the loop thread.
class Agent::QueueCallbacks : public datastore::SyncerCallbacks {
 public:
  QueueCallbacks(EventQueue& q, AgentStatus& status) : q_(q), status_(status) {}
  void OnStatus(datastore::SyncStatus s) override { q_.Push(StatusEvent{s}); }
  void OnUpdates(std::vector<datastore::KeyUpdate> u) override {
    q_.Push(UpdatesEvent{std::move(u)});
  }
  void OnInSync() override { q_.Push(InSyncEvent{}); }
  // Straight to the status: readiness must drop even while the loop is busy.
  void OnReachable(bool r) override { status_.datastore_reachable = r; }

 private:
  EventQueue& q_;
  AgentStatus& status_;
};

namespace {

datastore::SyncerOptions SyncerOptionsOf(const config::Config& c) {
  datastore::SyncerOptions o;
  o.resync_interval = std::chrono::seconds(std::max<int64_t>(0, c.periodic_resync_interval));
  return o;
}

}  // namespace

Agent::Agent(config::ConfigInputs inputs, const config::ResolvedConfig& bootstrap, AgentDeps deps)
    : deps_(std::move(deps)),
      callbacks_(std::make_unique<QueueCallbacks>(queue_, status_)),
      core_(std::make_unique<AgentCore>(std::move(inputs), bootstrap, *deps_.nft, RealClock(),
                                        status_)),
      syncer_(std::make_unique<datastore::Syncer>(*deps_.etcd, *callbacks_,
                                                  SyncerOptionsOf(bootstrap.config))),
      wake_fd_(::eventfd(0, EFD_NONBLOCK)) {
  if (deps_.status_etcd) {
    reporter_ = std::make_unique<StatusReporter>(std::move(deps_.status_etcd),
                                                 bootstrap.config.felix_hostname, status_);
  }
  if (deps_.endpoint_status_etcd) {
    endpoint_reporter_ = std::make_unique<EndpointReporter>(std::move(deps_.endpoint_status_etcd),
                                                            bootstrap.config.felix_hostname);
  }
  OnConfig(bootstrap.config);
  core_->SetConfigListener([this](const config::Config& c) { OnConfig(c); });
}

void Agent::OnConfig(const config::Config& c) {
  syncer_->SetResyncInterval(SyncerOptionsOf(c).resync_interval);
  status_.health_port = c.health_enabled ? c.health_port : -1;
  status_.metrics_port = c.prometheus_metrics_enabled ? c.prometheus_metrics_port : -1;
  if (reporter_) {
    reporter_->SetInterval(std::chrono::seconds(c.reporting_interval_secs),
                           std::chrono::seconds(c.reporting_ttl_secs));
  }
  if (endpoint_reporter_) {
    endpoint_reporter_->Configure(c.endpoint_reporting_enabled,
                                  std::chrono::seconds(c.endpoint_reporting_delay_secs));
  }
}

void Agent::PublishEndpointStatus() {
  if (!endpoint_reporter_ || !endpoint_reporter_->enabled() || !core_->in_sync()) return;
  static const dataplane::InterfaceAddrs kNone;
  const dataplane::Dataplane& d = core_->dataplane();
  endpoint_reporter_->Publish(EndpointStatuses(
      core_->config().config.felix_hostname, d.desired(), d.resolution(),
      deps_.interfaces ? deps_.interfaces->Interfaces() : kNone,
      deps_.interfaces ? deps_.interfaces->OperUp() : nullptr, d.health().ok, d.quarantined()));
}

Agent::~Agent() {
  Stop();
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

void Agent::Start() {
  if (deps_.interfaces) core_->OnInterfaces(deps_.interfaces->Interfaces());
  loop_ = std::thread([this] { Loop(); });
  syncer_->Start();
  if (reporter_) reporter_->Start();
  if (endpoint_reporter_) endpoint_reporter_->Start();
}

void Agent::Stop() {
  if (stop_.exchange(true)) return;
  queue_.Close();  // unblocks a syncer waiting on a full queue
  syncer_->Stop();
  if (reporter_) reporter_->Stop();
  if (endpoint_reporter_) endpoint_reporter_->Stop();
  const uint64_t one = 1;
  (void)!::write(wake_fd_, &one, sizeof one);
  if (loop_.joinable()) loop_.join();
}

void Agent::Loop() {
  while (!stop_.load()) {
    for (Event& e : queue_.PopAll()) {
      std::visit(Overloaded{
                     [&](StatusEvent& s) { core_->OnStatus(s.status); },
                     [&](UpdatesEvent& u) { core_->OnUpdates(u.updates, u.arrived); },
                     [&](InSyncEvent&) { core_->OnInSync(); },
                 },
                 e);
    }
    if (deps_.interfaces) {
      auto changed = deps_.interfaces->ReadEvents();
      if (!changed.ok()) {
        FLOG_ERROR(kLog, "Interface monitor: {}", changed.status().message());
      } else if (*changed) {
        core_->OnInterfaces(deps_.interfaces->Interfaces());
      }
    }
    // The queue is drained: apply now (bursts coalesce into one transaction).
    const auto deadline = core_->Tick();
    PublishEndpointStatus();
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(kIdleWait);
    if (deadline) {
      wait = std::clamp(
          std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - RealClock().Now()),
          std::chrono::milliseconds(0), wait);
    }
    pollfd fds[3] = {{queue_.fd(), POLLIN, 0}, {wake_fd_, POLLIN, 0}, {-1, POLLIN, 0}};
    if (deps_.interfaces) fds[2].fd = deps_.interfaces->fd();
    ::poll(fds, 3, static_cast<int>(wait.count()));
  }
}

}  // namespace felix::daemon
