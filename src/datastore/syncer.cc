// The Syncer loop: wait for Ready, snapshot, emit differences, watch; back to
// the start on any gap, broken stream or Ready going away. Runs on its own
// thread; the only state shared with other threads is the stop flag (atomic)
// and the condition variable Stop() signals.
#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "base/log.h"
#include "datastore/backoff.h"
#include "datastore/datastore.h"

namespace felix::datastore {
namespace {
const Logger kLog("calico.felix.etcd");
}  // namespace

struct Syncer::Impl {
  Impl(EtcdClient& c, SyncerCallbacks& cb, SyncerOptions o)
      : client(c),
        callbacks(cb),
        options(std::move(o)),
        clock(options.clock != nullptr ? *options.clock : RealClock()),
        ready_key(options.prefix + "/Ready"),
        backoff(options.backoff_initial, options.backoff_max),
        limiter(clock, options.error_log_interval) {
    resync_interval_ms = options.resync_interval.count();
  }

  void Run();
  bool WaitForReady();
  bool OnEvents(std::vector<WatchEvent> events);
  // Emits what changed since the last snapshot (everything, the first
  // time); takes the snapshot's keys (its kvs are left empty).
  void EmitSnapshot(Snapshot& snap);
  void SetStatus(SyncStatus s);
  void SetReachable(bool r);
  // Watches from `from` until something other than silence ends the watch
  // (an idle watch is restarted where it left off, no resync needed).
  WatchEnd WatchFrom(int64_t from);
  bool ResyncDue() const;
  void Sleep(std::chrono::milliseconds d);
  void LogError(const std::string& kind, const std::string& message);
  bool Under(std::string_view key) const {
    return key.size() > options.prefix.size() && key.starts_with(options.prefix) &&
           key[options.prefix.size()] == '/';
  }

  // Const after construction.
  EtcdClient& client;
  SyncerCallbacks& callbacks;
  const SyncerOptions options;
  const Clock& clock;
  const std::string ready_key;

  // Shared with Stop() and SetResyncInterval().
  std::atomic<bool> stop{false};
  std::atomic<int64_t> resync_interval_ms{0};
  std::mutex mu;
  std::condition_variable cv;
  std::thread thread;

