// CalcGraph: wires the calc nodes together (the one place that does) and
// turns datastore updates into node calls (calc.h has the public contract).
//
//   OnUpdate(key, value)
//     │
//     ├─ profile rules ───────────────────────────▶ ActiveRulesCalculator
//     ├─ profile labels ──────────┬───────────────▶ ActiveRulesCalculator
//     │                           ▼
//     ├─ profile tags ──────▶ IpSetIndex (all hosts' endpoints x rule
//     │                        selectors/tags; owns a LabelIndex)
//     ├─ tier metadata, policies ─────────────────▶ ActiveRulesCalculator
//     │                                              (local endpoints x policy
//     │                                               selectors; owns a LabelIndex)
//     ├─ network sets ────────▶ IpSetIndex (as remote endpoints)
//     └─ endpoints ─▶ local endpoint filter ─┬─ every host ─▶ IpSetIndex
//                                            └─ this host ──▶ ActiveRulesCalculator
//
//   ActiveRulesCalculator ──policy/profile (in)active──▶ rule scanner
//        │                     (ForEachIpSetRef) ──ref/unref IP sets──▶ IpSetIndex
//        └──endpoint's policies changed──▶ EventSequencer (mark dirty)
//
//   Flush: EventSequencer asks this Impl (its Source) for each dirty object:
//     IpSetIndex::TakePending, TranslateRules (rule scanner), ResolveTiers
//     (policy resolver) ──▶ MessageSink in the order of messages.h.
#include <initializer_list>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "calc/active_rules.h"
#include "calc/calc.h"
#include "calc/event_sequencer.h"
#include "calc/interner.h"
#include "calc/ipset_index.h"
#include "calc/rule_translate.h"

namespace felix::calc {

struct CalcGraph::Impl final : ActiveRulesCalculator::Output, EventSequencer::Source {
  Impl(std::string host, const DataplaneConfig& config)
      : hostname(std::move(host)), ip_sets(strings), active(strings, *this) {
    sequencer.SetConfig(config);
  }

  struct LocalHost {
    HostEndpointId id;
    model::HostEndpoint value;
  };
  struct LocalWorkload {
    WorkloadEndpointId id;
    model::WorkloadEndpoint value;
  };
  // A local endpoint: its dense local id, its id in messages and its value.
  struct LocalEndpoint {
    uint32_t local = 0;
    std::variant<LocalHost, LocalWorkload> id_and_value;
  };

  // --- Inputs ---------------------------------------------------------------

  template <typename T>
  static const T* As(const std::optional<model::Value>& v) {
    return v ? std::get_if<T>(&*v) : nullptr;
  }

  void OnUpdate(const model::Key& key, const std::optional<model::Value>& value) {
    std::visit([&](const auto& k) { Handle(k, value); }, key);
  }

  // The parts joined with '\n' (which no key part contains), in one allocation.
  static std::string JoinKey(std::initializer_list<std::string_view> parts) {
    size_t n = parts.size();
    for (std::string_view p : parts) n += p.size();
    std::string out;
    out.reserve(n);
    bool first = true;
    for (std::string_view p : parts) {
      if (!first) out += '\n';
      out += p;
      first = false;
    }
    return out;
  }

  void Handle(const model::HostEndpointKey& k, const std::optional<model::Value>& v) {
    std::string key = JoinKey({"h", k.hostname, k.endpoint});
    const model::HostEndpoint* ep = As<model::HostEndpoint>(v);
    bool local = k.hostname == hostname;  // the local endpoint filter
    if (!ep) return RemoveEndpoint(key);
    std::vector<model::Cidr> ips;
    for (const auto& a : ep->expected_ipv4_addrs) ips.push_back(model::Cidr{a, 32});
    for (const auto& a : ep->expected_ipv6_addrs) ips.push_back(model::Cidr{a, 128});
    uint32_t h = EndpointHandle(key);
    ip_sets.UpdateEndpoint(h, ep->labels, ep->profile_ids, ips);
    if (!local) return;
    HostEndpointId id{k.endpoint};
    LocalEndpoint& le = Local(h, LocalHost{id, *ep});
    active.UpdateEndpoint(le.local, true, ep->labels, ep->profile_ids);
    sequencer.MarkHostEndpoint(id);
  }

