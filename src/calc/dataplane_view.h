// Test support for the calc layer and its consumers: DataplaneView, a
// MessageSink that rebuilds what the dataplane would hold from the flushed
// messages alone, and checks the contract of messages.h while doing so (the
// recording fake of STYLE rule 11). Library felix_calc_testing; never linked
// into the agent.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "calc/calc.h"
#include "calc/messages.h"

namespace felix::calc::testing {

// A one-line human-readable description of a message, for failure output,
// e.g. `IpSetDeltaUpdate s:abc +[10.0.0.1/32] -[]`.
std::string Describe(const Message& m);
// "tier/name".
std::string PolicyIdString(const PolicyId& id);
// `tiers=[t1:[p1, p2]] untracked=[] profiles=[prof1]`.
std::string DescribePolicy(const EndpointPolicy& p);

// Decodes `raw` at `key` as agent `hostname` would (InterfacePrefix cali)
// and gives the graph the result; a test failure if the value is rejected.
void PutValue(CalcGraph& graph, const std::string& key, const std::string& raw,
              const std::string& hostname = "h1");

// The dataplane's state rebuilt from messages, plus the contract violations
// seen on the way.
//
// Contract checked (each breach appends one text to violations()):
//   within a flush: phases in the order of messages.h (IP-set updates,
//   policy updates, profile updates, endpoint updates, endpoint removes,
//   profile removes, policy removes, IP-set removes, then config/in-sync);
//   at most one message per object; IpSetUpdate members sorted and unique
//   and only for a set that does not exist; deltas only for existing sets,
//   sorted, disjoint, adding only absent and removing only present members;
//   removes only of existing objects; workload endpoints without untracked
//   tiers.
//   after a flush (EndFlush): every IP-set id named by a rule of an active
//   policy or profile exists; every IP set is named by some active rule;
//   every policy named in an endpoint's tiers is active and tracked (in
//   untracked_tiers: active and untracked); every active policy is named by
//   some local endpoint; every active profile is listed by some endpoint.
//
// Use: view.Flush(graph), or BeginFlush(); graph.Flush(view); EndFlush().
// A message arriving outside BeginFlush/EndFlush opens a flush implicitly.
// Not thread-safe.
class DataplaneView final : public MessageSink {
 public:
  void BeginFlush();
  void OnMessage(const Message& m) override;
  void EndFlush();
  // BeginFlush(); graph.Flush(*this); EndFlush().
  void Flush(CalcGraph& graph);

  // The rebuilt state.
  const std::map<std::string, std::set<model::Cidr>>& ip_sets() const { return ip_sets_; }
  const std::map<PolicyId, ActivePolicyUpdate>& policies() const { return policies_; }
  const std::map<std::string, ActiveProfileUpdate>& profiles() const { return profiles_; }
  const std::map<HostEndpointId, HostEndpointUpdate>& host_endpoints() const {
    return host_endpoints_;
  }
  const std::map<WorkloadEndpointId, WorkloadEndpointUpdate>& workload_endpoints() const {
    return workload_endpoints_;
  }
  const std::optional<DataplaneConfig>& config() const { return config_; }
  bool in_sync() const { return in_sync_; }

  // IP-set members as text, e.g. {"10.0.0.1/32", "fd00::1/128"}.
  std::set<std::string> MembersAsText(const std::string& ip_set_id) const;

  // Every contract breach seen so far, in order; empty when all is well.
  const std::vector<std::string>& violations() const { return violations_; }
  // Messages of the last (or current) flush, described, for failure output.
  const std::vector<std::string>& last_flush() const { return last_flush_; }
  int flush_count() const { return flush_count_; }
  long message_count() const { return message_count_; }

 private:
  void Violation(std::string text);
  void CheckPhase(int phase, const Message& m);
  void CheckOnce(const std::string& object, const Message& m);
  void Apply(const Message& m);
  void CheckIntegrity();

  std::map<std::string, std::set<model::Cidr>> ip_sets_;
  std::map<PolicyId, ActivePolicyUpdate> policies_;
  std::map<std::string, ActiveProfileUpdate> profiles_;
  std::map<HostEndpointId, HostEndpointUpdate> host_endpoints_;
  std::map<WorkloadEndpointId, WorkloadEndpointUpdate> workload_endpoints_;
  std::optional<DataplaneConfig> config_;
  bool in_sync_ = false;

  // Per-flush bookkeeping.
  bool in_flush_ = false;
  int phase_ = 0;
  std::set<std::string> touched_;
  std::vector<std::string> last_flush_;

  std::vector<std::string> violations_;
  int flush_count_ = 0;
  long message_count_ = 0;
};

}  // namespace felix::calc::testing
