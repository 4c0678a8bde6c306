// PolicyLists (policy_lists.h): memoised rendering and reference counting of
// the shared policy-list chains.
#include "rules/policy_lists.h"

#include "fmt/format.h"
#include "rules/endpoint_chains.h"
#include "rules/names.h"

namespace felix::rules {

std::string PolicyListChainName(const std::vector<std::string>& rules) {
  uint64_t h = kFnvOffset;
  for (const auto& r : rules) {
    h = Fnv1a64(r, h);
    h = Fnv1a64("\n", h);
  }
  return fmt::format("cali-pl-{:016x}", h);
}

std::string PolicyLists::Render(const DesiredState& s, const calc::EndpointPolicy& p,
                                ListKind kind) {
  const bool tracked = IsTracked(kind), inbound = IsInbound(kind);
  const bool pre_dnat = kind == ListKind::kPreDnatIn, forward = IsForward(kind);
  Key key{kind,
          tracked || forward ? p.tiers
          : pre_dnat         ? p.pre_dnat_tiers
                             : p.untracked_tiers,
          tracked ? p.profile_ids : std::vector<std::string>{}};
  auto it = memo_.find(key);
  if (it != memo_.end()) return it->second;

  std::vector<std::string> rules = tracked    ? TrackedPolicyList(s, p, inbound)
                                   : forward  ? ForwardPolicyList(s, p, inbound)
                                   : pre_dnat ? PreDnatPolicyList(s, p)
                                              : UntrackedPolicyList(s, p, inbound);
  std::string name = PolicyListChainName(rules);
  rendered_.try_emplace(name, std::move(rules));
  memo_.emplace(std::move(key), name);
  return name;
}

const ForwardMode& PolicyLists::Forward(const DesiredState& s, const calc::HostEndpointId& id,
                                        const calc::EndpointPolicy& p) {
  auto [it, fresh] = forward_.try_emplace(id);
  if (!fresh) return it->second;
  auto [by_tiers, computed] = forward_by_tiers_.try_emplace(p.tiers);
  if (computed) {
    ForwardMode& m = by_tiers->second;
    m.legacy = ForwardsLegacy(s, p);
    m.inbound = !m.legacy && HasForwardPolicy(s, p, true);
    m.outbound = !m.legacy && HasForwardPolicy(s, p, false);
  }
  it->second = by_tiers->second;
  return it->second;
}

void PolicyLists::Use(Table& t, const std::string& endpoint_chain, const std::string& list) {
  auto [it, fresh] = list_of_.try_emplace(endpoint_chain, list);
  if (!fresh) {
    if (it->second == list) return;
    Release(t, endpoint_chain);
    list_of_.emplace(endpoint_chain, list);
  }
  if (refs_[list]++ > 0) return;
  t.chains[list] = Chain{std::nullopt, rendered_.at(list)};
  changed_.insert(list);
}

void PolicyLists::Release(Table& t, const std::string& endpoint_chain) {
  auto it = list_of_.find(endpoint_chain);
  if (it == list_of_.end()) return;
  auto ref = refs_.find(it->second);
  if (--ref->second == 0) {
    t.chains.erase(ref->first);
    changed_.insert(ref->first);
    refs_.erase(ref);
  }
  list_of_.erase(it);
}

void PolicyLists::TrimRenders() {
  if (memo_.size() <= 2 * refs_.size() + 64) return;
  std::erase_if(memo_, [&](const auto& m) { return !refs_.contains(m.second); });
  std::erase_if(rendered_, [&](const auto& r) { return !refs_.contains(r.first); });
}

void PolicyLists::ForgetRenders() {
  memo_.clear();
  rendered_.clear();
  forward_.clear();
  forward_by_tiers_.clear();
}

std::set<std::string> PolicyLists::TakeChanged() { return std::exchange(changed_, {}); }

}  // namespace felix::rules
