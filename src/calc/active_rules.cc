// ActiveRulesCalculator implementation (see active_rules.h).
#include "calc/active_rules.h"

namespace felix::calc {

ActiveRulesCalculator::ActiveRulesCalculator(Interner& strings, Output& output)
    : output_(output), labels_(strings, *this) {}

ActiveRulesCalculator::~ActiveRulesCalculator() = default;

bool ActiveRulesCalculator::Uses(const PolicyEntry& p, uint32_t endpoint) const {
  return endpoints_[endpoint].host || !(p.policy.untracked || p.policy.pre_dnat);
}

void ActiveRulesCalculator::OnMatchStarted(uint32_t matcher, uint32_t item) {
  PolicyEntry& p = *policies_[matcher];
  p.matched.insert(item);
  if (Uses(p, item) && p.users++ == 0) output_.OnPolicyChanged(p.id, nullptr, &p.policy);
  output_.OnEndpointPoliciesChanged(item);
}

void ActiveRulesCalculator::OnMatchStopped(uint32_t matcher, uint32_t item) {
  PolicyEntry& p = *policies_[matcher];
  p.matched.erase(item);
  if (Uses(p, item) && --p.users == 0) output_.OnPolicyChanged(p.id, &p.policy, nullptr);
  output_.OnEndpointPoliciesChanged(item);
}

void ActiveRulesCalculator::MarkUsers(const PolicyEntry& p) {
  for (uint32_t ep : p.matched) output_.OnEndpointPoliciesChanged(ep);
}

void ActiveRulesCalculator::UpdatePolicy(const PolicyId& id, const model::Policy* policy) {
  auto it = policy_handles_.find(id);
  if (it == policy_handles_.end()) {
    if (!policy) return;
    uint32_t h;
    if (!free_policies_.empty()) {
      h = free_policies_.back();
      free_policies_.pop_back();
    } else {
      h = static_cast<uint32_t>(policies_.size());
      policies_.emplace_back();
    }
    policies_[h].emplace(PolicyEntry{id, *policy, {}, 0});
    policy_handles_.emplace(id, h);
    tier_policies_[id.tier].insert(h);
    labels_.AddSelector(h, policies_[h]->policy.selector);
    return;
  }
  uint32_t h = it->second;
  if (!policy) {
    labels_.RemoveMatcher(h);  // inactive through OnMatchStopped
    policy_handles_.erase(it);
    auto tier = tier_policies_.find(id.tier);
    tier->second.erase(h);
    if (tier->second.empty()) tier_policies_.erase(tier);
    policies_[h].reset();
    free_policies_.push_back(h);
    return;
  }
  PolicyEntry& p = *policies_[h];
  if (p.policy == *policy) return;
  if (!(p.policy.selector == policy->selector) || p.policy.untracked != policy->untracked ||
      p.policy.pre_dnat != policy->pre_dnat) {
    labels_.RemoveMatcher(h);
    policies_[h]->policy = *policy;
    labels_.AddSelector(h, policies_[h]->policy.selector);
    return;
  }
  model::Policy old = std::move(p.policy);
  p.policy = *policy;
  if (p.users > 0) output_.OnPolicyChanged(id, &old, &p.policy);
  if (old.order != p.policy.order) MarkUsers(p);
}

void ActiveRulesCalculator::UpdateTier(const std::string& tier,
                                       const model::TierMetadata* metadata) {
  const std::optional<double> before = TierOrder(tier);
  const bool pass_before = TierDefaultPass(tier);
  if (metadata) {
    tiers_[tier] = *metadata;
  } else {
    tiers_.erase(tier);
  }
  if (before == TierOrder(tier) && pass_before == TierDefaultPass(tier)) return;
  auto it = tier_policies_.find(tier);
  if (it == tier_policies_.end()) return;
  for (uint32_t h : it->second) MarkUsers(*policies_[h]);
}

std::optional<double> ActiveRulesCalculator::TierOrder(const std::string& tier) const {
  auto it = tiers_.find(tier);
  return it == tiers_.end() ? std::nullopt : it->second.order;
}

bool ActiveRulesCalculator::TierDefaultPass(const std::string& tier) const {
  auto it = tiers_.find(tier);
  return it != tiers_.end() && it->second.default_action == model::TierDefaultAction::kPass;
}

void ActiveRulesCalculator::UpdateProfileRules(const std::string& id,
                                               const model::ProfileRules* rules) {
  ProfileEntry& e = profiles_[id];
  std::optional<model::ProfileRules> before = std::move(e.rules);
  e.rules.reset();
  if (rules) e.rules = *rules;
  if (e.local_refs > 0 && before != e.rules) {
    output_.OnProfileChanged(id, before ? &*before : nullptr, e.rules ? &*e.rules : nullptr);
  }
  if (!e.rules && e.local_refs == 0) profiles_.erase(id);
}

void ActiveRulesCalculator::UpdateProfileLabels(const std::string& id,
                                                const model::Labels* labels) {
  labels_.SetParentLabels(id, labels);
}

void ActiveRulesCalculator::RefProfile(const std::string& id) {
  ProfileEntry& e = profiles_[id];
  if (e.local_refs++ == 0 && e.rules) output_.OnProfileChanged(id, nullptr, &*e.rules);
}

void ActiveRulesCalculator::UnrefProfile(const std::string& id) {
  auto it = profiles_.find(id);
  ProfileEntry& e = it->second;
  if (--e.local_refs == 0) {
    if (e.rules) {
      output_.OnProfileChanged(id, &*e.rules, nullptr);
    } else {
      profiles_.erase(it);
    }
  }
}

void ActiveRulesCalculator::UpdateEndpoint(uint32_t local, bool host, const model::Labels& labels,
                                           const std::vector<std::string>& profiles) {
  if (endpoints_.size() <= local) endpoints_.resize(local + 1);
  for (const std::string& p : profiles) RefProfile(p);
  Endpoint& e = endpoints_[local];
  std::vector<std::string> old = std::move(e.profiles);
  e.profiles = profiles;
  e.host = host;
  e.live = true;
  for (const std::string& p : old) UnrefProfile(p);
  labels_.UpdateItem(local, labels, profiles);
}

void ActiveRulesCalculator::RemoveEndpoint(uint32_t local) {
  if (local >= endpoints_.size() || !endpoints_[local].live) return;
  labels_.RemoveItem(local);
  std::vector<std::string> old = std::move(endpoints_[local].profiles);
  endpoints_[local] = Endpoint{};
  for (const std::string& p : old) UnrefProfile(p);
}

void ActiveRulesCalculator::Resolve(uint32_t local, EndpointPolicy* out) const {
  std::vector<AppliedPolicy> applied;
  for (uint32_t h : labels_.MatchesOf(local)) {
    const PolicyEntry& p = *policies_[h];
    applied.push_back(AppliedPolicy{&p.id.tier, &p.id.name, TierOrder(p.id.tier),
                                    TierDefaultPass(p.id.tier), p.policy.order, p.policy.untracked,
                                    p.policy.pre_dnat});
  }
  ResolveTiers(std::move(applied), endpoints_[local].host, out);
}

const model::Policy* ActiveRulesCalculator::ActivePolicy(const PolicyId& id) const {
  auto it = policy_handles_.find(id);
  if (it == policy_handles_.end() || policies_[it->second]->users == 0) return nullptr;
  return &policies_[it->second]->policy;
}

const model::ProfileRules* ActiveRulesCalculator::ActiveProfile(const std::string& id) const {
  auto it = profiles_.find(id);
  if (it == profiles_.end() || it->second.local_refs == 0 || !it->second.rules) return nullptr;
  return &*it->second.rules;
}

}  // namespace felix::calc
