// Test-only: a scripted in-memory EtcdClient and a recording SyncerCallbacks
// for the Syncer unit tests.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "datastore/datastore.h"

namespace felix::datastore {

// One Watch() call's script: batches delivered in order (each also applied to
// the fake's data), then `after` (changes the watcher misses), then `end`.
struct WatchScript {
  std::vector<std::vector<WatchEvent>> batches;
  WatchEnd end{WatchEnd::Kind::kHistoryGone, "gap"};
  std::function<void()> after = nullptr;
};

class FakeEtcdClient : public EtcdClient {
 public:
  Result<std::string> Get(const std::string& key) override {
    calls.push_back("Get " + key);
    if (!get_errors.empty()) {
      Status s = get_errors.front();
      get_errors.pop_front();
      return s;
    }
    auto it = data.find(key);
    if (it == data.end()) return Status::NotFound("key not found: " + key);
    return it->second;
  }
  Result<Snapshot> GetPrefix(const std::string& prefix) override {
    calls.push_back("GetPrefix " + prefix);
    if (!snapshot_errors.empty()) {
      Status s = snapshot_errors.front();
      snapshot_errors.pop_front();
      return s;
    }
    Snapshot snap{index, {}};
    for (const auto& [k, v] : data) snap.kvs.push_back({k, v});
    return snap;
  }
  Status Set(const std::string& key, const std::string& value) override {
    data[key] = value;
    ++index;
    return Status::Ok();
  }
  Status SetWithTtl(const std::string& key, const std::string& value,
                    std::chrono::seconds ttl) override {
    ttls[key] = ttl;
    return Set(key, value);
  }
  Status SetAll(const std::vector<KeyValue>& kvs) override {
    for (const KeyValue& kv : kvs) (void)Set(kv.key, kv.value);
    return Status::Ok();
  }
  Status Delete(const std::string& key, bool) override {
    ++index;
    return data.erase(key) ? Status::Ok() : Status::NotFound(key);
  }
  WatchEnd Watch(const std::string& prefix, int64_t from, const WatchSink& sink,
                 const std::atomic<bool>& stop) override {
    calls.push_back("Watch " + prefix + " from " + std::to_string(from));
    if (watches.empty() || stop.load()) {
      if (on_exhausted) on_exhausted();
      return {WatchEnd::Kind::kStopped, "stopped"};
    }
    WatchScript script = std::move(watches.front());
    watches.pop_front();
    for (auto& batch : script.batches) {
      for (const WatchEvent& ev : batch) {
        index = std::max(index, ev.index);
        if (ev.dir) {
          std::erase_if(data, [&](const auto& kv) {
            return kv.first == ev.key || kv.first.starts_with(ev.key + "/");
          });
        } else if (ev.value) {
          data[ev.key] = *ev.value;
        } else {
          data.erase(ev.key);
        }
      }
      if (!sink(batch)) return {WatchEnd::Kind::kStopped, "stopped"};
    }
    if (script.after) script.after();
    return script.end;
  }

  std::map<std::string, std::string> data;
  std::map<std::string, std::chrono::seconds> ttls;  // of SetWithTtl writes
  int64_t index = 10;
  std::deque<Status> get_errors;
  std::deque<Status> snapshot_errors;
  std::deque<WatchScript> watches;
  std::function<void()> on_exhausted;
  std::vector<std::string> calls;
};

// Records every callback as one line of text.
class RecordingCallbacks : public SyncerCallbacks {
 public:
  void OnStatus(SyncStatus s) override {
    log.push_back("status " + std::string(SyncStatusName(s)));
  }
  void OnUpdates(std::vector<KeyUpdate> updates) override {
    std::string line = "updates";
    for (const KeyUpdate& u : updates) line += " " + u.key + "=" + (u.value ? *u.value : "<del>");
    log.push_back(line);
    if (on_updates) on_updates(line);
  }
  void OnInSync() override { log.push_back("in-sync"); }
  void OnReachable(bool r) override { reachable.push_back(r); }
  std::vector<std::string> log;
  std::vector<bool> reachable;                         // every OnReachable, in order
  std::function<void(const std::string&)> on_updates;  // after each updates line
};

}  // namespace felix::datastore
