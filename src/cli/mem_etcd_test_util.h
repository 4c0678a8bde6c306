// Test support for the cli layer: a tiny in-memory etcd (MemEtcd) sharing
// its data with the test, and the captured result of a command (Out).
#pragma once

#include <algorithm>
#include <map>
#include <memory>
#include <string>

#include "datastore/datastore.h"

namespace felix::cli::testing_support {

using Data = std::map<std::string, std::string>;

// A tiny in-memory etcd; `fail_set_on` makes Set of that key fail.
class MemEtcd : public datastore::EtcdClient {
 public:
  explicit MemEtcd(std::shared_ptr<Data> data) : data_(std::move(data)) {}
  Result<std::string> Get(const std::string& key) override {
    auto it = data_->find(key);
    if (it == data_->end()) return Status::NotFound("Key not found: " + key);
    return it->second;
  }
  Result<datastore::Snapshot> GetPrefix(const std::string& prefix) override {
    datastore::Snapshot snap;
    // Reverse order, so that callers must sort.
    for (auto it = data_->rbegin(); it != data_->rend(); ++it) {
      if (it->first == prefix || it->first.starts_with(prefix + "/")) {
        snap.kvs.push_back({it->first, it->second});
      }
    }
    return snap;
  }
  Status Set(const std::string& key, const std::string& value) override {
    if (key == fail_set_on) return Status::Unavailable("etcd is down");
    (*data_)[key] = value;
    return Status::Ok();
  }
  Status SetWithTtl(const std::string& key, const std::string& value,
                    std::chrono::seconds) override {
    return Set(key, value);
  }
  // All or nothing, as the real clients: a key in fail_set_on fails the lot.
  Status SetAll(const std::vector<datastore::KeyValue>& kvs) override {
    for (const auto& kv : kvs) {
      if (kv.key == fail_set_on) return Status::Unavailable("etcd is down; nothing written");
    }
    for (const auto& kv : kvs) (*data_)[kv.key] = kv.value;
    return Status::Ok();
  }
  Status Delete(const std::string& key, bool recursive) override {
    size_t n = data_->erase(key);
    if (recursive)
      n += std::erase_if(*data_, [&](const auto& kv) { return kv.first.starts_with(key + "/"); });
    return n > 0 ? Status::Ok() : Status::NotFound("Key not found: " + key);
  }
  datastore::WatchEnd Watch(const std::string&, int64_t, const datastore::WatchSink&,
                            const std::atomic<bool>&) override {
    return {};
  }
  std::string fail_set_on;

 private:
  std::shared_ptr<Data> data_;
};

struct Out {
  int code;
  std::string out, err;
};

}  // namespace felix::cli::testing_support
