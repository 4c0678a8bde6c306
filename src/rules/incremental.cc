// IncrementalRenderer (incremental.h): dirty tracking in Apply, re-rendering
// of the touched parts in Flush, with the pieces of render_parts.h.
#include "rules/incremental.h"

#include <variant>

#include "rules/match.h"
#include "rules/names.h"
#include "rules/render_parts.h"

namespace felix::rules {
namespace {

constexpr const char* kHostMaps[] = {"cali-fh-map",  "cali-th-map",  "cali-fhr-map",
                                     "cali-thr-map", "cali-fhp-map", "cali-fhf-map",
                                     "cali-thf-map", "cali-fhw-map", "cali-thw-map"};

bool IsSingleAddress(const model::Cidr& c) { return c.prefix == (c.addr.family == 4 ? 32 : 128); }

}  // namespace

void IncrementalRenderer::Apply(const calc::Message& m) {
  if (!full_) {
    if (const auto* u = std::get_if<calc::IpSetUpdate>(&m)) {
      sets_whole_.insert(u->id);
    } else if (const auto* d = std::get_if<calc::IpSetDeltaUpdate>(&m)) {
      if (!state_.ip_sets.contains(d->id)) {
        sets_whole_.insert(d->id);
      } else {
        auto& touched = set_members_[d->id];
        touched.insert(d->added.begin(), d->added.end());
        touched.insert(d->removed.begin(), d->removed.end());
      }
    } else if (const auto* r = std::get_if<calc::IpSetRemove>(&m)) {
      sets_whole_.insert(r->id);
    } else if (const auto* p = std::get_if<calc::ActivePolicyUpdate>(&m)) {
      policies_.insert(p->id);
      // Lists depend on which policies exist, on the directions they govern
      // and on whether they apply on forward.
      auto old = state_.policies.find(p->id);
      if (old == state_.policies.end() || old->second.governs_inbound != p->governs_inbound ||
          old->second.governs_outbound != p->governs_outbound ||
          old->second.apply_on_forward != p->apply_on_forward) {
        policy_presence_.insert(p->id);
      }
    } else if (const auto* p = std::get_if<calc::ActivePolicyRemove>(&m)) {
      if (state_.policies.contains(p->id)) {
        policies_.insert(p->id);
        policy_presence_.insert(p->id);
      }
    } else if (const auto* p = std::get_if<calc::ActiveProfileUpdate>(&m)) {
      profiles_.insert(p->id);
      if (!state_.profiles.contains(p->id)) profile_presence_.insert(p->id);
    } else if (const auto* p = std::get_if<calc::ActiveProfileRemove>(&m)) {
      if (state_.profiles.contains(p->id)) {
        profiles_.insert(p->id);
        profile_presence_.insert(p->id);
      }
    } else if (const auto* h = std::get_if<calc::HostEndpointUpdate>(&m)) {
      host_eps_.insert(h->id);
      host_section_ = true;
    } else if (const auto* h = std::get_if<calc::HostEndpointRemove>(&m)) {
      host_eps_.insert(h->id);
      host_section_ = true;
    } else if (const auto* w = std::get_if<calc::WorkloadEndpointUpdate>(&m)) {
      auto it = state_.workload_endpoints.find(w->id);
      if (it != state_.workload_endpoints.end()) wl_ifaces_.insert(it->second.name);
      wl_ifaces_.insert(w->name);
    } else if (const auto* w = std::get_if<calc::WorkloadEndpointRemove>(&m)) {
      auto it = state_.workload_endpoints.find(w->id);
      if (it != state_.workload_endpoints.end()) wl_ifaces_.insert(it->second.name);
    } else if (const auto* c = std::get_if<calc::ConfigUpdate>(&m)) {
      if (c->config != state_.config) full_ = true;
    }
  }
  ApplyMessage(state_, m);
}

void IncrementalRenderer::SetResolution(InterfaceResolution r) {
  if (r == resolution_) return;
  resolution_ = std::move(r);
  host_section_ = true;
}

const TableDelta& IncrementalRenderer::Flush() {
  if (full_) {
    RenderAll();
  } else {
    // A list's rules depend only on which policies and profiles exist.
    if (!policy_presence_.empty() || !profile_presence_.empty()) lists_.ForgetRenders();
    lists_.TrimRenders();
    MarkDependents();
    FlushIpSets();
    FlushRuleChains();
    FlushWorkloads();
    if (host_section_) FlushHostSection();
    delta_.chains.merge(lists_.TakeChanged());
    if (state_.config.drop_action_override != config::DropActionOverride::kDrop) {
      for (const std::string& name : delta_.chains) {
        auto it = table_.chains.find(name);
        if (it != table_.chains.end()) {
          OverrideDrops(it->second.rules, state_.config.drop_action_override);
        }
      }
    }
  }
  sets_whole_.clear();
  set_members_.clear();
  policies_.clear();
  policy_presence_.clear();
  profiles_.clear();
  profile_presence_.clear();
  wl_ifaces_.clear();
  host_eps_.clear();
  host_section_ = false;
  return delta_;
}

void IncrementalRenderer::RenderAll() {
  lists_ = PolicyLists{};
  table_ = RenderTable(state_, resolution_, lists_, &host_chains_);
  lists_.TakeChanged();
  full_ = false;
  delta_ = TableDelta{};
  delta_.all = true;
}

// A policy or profile that appeared or went changes the chains of the
// endpoints that name it (a jump, or a drop for a missing profile).
void IncrementalRenderer::MarkDependents() {
  if (policy_presence_.empty() && profile_presence_.empty()) return;
  auto refers = [&](const calc::EndpointPolicy& p) {
    for (const auto* tiers : {&p.tiers, &p.untracked_tiers, &p.pre_dnat_tiers}) {
      for (const auto& tier : *tiers) {
        for (const auto& name : tier.policies) {
          if (policy_presence_.contains(calc::PolicyId{tier.name, name})) return true;
        }
      }
    }
    for (const auto& id : p.profile_ids) {
      if (profile_presence_.contains(id)) return true;
    }
    return false;
  };
  for (const auto& [id, ep] : state_.workload_endpoints) {
    if (refers(ep.policy)) wl_ifaces_.insert(ep.name);
  }
  for (const auto& [id, ep] : state_.host_endpoints) {
    if (refers(ep.policy)) {
      host_eps_.insert(id);
      host_section_ = true;
    }
  }
}

void IncrementalRenderer::FlushIpSets() {
  for (const auto& id : sets_whole_) {
    auto it = state_.ip_sets.find(id);
    for (int f : {4, 6}) {
      const std::string name = IpSetName(id, f);
      if (it == state_.ip_sets.end()) {
        table_.sets.erase(name);
      } else {
        table_.sets[name] = IpSetFor(it->second, f);
      }
      delta_.sets.insert(name);
    }
  }
  for (const auto& [id, touched] : set_members_) {
    if (sets_whole_.contains(id)) continue;
    const std::set<model::Cidr>& members = state_.ip_sets.at(id);
    for (int f : {4, 6}) {
      const std::string name = IpSetName(id, f);
      auto set = table_.sets.find(name);
      // Element by element only while the nft set is and stays a plain set.
      bool elementwise = set != table_.sets.end() && set->second.flags.empty();
      bool any = false;
      for (const auto& c : touched) {
        if (c.addr.family != f) continue;
        any = true;
        if (!IsSingleAddress(c)) elementwise = false;
      }
      if (!any && set != table_.sets.end()) continue;
      if (!elementwise) {
        table_.sets[name] = IpSetFor(members, f);
        delta_.sets.insert(name);
        continue;
      }
      auto& keys = delta_.elements[name];
      for (const auto& c : touched) {
        if (c.addr.family != f) continue;
        std::string key = NftCidr(c);
        if (members.contains(c)) {
          set->second.elements[key] = "";
        } else {
          set->second.elements.erase(key);
        }
        keys.insert(std::move(key));
      }
    }
  }
}

void IncrementalRenderer::FlushRuleChains() {
  const std::string& log_prefix = state_.config.log_prefix;
  auto put = [&](const std::string& name, std::optional<Chain> chain) {
    if (chain) {
      table_.chains[name] = std::move(*chain);
    } else {
      table_.chains.erase(name);
    }
    delta_.chains.insert(name);
  };
  for (const auto& id : policies_) {
    auto it = state_.policies.find(id);
    for (bool in : {true, false}) {
      put(PolicyChainName(id, in),
          it == state_.policies.end()
              ? std::nullopt
              : std::optional(PolicyChain(id, in ? it->second.inbound : it->second.outbound, in,
                                          log_prefix)));
    }
  }
  for (const auto& id : profiles_) {
    auto it = state_.profiles.find(id);
    for (bool in : {true, false}) {
      put(ProfileChainName(id, in),
          it == state_.profiles.end()
              ? std::nullopt
              : std::optional(ProfileChain(id, in ? it->second.inbound : it->second.outbound, in,
                                           log_prefix)));
    }
  }
}

void IncrementalRenderer::FlushWorkloads() {
  if (wl_ifaces_.empty()) return;
  // The owner of an interface is its endpoint with the smallest id.
  std::map<std::string, const calc::WorkloadEndpointUpdate*> owner;
  for (const auto& [id, ep] : state_.workload_endpoints) {
    if (wl_ifaces_.contains(ep.name)) owner.emplace(ep.name, &ep);
  }
  Set& fw_map = table_.sets.at("cali-fw-map");
  Set& tw_map = table_.sets.at("cali-tw-map");
  for (const auto& iface : wl_ifaces_) {
    const std::string fw = WorkloadChainName("fw", iface), tw = WorkloadChainName("tw", iface);
    const std::string key = QuoteIface(iface);
    table_.chains.erase(fw);
    table_.chains.erase(tw);
    fw_map.elements.erase(key);
    tw_map.elements.erase(key);
    auto it = owner.find(iface);
    if (it != owner.end()) {
      AddWorkloadIface(table_, state_, *it->second, lists_);
    } else {
      lists_.Release(table_, fw);
      lists_.Release(table_, tw);
    }
    delta_.chains.insert(fw);
    delta_.chains.insert(tw);
    delta_.elements["cali-fw-map"].insert(key);
    delta_.elements["cali-tw-map"].insert(key);
  }
}

void IncrementalRenderer::FlushHostSection() {
  for (const auto& id : host_eps_) lists_.ForgetEndpoint(id);
  std::map<std::string, Chain> old;
  for (const auto& name : host_chains_) {
    auto node = table_.chains.extract(name);
    if (node) old.insert(std::move(node));
  }
  for (const char* map : kHostMaps) {
    table_.sets.at(map).elements.clear();
    delta_.sets.insert(map);
  }
  std::set<std::string> reused;
  auto reuse = [&](const calc::HostEndpointId& id, const std::string& name) {
    if (host_eps_.contains(id)) return false;
    auto it = old.find(name);
    if (it == old.end()) return false;
    table_.chains[name] = std::move(it->second);
    reused.insert(name);
    return true;
  };
  std::set<std::string> added = AddHostSection(table_, state_, resolution_, lists_, reuse);
  for (const auto& name : host_chains_) {
    if (!added.contains(name)) lists_.Release(table_, name);
  }
  // A re-rendered chain equal to what it replaces is no change.
  auto unchanged = [&](const std::string& name) {
    if (reused.contains(name)) return true;
    const auto before = old.find(name);
    const auto now = table_.chains.find(name);
    return before != old.end() && now != table_.chains.end() && before->second == now->second;
  };
  for (const auto* names : {&host_chains_, &added}) {
    for (const auto& name : *names) {
      if (!unchanged(name)) delta_.chains.insert(name);
    }
  }
  host_chains_ = std::move(added);
}

}  // namespace felix::rules