  void Handle(const model::WorkloadEndpointKey& k, const std::optional<model::Value>& v) {
    std::string key = JoinKey({"w", k.hostname, k.orchestrator, k.workload, k.endpoint});
    const model::WorkloadEndpoint* ep = As<model::WorkloadEndpoint>(v);
    bool local = k.hostname == hostname;  // the local endpoint filter
    if (!ep) return RemoveEndpoint(key);
    std::vector<model::Cidr> ips = ep->ipv4_nets;
    ips.insert(ips.end(), ep->ipv6_nets.begin(), ep->ipv6_nets.end());
    uint32_t h = EndpointHandle(key);
    ip_sets.UpdateEndpoint(h, ep->labels, ep->profile_ids, ips);
    if (!local) return;
    WorkloadEndpointId id{k.orchestrator, k.workload, k.endpoint};
    LocalEndpoint& le = Local(h, LocalWorkload{id, *ep});
    active.UpdateEndpoint(le.local, false, ep->labels, ep->profile_ids);
    sequencer.MarkWorkloadEndpoint(id);
  }

  template <typename Id>
  static void Count(std::set<Id>& ids, const Id& id, bool present) {
    if (present) {
      ids.insert(id);
    } else {
      ids.erase(id);
    }
  }

  void Handle(const model::ProfileRulesKey& k, const std::optional<model::Value>& v) {
    Count(profile_ids, k.profile, As<model::ProfileRules>(v) != nullptr);
    active.UpdateProfileRules(k.profile, As<model::ProfileRules>(v));
  }
  void Handle(const model::ProfileTagsKey& k, const std::optional<model::Value>& v) {
    const auto* tags = As<model::ProfileTags>(v);
    ip_sets.SetProfileTags(k.profile, tags ? &tags->tags : nullptr);
  }
  void Handle(const model::ProfileLabelsKey& k, const std::optional<model::Value>& v) {
    const auto* labels = As<model::ProfileLabels>(v);
    ip_sets.SetProfileLabels(k.profile, labels ? &labels->labels : nullptr);
    active.UpdateProfileLabels(k.profile, labels ? &labels->labels : nullptr);
  }
  void Handle(const model::TierMetadataKey& k, const std::optional<model::Value>& v) {
    Count(tier_ids, k.tier, As<model::TierMetadata>(v) != nullptr);
    active.UpdateTier(k.tier, As<model::TierMetadata>(v));
  }
  void Handle(const model::PolicyKey& k, const std::optional<model::Value>& v) {
    Count(policy_ids, PolicyId{k.tier, k.policy}, As<model::Policy>(v) != nullptr);
    active.UpdatePolicy(PolicyId{k.tier, k.policy}, As<model::Policy>(v));
  }
  // A network set feeds rule selectors' IP sets like a remote endpoint; no
  // policy selects it (it never reaches the ActiveRulesCalculator).
  void Handle(const model::NetworkSetKey& k, const std::optional<model::Value>& v) {
    std::string key = JoinKey({"n", k.name});
    const model::NetworkSet* set = As<model::NetworkSet>(v);
    if (!set) return RemoveEndpoint(key);
    ip_sets.UpdateEndpoint(EndpointHandle(key), set->labels, set->profile_ids, set->nets);
  }
  template <typename K>
  void Handle(const K&, const std::optional<model::Value>&) {}  // Ready, config, pools, bird_ip

  // --- Endpoint bookkeeping -------------------------------------------------

  // The host part of an endpoint key text ("h\nHOST\n..." / "w\nHOST\n...");
  // network sets ("n\nNAME") have none.
  static std::string_view KeyHost(std::string_view key) {
    const size_t a = key.find('\n') + 1, b = key.find('\n', a);
    return key.substr(a, b - a);
  }
  void CountEndpoint(const std::string& key, int delta) {
    if (key[0] == 'n') {
      network_set_count += delta;
      return;
    }
    (key[0] == 'h' ? host_endpoint_count : workload_endpoint_count) += delta;
    auto [it, added] = endpoints_per_host.try_emplace(std::string(KeyHost(key)), 0);
    it->second += delta;
    if (it->second == 0) endpoints_per_host.erase(it);
  }

