// Public header of the calc layer: the pure, single-threaded calculation
// graph that turns the stream of v1 datastore updates into the messages of
// messages.h (DESIGN §3, spec §4-§7 and §11-§15).
//
//   calc::CalcGraph graph(calc::DataplaneConfig{...}, "my-host");
//   graph.OnUpdate(key, decoded.value);   // std::nullopt = deleted or invalid
//   graph.OnInSync();
//   graph.Flush(sink);                    // coalesced messages, in contract order
//
// No I/O, no locks, no clocks; not thread-safe (one loop thread owns it).
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "calc/messages.h"
#include "model/model.h"

namespace felix::calc {

// Receives flushed messages, in the order of the contract in messages.h.
class MessageSink {
 public:
  virtual ~MessageSink() = default;
  virtual void OnMessage(const Message& m) = 0;
};

// What the graph holds, for metrics: every host's valid endpoints and the
// policies, profiles (with rules) and tiers (with metadata) of the datastore.
struct CalcStats {
  size_t hosts = 0;  // hosts with at least one endpoint
  size_t host_endpoints = 0, workload_endpoints = 0;
  size_t policies = 0, profiles = 0, tiers = 0;
  size_t network_sets = 0;
};

class CalcGraph {
 public:
  // hostname: this agent's FelixHostname; endpoints of other hosts only feed
  // IP sets.
  CalcGraph(std::string hostname, const DataplaneConfig& config);
  ~CalcGraph();
  CalcGraph(const CalcGraph&) = delete;
  CalcGraph& operator=(const CalcGraph&) = delete;

  // One datastore update; value empty = deleted (or invalid, already logged).
  // Ready and config keys are ignored here (the daemon handles them).
  void OnUpdate(const model::Key& key, const std::optional<model::Value>& value);
  // The dataplane-relevant config changed (live config).
  void OnConfig(const DataplaneConfig& config);
  // The datastore snapshot has been delivered in full.
  void OnInSync();
  // Emits everything pending since the last flush, coalesced and ordered.
  void Flush(MessageSink& sink);
  CalcStats Stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace felix::calc
