// EventSequencer implementation (see event_sequencer.h for the order).
#include "calc/event_sequencer.h"

namespace felix::calc {

void EventSequencer::SetConfig(const DataplaneConfig& config) {
  if (config_ && *config_ == config) return;
  config_ = config;
  config_pending_ = true;
}

template <typename Id, typename Build>
void EventSequencer::FlushKind(Tracker<Id>& t, Build build, MessageSink& sink,
                               std::vector<Id>* removes) {
  for (const Id& id : t.dirty) {
    auto msg = build(id);
    if (msg) {
      sink.OnMessage(Message(std::move(*msg)));
      t.sent.insert(id);
    } else if (t.sent.erase(id)) {
      removes->push_back(id);
    }
  }
  t.dirty.clear();
}

void EventSequencer::Flush(Source& source, MessageSink& sink) {
  // 1. IP sets first: every set a rule below names exists.
  std::vector<Message> ip_updates, ip_removes;
  source.TakeIpSets(&ip_updates, &ip_removes);
  for (const Message& m : ip_updates) sink.OnMessage(m);
  // 2. Policies, then profiles.
  std::vector<PolicyId> policy_removes;
  FlushKind(
      policies_, [&](const PolicyId& id) { return source.BuildPolicy(id); }, sink, &policy_removes);
  std::vector<std::string> profile_removes;
  FlushKind(
      profiles_, [&](const std::string& id) { return source.BuildProfile(id); }, sink,
      &profile_removes);
  // 3. Endpoints, which name the policies and profiles above.
  std::vector<HostEndpointId> host_removes;
  FlushKind(
      host_endpoints_, [&](const HostEndpointId& id) { return source.BuildHostEndpoint(id); }, sink,
      &host_removes);
  std::vector<WorkloadEndpointId> workload_removes;
  FlushKind(
      workload_endpoints_,
      [&](const WorkloadEndpointId& id) { return source.BuildWorkloadEndpoint(id); }, sink,
      &workload_removes);
  // 4. Removals in reverse dependency order: endpoints, profiles, policies,
  // IP sets.
  for (const auto& id : host_removes) sink.OnMessage(HostEndpointRemove{id});
  for (const auto& id : workload_removes) sink.OnMessage(WorkloadEndpointRemove{id});
  for (const auto& id : profile_removes) sink.OnMessage(ActiveProfileRemove{id});
  for (const auto& id : policy_removes) sink.OnMessage(ActivePolicyRemove{id});
  for (const Message& m : ip_removes) sink.OnMessage(m);
  // 5. Config, then in-sync.
  if (config_pending_) {
    sink.OnMessage(ConfigUpdate{*config_});
    config_pending_ = false;
  }
  if (in_sync_pending_) {
    sink.OnMessage(InSync{});
    in_sync_pending_ = false;
    in_sync_sent_ = true;
  }
}

}  // namespace felix::calc