  uint32_t EndpointHandle(const std::string& key) {
    auto [it, added] = endpoint_handles.try_emplace(key, 0);
    if (added) {
      CountEndpoint(key, 1);
      if (!free_handles.empty()) {
        it->second = free_handles.back();
        free_handles.pop_back();
      } else {
        it->second = next_handle++;
      }
    }
    return it->second;
  }

  template <typename V>
  LocalEndpoint& Local(uint32_t h, V value) {
    auto [it, added] = locals.try_emplace(h);
    if (added) {
      if (!free_locals.empty()) {
        it->second.local = free_locals.back();
        free_locals.pop_back();
      } else {
        it->second.local = next_local++;
      }
      LocalKeys(value.id)[value.id] = h;
      if (by_local.size() <= it->second.local) by_local.resize(it->second.local + 1);
      by_local[it->second.local] = h;
    }
    it->second.id_and_value = std::move(value);
    return it->second;
  }

  void RemoveEndpoint(const std::string& key) {
    auto it = endpoint_handles.find(key);
    if (it == endpoint_handles.end()) return;
    uint32_t h = it->second;
    CountEndpoint(key, -1);
    endpoint_handles.erase(it);
    free_handles.push_back(h);
    ip_sets.RemoveEndpoint(h);
    auto le = locals.find(h);
    if (le == locals.end()) return;
    active.RemoveEndpoint(le->second.local);
    free_locals.push_back(le->second.local);
    std::visit(
        [&](const auto& v) {
          LocalKeys(v.id).erase(v.id);
          MarkEndpoint(v.id);
        },
        le->second.id_and_value);
    locals.erase(le);
  }

  void MarkEndpoint(const HostEndpointId& id) { sequencer.MarkHostEndpoint(id); }
  void MarkEndpoint(const WorkloadEndpointId& id) { sequencer.MarkWorkloadEndpoint(id); }

  // --- ActiveRulesCalculator::Output: the rule scanner's refcounting --------

  void RefRules(const std::vector<model::Rule>& rules, bool ref) {
    ForEachIpSetRef(
        rules,
        [&](const selector::Selector& s) {
          ref ? ip_sets.RefSelector(s) : ip_sets.UnrefSelector(s);
        },
        [&](const std::string& t) { ref ? ip_sets.RefTag(t) : ip_sets.UnrefTag(t); });
  }
  // References the new rules before dropping the old, so that a set both use
  // is never removed and recreated.
  template <typename R>
  void Rescan(const R* before, const R* after) {
    if (after) RefRules(after->inbound, true), RefRules(after->outbound, true);
    if (before) RefRules(before->inbound, false), RefRules(before->outbound, false);
  }
  void OnPolicyChanged(const PolicyId& id, const model::Policy* before,
                       const model::Policy* after) override {
    Rescan(before, after);
    sequencer.MarkPolicy(id);
  }
  void OnProfileChanged(const std::string& id, const model::ProfileRules* before,
                        const model::ProfileRules* after) override {
    Rescan(before, after);
    sequencer.MarkProfile(id);
  }
  void OnEndpointPoliciesChanged(uint32_t local) override {
    auto it = locals.find(by_local[local]);
    if (it != locals.end())
      std::visit([&](const auto& v) { MarkEndpoint(v.id); }, it->second.id_and_value);
  }

  // --- EventSequencer::Source -----------------------------------------------

