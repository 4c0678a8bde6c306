#include "daemon/status_reporter.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <random>

#include "base/log.h"

namespace felix::daemon {
namespace {

const Logger kLog("calico.felix.status");
constexpr std::chrono::seconds kRetry{5};

}  // namespace

std::string StatusJson(std::chrono::system_clock::time_point wall, double uptime_seconds,
                       bool first_update) {
  const auto secs = std::chrono::time_point_cast<std::chrono::seconds>(wall);
  return fmt::format(R"({{"time": "{:%Y-%m-%dT%H:%M:%S}Z", "uptime": {:.1f}, "first_update": {}}})",
                     secs, uptime_seconds, first_update ? "true" : "false");
}

std::string HostStatusDir(const std::string& hostname) {
  return "/calico/felix/v1/host/" + hostname;
}

StatusReporter::StatusReporter(std::unique_ptr<datastore::EtcdClient> client,
                               const std::string& hostname, const AgentStatus& status,
                               WallClock wall)
    : client_(std::move(client)),
      dir_(HostStatusDir(hostname)),
      status_(status),
      wall_(std::move(wall)) {}

StatusReporter::~StatusReporter() { Stop(); }

void StatusReporter::SetInterval(std::chrono::seconds interval, std::chrono::seconds ttl) {
  interval_s_ = interval.count();
  ttl_s_ = ttl.count();
  cv_.notify_all();
}

void StatusReporter::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void StatusReporter::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Status StatusReporter::ReportOnce() {
  const double uptime =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  const std::string json = StatusJson(wall_(), uptime, first_);
  if (Status st = client_->Set(dir_ + "/last_reported_status", json); !st.ok()) return st;
  if (Status st = client_->SetWithTtl(dir_ + "/status", json, std::chrono::seconds(ttl_s_.load()));
      !st.ok()) {
    return st;
  }
  first_ = false;
  return Status::Ok();
}

void StatusReporter::Loop() {
  std::mt19937 rng{std::random_device{}()};
  std::unique_lock lock(mu_);
  while (!stop_) {
    const int64_t interval = interval_s_.load();
    if (interval <= 0 || !status_.in_sync.load()) {
      // Off, or not in sync yet: look again shortly.
      cv_.wait_for(lock, std::chrono::seconds(1), [&] { return stop_; });
      continue;
    }
    lock.unlock();
    const Status st = ReportOnce();
    lock.lock();
    if (!st.ok()) {
      FLOG_WARNING(kLog, "Failed to report status to etcd, retrying in {} s: {}", kRetry.count(),
                   st.message());
      cv_.wait_for(lock, kRetry, [&] { return stop_; });
      continue;
    }
    // The interval plus 0-10 % jitter, so hosts spread their writes.
    const auto wait =
        std::chrono::milliseconds(interval * 1000) +
        std::chrono::milliseconds(std::uniform_int_distribution<int64_t>(0, interval * 100)(rng));
    cv_.wait_for(lock, wait, [&] { return stop_ || interval_s_.load() != interval; });
  }
}

}  // namespace felix::daemon
