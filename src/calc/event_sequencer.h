// EventSequencer: coalesces what changed between flushes and emits it in the
// order of the contract in messages.h. Nodes only mark objects dirty; at
// Flush the sequencer asks its Source for each dirty object's current
// message (none = the object is gone or inactive), so an object changed many
// times is sent once, an object added and removed between two flushes is not
// sent at all, and a remove is sent only for what the dataplane holds.
//
// Flush order:
//   1. IpSetUpdate / IpSetDeltaUpdate  (sets exist before rules name them)
//   2. ActivePolicyUpdate, then ActiveProfileUpdate (before endpoints use them)
//   3. HostEndpointUpdate, WorkloadEndpointUpdate
//   4. removals in reverse: endpoint removes, profile removes, policy
//      removes, IpSetRemove (nothing names an object when it goes)
//   5. ConfigUpdate (first flush, then when changed), InSync (once)
// Within a kind, objects go in id order. Not thread-safe.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "calc/calc.h"
#include "calc/messages.h"

namespace felix::calc {

class EventSequencer {
 public:
  class Source {
   public:
    virtual ~Source() = default;
    // Pending IP-set messages: updates/deltas and removes, each in id order.
    virtual void TakeIpSets(std::vector<Message>* updates, std::vector<Message>* removes) = 0;
    virtual std::optional<ActivePolicyUpdate> BuildPolicy(const PolicyId& id) = 0;
    virtual std::optional<ActiveProfileUpdate> BuildProfile(const std::string& id) = 0;
    virtual std::optional<HostEndpointUpdate> BuildHostEndpoint(const HostEndpointId& id) = 0;
    virtual std::optional<WorkloadEndpointUpdate> BuildWorkloadEndpoint(
        const WorkloadEndpointId& id) = 0;
  };

  void MarkPolicy(const PolicyId& id) { policies_.dirty.insert(id); }
  void MarkProfile(const std::string& id) { profiles_.dirty.insert(id); }
  void MarkHostEndpoint(const HostEndpointId& id) { host_endpoints_.dirty.insert(id); }
  void MarkWorkloadEndpoint(const WorkloadEndpointId& id) { workload_endpoints_.dirty.insert(id); }
  void SetConfig(const DataplaneConfig& config);
  void SetInSync() { in_sync_pending_ = !in_sync_sent_; }

  void Flush(Source& source, MessageSink& sink);

 private:
  template <typename Id>
  struct Tracker {
    std::set<Id> dirty;  // changed since the last flush
    std::set<Id> sent;   // held by the dataplane
  };
  // Emits updates for the dirty ids of `t`; collects the ids to remove.
  template <typename Id, typename Build>
  void FlushKind(Tracker<Id>& t, Build build, MessageSink& sink, std::vector<Id>* removes);

  Tracker<PolicyId> policies_;
  Tracker<std::string> profiles_;
  Tracker<HostEndpointId> host_endpoints_;
  Tracker<WorkloadEndpointId> workload_endpoints_;
  std::optional<DataplaneConfig> config_;
  bool config_pending_ = false;
  bool in_sync_pending_ = false;
  bool in_sync_sent_ = false;
};

}  // namespace felix::calc
