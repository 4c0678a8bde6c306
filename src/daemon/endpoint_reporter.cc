// EndpointReporter and EndpointStatuses (endpoint_reporter.h).
#include "daemon/endpoint_reporter.h"

#include <fmt/format.h>

#include <random>

#include "base/log.h"
#include "daemon/status_reporter.h"
#include "model/model.h"
#include "rules/trace.h"

namespace felix::daemon {
namespace {

const Logger kLog("calico.felix.status");
constexpr std::chrono::seconds kRetry{5};

enum class State { kNone, kUp, kDown, kError };  // worse is larger

State Worst(State a, State b) { return a > b ? a : b; }

std::string Json(State s) {
  return fmt::format(R"({{"status": "{}"}})", s == State::kUp     ? "up"
                                              : s == State::kDown ? "down"
                                                                  : "error");
}

}  // namespace

std::map<std::string, std::string> EndpointStatuses(
    const std::string& hostname, const rules::DesiredState& s, const rules::InterfaceResolution& r,
    const dataplane::InterfaceAddrs& interfaces, const std::set<std::string>* oper_up,
    bool dataplane_ok, const std::map<std::string, std::vector<std::string>>& quarantined) {
  const std::string dir = HostStatusDir(hostname);
  auto up = [&](const std::string& iface) {
    return interfaces.contains(iface) && (oper_up == nullptr || oper_up->contains(iface));
  };
  auto broken = [&](const calc::EndpointPolicy& p) {
    if (!dataplane_ok) return true;
    for (const auto& chain : rules::PolicyChainsOf(p)) {
      if (quarantined.contains(chain)) return true;
    }
    return false;
  };
  // Host endpoints that some up interface dispatches to (either family);
  // computed once, and only when a template needs it.
  std::optional<std::set<calc::HostEndpointId>> taken;
  auto taken_up = [&]() -> const std::set<calc::HostEndpointId>& {
    if (!taken) {
      taken.emplace();
      for (const auto& [iface, addrs] : interfaces) {
        if (!up(iface)) continue;
        for (int family : {4, 6}) {
          if (auto id = rules::HostEndpointOfInterface(s, r, iface, family)) taken->insert(*id);
        }
      }
    }
    return *taken;
  };
  std::map<std::string, std::string> out;
  std::optional<calc::HostEndpointId> first_star;
  for (const auto& [id, ep] : s.host_endpoints) {
    State st = State::kNone;
    if (ep.name && *ep.name == "*") {
      // As Calico: no one interface decides; a "*" other than the first
      // (by id) polices nothing.
      st = !first_star || *first_star == id ? State::kUp : State::kDown;
      if (!first_star) first_star = id;
    } else if (ep.name && model::IsInterfaceTemplate(*ep.name)) {
      // A template: up while an interface it takes is.
      st = taken_up().contains(id) ? State::kUp : State::kDown;
    } else if (ep.name) {
      st = up(*ep.name) ? State::kUp : State::kDown;
    } else {
      for (const auto& [res, expected] : {std::pair{&r.v4_ifaces, &ep.expected_ipv4_addrs},
                                          {&r.v6_ifaces, &ep.expected_ipv6_addrs}}) {
        if (expected->empty()) continue;  // a family it has no address of
        State family = State::kDown;
        if (const auto it = res->find(id); it != res->end()) {
          for (const auto& iface : it->second) family = up(iface) ? State::kUp : family;
        }
        st = Worst(st, family);
      }
    }
    if (st == State::kNone) st = State::kDown;
    if (st == State::kUp && broken(ep.policy)) st = State::kError;
    out[dir + "/endpoint/" + id.endpoint] = Json(st);
  }
  for (const auto& [id, ep] : s.workload_endpoints) {
    State st = !ep.active || !up(ep.name) ? State::kDown : State::kUp;
    if (st == State::kUp && broken(ep.policy)) st = State::kError;
    out[fmt::format("{}/workload/{}/{}/endpoint/{}", dir, id.orchestrator, id.workload,
                    id.endpoint)] = Json(st);
  }
  return out;
}

EndpointReporter::EndpointReporter(std::unique_ptr<datastore::EtcdClient> client,
                                   const std::string& hostname)
    : client_(std::move(client)), dir_(HostStatusDir(hostname)) {}

EndpointReporter::~EndpointReporter() { Stop(); }

void EndpointReporter::Configure(bool enabled, std::chrono::seconds delay) {
  {
    std::lock_guard lock(mu_);
    if (enabled != enabled_) dirty_ = true;
    enabled_ = enabled;
    delay_ = delay;
  }
  cv_.notify_all();
}

bool EndpointReporter::enabled() const {
  std::lock_guard lock(mu_);
  return enabled_;
}

void EndpointReporter::Publish(std::map<std::string, std::string> statuses) {
  {
    std::lock_guard lock(mu_);
    if (statuses == wanted_) return;
    wanted_ = std::move(statuses);
    dirty_ = true;
  }
  cv_.notify_all();
}

void EndpointReporter::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void EndpointReporter::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Status EndpointReporter::SyncOnce() {
  std::map<std::string, std::string> wanted;
  bool sweep = false;
  {
    std::lock_guard lock(mu_);
    if (enabled_) wanted = wanted_;
    dirty_ = false;
    sweep = enabled_ && !swept_;
  }
  if (sweep) {
    // What a previous agent of this host left behind.
    auto old = client_->GetPrefix(dir_);
    if (!old.ok()) return old.status();
    for (const auto& kv : old->kvs) {
      const bool ours =
          kv.key.starts_with(dir_ + "/endpoint/") || kv.key.starts_with(dir_ + "/workload/");
      if (ours) written_.emplace(kv.key, kv.value);
    }
  }
  for (const auto& [key, value] : wanted) {
    auto it = written_.find(key);
    if (it != written_.end() && it->second == value) continue;
    if (Status st = client_->Set(key, value); !st.ok()) return st;
    written_[key] = value;
  }
  for (auto it = written_.begin(); it != written_.end();) {
    if (wanted.contains(it->first)) {
      ++it;
      continue;
    }
    if (Status st = client_->Delete(it->first, false); !st.ok() && !st.IsNotFound()) return st;
    it = written_.erase(it);
  }
  if (sweep) {
    std::lock_guard lock(mu_);
    swept_ = true;
  }
  return Status::Ok();
}

void EndpointReporter::Loop() {
  std::mt19937 rng{std::random_device{}()};
  std::unique_lock lock(mu_);
  while (!stop_) {
    cv_.wait(lock, [&] { return stop_ || dirty_; });
    if (stop_) break;
    lock.unlock();
    const Status st = SyncOnce();
    lock.lock();
    if (!st.ok()) {
      FLOG_WARNING(kLog, "Failed to report endpoint status to etcd, retrying in {} s: {}",
                   kRetry.count(), st.message());
      dirty_ = true;
      cv_.wait_for(lock, kRetry, [&] { return stop_; });
      continue;
    }
    // At most one batch per EndpointReportingDelaySecs, plus 0-10 % jitter.
    const auto ms = delay_.count() * 1000;
    const auto wait =
        std::chrono::milliseconds(ms + std::uniform_int_distribution<int64_t>(0, ms / 10)(rng));
    cv_.wait_for(lock, wait, [&] { return stop_; });
  }
}

}  // namespace felix::daemon