  void TakeIpSets(std::vector<Message>* updates, std::vector<Message>* removes) override {
    ip_sets.TakePending(updates, removes);
  }
  std::optional<ActivePolicyUpdate> BuildPolicy(const PolicyId& id) override {
    const model::Policy* p = active.ActivePolicy(id);
    if (!p) return std::nullopt;
    return ActivePolicyUpdate{
        id,          TranslateRules(p->inbound), TranslateRules(p->outbound), p->untracked,
        p->pre_dnat, p->Governs(true),           p->Governs(false),           p->apply_on_forward};
  }
  std::optional<ActiveProfileUpdate> BuildProfile(const std::string& id) override {
    const model::ProfileRules* p = active.ActiveProfile(id);
    if (!p) return std::nullopt;
    return ActiveProfileUpdate{id, TranslateRules(p->inbound), TranslateRules(p->outbound)};
  }
  template <typename Id>
  const LocalEndpoint* FindLocal(const Id& id) const {
    const auto& keys = const_cast<Impl*>(this)->LocalKeys(id);
    auto it = keys.find(id);
    return it == keys.end() ? nullptr : &locals.at(it->second);
  }
  std::optional<HostEndpointUpdate> BuildHostEndpoint(const HostEndpointId& id) override {
    const LocalEndpoint* le = FindLocal(id);
    if (!le) return std::nullopt;
    const model::HostEndpoint& ep = std::get<LocalHost>(le->id_and_value).value;
    HostEndpointUpdate u{id, ep.name, ep.expected_ipv4_addrs, ep.expected_ipv6_addrs, {}};
    active.Resolve(le->local, &u.policy);
    u.policy.profile_ids = ep.profile_ids;
    return u;
  }
  std::optional<WorkloadEndpointUpdate> BuildWorkloadEndpoint(
      const WorkloadEndpointId& id) override {
    const LocalEndpoint* le = FindLocal(id);
    if (!le) return std::nullopt;
    const model::WorkloadEndpoint& ep = std::get<LocalWorkload>(le->id_and_value).value;
    WorkloadEndpointUpdate u{id, ep.name, ep.active(), ep.mac, ep.ipv4_nets, ep.ipv6_nets, {}};
    active.Resolve(le->local, &u.policy);
    u.policy.untracked_tiers.clear();
    u.policy.pre_dnat_tiers.clear();
    u.policy.profile_ids = ep.profile_ids;
    return u;
  }

  // --- State ----------------------------------------------------------------

  const std::string hostname;
  Interner strings;  // shared by both label indexes; declared before them
  IpSetIndex ip_sets;
  ActiveRulesCalculator active;
  EventSequencer sequencer;
  // Every host's endpoints: key text -> dense handle.
  std::unordered_map<std::string, uint32_t> endpoint_handles;
  std::vector<uint32_t> free_handles;
  uint32_t next_handle = 0;
  // This host's endpoints, by handle; dense local ids for the calculator.
  std::unordered_map<uint32_t, LocalEndpoint> locals;
  std::map<HostEndpointId, uint32_t> host_keys;
  std::map<WorkloadEndpointId, uint32_t> workload_keys;
  std::map<HostEndpointId, uint32_t>& LocalKeys(const HostEndpointId&) { return host_keys; }
  std::map<WorkloadEndpointId, uint32_t>& LocalKeys(const WorkloadEndpointId&) {
    return workload_keys;
  }
  std::vector<uint32_t> by_local;
  std::vector<uint32_t> free_locals;
  uint32_t next_local = 0;
  // For Stats(): counts, and ids of the few objects that are not endpoints.
  size_t host_endpoint_count = 0, workload_endpoint_count = 0, network_set_count = 0;
  std::unordered_map<std::string, uint32_t> endpoints_per_host;
  std::set<PolicyId> policy_ids;
  std::set<std::string> profile_ids, tier_ids;
};

CalcGraph::CalcGraph(std::string hostname, const DataplaneConfig& config)
    : impl_(std::make_unique<Impl>(std::move(hostname), config)) {}
CalcGraph::~CalcGraph() = default;

void CalcGraph::OnUpdate(const model::Key& key, const std::optional<model::Value>& value) {
  impl_->OnUpdate(key, value);
}
void CalcGraph::OnConfig(const DataplaneConfig& config) { impl_->sequencer.SetConfig(config); }
void CalcGraph::OnInSync() { impl_->sequencer.SetInSync(); }
void CalcGraph::Flush(MessageSink& sink) { impl_->sequencer.Flush(*impl_, sink); }
CalcStats CalcGraph::Stats() const {
  const Impl& i = *impl_;
  return CalcStats{i.endpoints_per_host.size(), i.host_endpoint_count, i.workload_endpoint_count,
                   i.policy_ids.size(),         i.profile_ids.size(),  i.tier_ids.size(),
                   i.network_set_count};
}

}  // namespace felix::calc