  // Owned by the syncer thread.
  std::map<std::string, std::string> emitted;  // what the callbacks were told
  std::optional<SyncStatus> status;
  std::optional<bool> reachable;
  Clock::time_point synced_at;   // when the current watch's snapshot was taken
  bool periodic_resync = false;  // the watch ended because a resync was due
  Backoff backoff;
  LogLimiter limiter;
};

void Syncer::Impl::Sleep(std::chrono::milliseconds d) {
  if (options.sleep_for_test) {
    options.sleep_for_test(d);
    return;
  }
  std::unique_lock lock(mu);
  cv.wait_for(lock, d, [&] { return stop.load(); });
}

void Syncer::Impl::LogError(const std::string& kind, const std::string& message) {
  int suppressed = 0;
  if (!limiter.Allow(kind, &suppressed)) return;
  if (suppressed > 0) {
    FLOG_WARNING(kLog, "{} ({} similar messages suppressed)", message, suppressed);
  } else {
    FLOG_WARNING(kLog, "{}", message);
  }
}

void Syncer::Impl::SetStatus(SyncStatus s) {
  if (status == s) return;
  status = s;
  FLOG_INFO(kLog, "etcd driver status changed to {}", SyncStatusName(s));
  callbacks.OnStatus(s);
}

void Syncer::Impl::SetReachable(bool r) {
  if (reachable == r) return;
  reachable = r;
  if (r) FLOG_INFO(kLog, "etcd reachable again");
  callbacks.OnReachable(r);
}

bool Syncer::Impl::ResyncDue() const {
  const int64_t ms = resync_interval_ms.load();
  return ms > 0 && clock.Now() - synced_at >= std::chrono::milliseconds(ms);
}

WatchEnd Syncer::Impl::WatchFrom(int64_t from) {
  while (true) {
    WatchEnd end = client.Watch(
        options.prefix, from,
        [this](std::vector<WatchEvent> events) {
          SetReachable(true);
          return OnEvents(std::move(events));
        },
        stop);
    if (end.kind != WatchEnd::Kind::kIdle || stop.load()) return end;
    // etcd answered the new watch (or the idle one ended cleanly): alive.
    SetReachable(true);
    if (ResyncDue()) {
      periodic_resync = true;
      return end;
    }
    from = std::max(from, end.next_index);
  }
}

// Polls the Ready flag until it is exactly "true". False only when stopped.
bool Syncer::Impl::WaitForReady() {
  std::optional<Clock::time_point> last_info;
  while (!stop.load()) {
    auto ready = client.Get(ready_key);
    SetReachable(ready.ok() || ready.status().IsNotFound());
    if (ready.ok() && *ready == "true") {
      limiter.Clear("ready");
      return true;
    }
    SetStatus(SyncStatus::kWaitForReady);
    if (!ready.ok() && !ready.status().IsNotFound()) {
      LogError("ready", "Failed to load Ready flag from etcd: " + ready.status().message());
      Sleep(backoff.Next());
      continue;
    }
    backoff.Reset();
    auto now = clock.Now();
    if (!last_info || now - *last_info >= options.wait_for_ready_log_interval) {
      last_info = now;
      FLOG_INFO(kLog, "Waiting for {} to be true (status wait-for-ready); Ready flag is {}",
                ready_key, ready.ok() ? "set to '" + *ready + "'" : std::string("not set"));
    }
    Sleep(options.ready_poll_interval);
  }
  return false;
}

void Syncer::Impl::EmitSnapshot(Snapshot& snap) {
  // Moved, not copied: at Felix's scale the snapshot is tens of MB, and the
  // consumer's copy (updates) and ours (emitted) are all that must exist.
  std::vector<KeyValue> after;
  after.reserve(snap.kvs.size());
  for (KeyValue& kv : snap.kvs) {
    if (Under(kv.key)) after.push_back(std::move(kv));
  }
  std::vector<KeyValue>().swap(snap.kvs);
  std::vector<KeyUpdate> updates;
  if (emitted.empty()) {
    // Everything is new: the diff against nothing, in key order, the last
    // value of a repeated key winning, without the diff's key maps.
    std::stable_sort(after.begin(), after.end(),
                     [](const KeyValue& a, const KeyValue& b) { return a.key < b.key; });
    size_t kept = 0;
    for (size_t i = 0; i < after.size(); ++i) {
      if (i + 1 < after.size() && after[i + 1].key == after[i].key) continue;
      if (kept != i) after[kept] = std::move(after[i]);
      ++kept;
    }
    after.resize(kept);
    updates.reserve(after.size());
    for (const KeyValue& kv : after) updates.push_back({kv.key, kv.value});
  } else {
    std::vector<KeyValue> before;
    before.reserve(emitted.size());
    for (const auto& [k, v] : emitted) before.push_back({k, v});
    updates = DiffSnapshot(before, after);
  }
  emitted.clear();
  for (KeyValue& kv : after) emitted.emplace(std::move(kv.key), std::move(kv.value));
  FLOG_INFO(kLog, "Snapshot of {} at index {}: {} keys, {} changes", options.prefix, snap.index,
            emitted.size(), updates.size());
  if (!updates.empty()) callbacks.OnUpdates(std::move(updates));
}

// Applies watch events; false ends the watch (Ready lost or prefix deleted).
bool Syncer::Impl::OnEvents(std::vector<WatchEvent> events) {
  std::vector<KeyUpdate> out;
  bool keep_watching = true;
  for (WatchEvent& ev : events) {
    if (ev.dir) {
      if (ev.value) continue;  // mkdir: no data
      if (ev.key == options.prefix || options.prefix.starts_with(ev.key + "/") || ev.key == "/") {
        FLOG_WARNING(kLog, "Whole {} deleted, resyncing", options.prefix);
        keep_watching = false;
        break;
      }
      std::string dir = ev.key + "/";
      for (auto it = emitted.lower_bound(ev.key); it != emitted.end();) {
        if (it->first != ev.key && !it->first.starts_with(dir)) {
          if (it->first > dir) break;
          ++it;
          continue;
        }
        out.push_back({it->first, std::nullopt});
        it = emitted.erase(it);
      }
      continue;
    }
    if (!Under(ev.key)) continue;
    if (ev.key == ready_key && ev.value != "true") {
      FLOG_WARNING(kLog, "Ready key no longer set to true, triggering resync.");
      keep_watching = false;
      break;
    }
    if (ev.value) {
      auto [it, fresh] = emitted.try_emplace(ev.key, *ev.value);
      if (!fresh && it->second == *ev.value) continue;  // no change
      it->second = *ev.value;
    } else if (emitted.erase(ev.key) == 0) {
      continue;  // delete of something never emitted
    }
    out.push_back({std::move(ev.key), std::move(ev.value)});
  }
  if (!out.empty()) callbacks.OnUpdates(std::move(out));
  if (keep_watching && ResyncDue()) {
    periodic_resync = true;
    return false;
  }
  return keep_watching && !stop.load();
}

void Syncer::Impl::Run() {
  while (!stop.load()) {
    if (!WaitForReady()) break;
    SetStatus(SyncStatus::kResync);
    synced_at = clock.Now();
    auto snap = client.GetPrefix(options.prefix);
    SetReachable(snap.ok());
    if (!snap.ok()) {
      LogError("snapshot", "Failed to load snapshot from etcd: " + snap.status().message());
      Sleep(backoff.Next());
      continue;
    }
    limiter.Clear("snapshot");
    bool ready = false;
    for (const KeyValue& kv : snap->kvs)
      ready = ready || (kv.key == ready_key && kv.value == "true");
    if (!ready) continue;  // flipped since the GET: wait again
    EmitSnapshot(*snap);
    SetStatus(SyncStatus::kInSync);
    callbacks.OnInSync();
    backoff.Reset();
    periodic_resync = false;
    WatchEnd end = WatchFrom(snap->index + 1);
    if (stop.load()) break;
    if (periodic_resync) {
      FLOG_INFO(kLog, "Periodic resync with etcd (PeriodicResyncInterval)");
      continue;
    }
    switch (end.kind) {
      case WatchEnd::Kind::kStopped:
      case WatchEnd::Kind::kIdle:
        break;  // the reason was logged by OnEvents
      case WatchEnd::Kind::kHistoryGone:
        FLOG_WARNING(kLog, "etcd history no longer available, resyncing: {}", end.detail);
        break;
      case WatchEnd::Kind::kBroken:
        SetReachable(false);
        LogError("watch", "etcd watch failed, resyncing: " + end.detail);
        Sleep(backoff.Next());
        break;
    }
  }
  FLOG_INFO(kLog, "etcd syncer stopped");
}

Syncer::Syncer(EtcdClient& client, SyncerCallbacks& callbacks, SyncerOptions options)
    : impl_(std::make_unique<Impl>(client, callbacks, std::move(options))) {}

Syncer::~Syncer() { Stop(); }

void Syncer::Start() {
  impl_->stop = false;
  impl_->thread = std::thread([this] { impl_->Run(); });
}

void Syncer::Stop() {
  {
    std::lock_guard lock(impl_->mu);
    impl_->stop = true;
  }
  impl_->cv.notify_all();
  if (impl_->thread.joinable()) impl_->thread.join();
}

void Syncer::Run() { impl_->Run(); }

void Syncer::SetResyncInterval(std::chrono::milliseconds interval) {
  impl_->resync_interval_ms = interval.count();
}

}  // namespace felix::datastore
