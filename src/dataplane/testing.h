// Test doubles for the dataplane's kernel seams: a RecordingNftBackend that
// records every script and can be told to fail, and a FakeInterfaceMonitor
// whose interfaces the test sets. Header-only; for tests and benchmarks.
#pragma once

#include <deque>
#include <string>
#include <vector>

#include "dataplane/dataplane.h"

namespace felix::dataplane {

// Records scripts; by default every Run succeeds. ListTable returns
// `listing` (or NotFound when `table_exists` is false).
class RecordingNftBackend : public NftBackend {
 public:
  Status Run(const std::string& script) override {
    attempts.push_back(script);
    if (!fail_next.empty()) {
      Status st = fail_next.front();
      fail_next.pop_front();
      return st;
    }
    scripts.push_back(script);
    return Status::Ok();
  }
  Result<std::string> ListTable() override {
    ++list_calls;
    if (!table_exists) return Status::NotFound("table inet calico does not exist");
    return listing;
  }

  std::vector<std::string> scripts;   // successful transactions, in order
  std::vector<std::string> attempts;  // every Run, failed ones included
  std::deque<Status> fail_next;       // statuses returned by the next Runs
  bool table_exists = true;
  std::string listing = R"({"nftables": []})";
  int list_calls = 0;
};

class FakeInterfaceMonitor : public InterfaceMonitor {
 public:
  int fd() const override { return -1; }
  Result<bool> ReadEvents() override {
    bool changed = changed_;
    changed_ = false;
    return changed;
  }
  const InterfaceAddrs& Interfaces() const override { return interfaces_; }
  void Set(InterfaceAddrs interfaces) {
    interfaces_ = std::move(interfaces);
    changed_ = true;
  }

 private:
  InterfaceAddrs interfaces_;
  bool changed_ = false;
};

}  // namespace felix::dataplane
