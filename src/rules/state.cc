// ApplyMessage: folds one calc message into the DesiredState (rules.h).
#include "rules/rules.h"

namespace felix::rules {
namespace {

struct Applier {
  DesiredState& s;
  void operator()(const calc::IpSetUpdate& m) {
    s.ip_sets[m.id] = std::set<model::Cidr>(m.members.begin(), m.members.end());
  }
  void operator()(const calc::IpSetDeltaUpdate& m) {
    auto& members = s.ip_sets[m.id];
    for (const auto& c : m.removed) members.erase(c);
    members.insert(m.added.begin(), m.added.end());
  }
  void operator()(const calc::IpSetRemove& m) { s.ip_sets.erase(m.id); }
  void operator()(const calc::ActivePolicyUpdate& m) { s.policies[m.id] = m; }
  void operator()(const calc::ActivePolicyRemove& m) { s.policies.erase(m.id); }
  void operator()(const calc::ActiveProfileUpdate& m) { s.profiles[m.id] = m; }
  void operator()(const calc::ActiveProfileRemove& m) { s.profiles.erase(m.id); }
  void operator()(const calc::HostEndpointUpdate& m) { s.host_endpoints[m.id] = m; }
  void operator()(const calc::HostEndpointRemove& m) { s.host_endpoints.erase(m.id); }
  void operator()(const calc::WorkloadEndpointUpdate& m) { s.workload_endpoints[m.id] = m; }
  void operator()(const calc::WorkloadEndpointRemove& m) { s.workload_endpoints.erase(m.id); }
  void operator()(const calc::ConfigUpdate& m) { s.config = m.config; }
  void operator()(const calc::InSync&) { s.in_sync = true; }
};

}  // namespace

void ApplyMessage(DesiredState& s, const calc::Message& m) { std::visit(Applier{s}, m); }

}  // namespace felix::rules
