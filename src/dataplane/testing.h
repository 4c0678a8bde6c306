// Test doubles for the dataplane's kernel seams: a RecordingNftBackend that
// records every script and can be told to fail, and a FakeInterfaceMonitor
// whose interfaces the test sets. Header-only; for tests and benchmarks.
#pragma once

#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "dataplane/dataplane.h"

namespace felix::dataplane {

// Records scripts; by default every Run succeeds. Models the kernel's
// ruleset generation id (one more per successful Run; ForeignCommit() is
// another process's transaction) and returns `shape` from ReadShape (or
// NotFound when `table_exists` is false).
class RecordingNftBackend : public NftBackend {
 public:
  Status Run(const std::string& script) override {
    attempts.push_back(script);
    if (!fail_next.empty()) {
      Status st = fail_next.front();
      fail_next.pop_front();
      return st;
    }
    if (rejects && rejects(script)) return Status::IoError("rejected by the kernel");
    scripts.push_back(script);
    ++generation;
    return Status::Ok();
  }
  // Recorded as its equivalent script too (in `scripts`), so that models
  // replaying scripts see every change.
  Status Commit(const DirectChange& c) override {
    ++direct_batches;
    return Run(DirectChangeScript(c));
  }
  Result<uint32_t> Generation() override {
    ++generation_reads;
    return generation;
  }
  Result<TableShape> ReadShape() override {
    ++shape_reads;
    if (!table_exists) return Status::NotFound("table inet calico does not exist");
    return shape;
  }
  Status Check(const std::string& script) override {
    ++checks;
    if (rejects && rejects(script)) return Status::IoError("rejected by the kernel");
    return Status::Ok();
  }
  // Another process commits a transaction (to our table or not).
  void ForeignCommit() { ++generation; }

  std::vector<std::string> scripts;   // successful transactions, in order
  std::vector<std::string> attempts;  // every Run, failed ones included
  std::deque<Status> fail_next;       // statuses returned by the next Runs
  // A script the "kernel" rejects whenever it holds such content (Run,
  // Commit and Check alike).
  std::function<bool(const std::string&)> rejects;
  int checks = 0;
  uint32_t generation = 7;
  bool table_exists = true;
  TableShape shape;
  int generation_reads = 0;
  int direct_batches = 0;  // Commit calls
  int shape_reads = 0;
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
