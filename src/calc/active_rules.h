// ActiveRulesCalculator: which policies and profiles the endpoints of this
// host need. It owns a LabelIndex of the local endpoints against every
// policy's selector (profile labels inherited), and derives:
//   - a policy is active while some local endpoint uses it: its selector
//     matches a host endpoint, or a workload endpoint and it is tracked
//     (workload endpoints ignore untracked policy);
//   - a profile is active while some local endpoint lists it AND its rules
//     are known (a missing or invalid profile is never active; the endpoint
//     still lists it and the dataplane drops there);
//   - which local endpoints' policy lists changed.
// Never buffers: an endpoint or policy naming something missing is reported
// as it is.
//
// Local endpoints are dense caller-chosen ids. Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "calc/interner.h"
#include "calc/label_index.h"
#include "calc/messages.h"
#include "calc/policy_resolver.h"
#include "model/model.h"

namespace felix::calc {

class ActiveRulesCalculator final : private LabelIndex::Observer {
 public:
  class Output {
   public:
    virtual ~Output() = default;
    // An active policy appeared, changed or went (before/after = its content
    // while active; nullptr = not active).
    virtual void OnPolicyChanged(const PolicyId& id, const model::Policy* before,
                                 const model::Policy* after) = 0;
    // Likewise for profile rules.
    virtual void OnProfileChanged(const std::string& id, const model::ProfileRules* before,
                                  const model::ProfileRules* after) = 0;
    // The policies applying to a local endpoint, or their order, changed.
    virtual void OnEndpointPoliciesChanged(uint32_t local_endpoint) = 0;
  };

  ActiveRulesCalculator(Interner& strings, Output& output);
  ~ActiveRulesCalculator() override;

  void UpdatePolicy(const PolicyId& id, const model::Policy* policy);  // nullptr = deleted
  void UpdateTier(const std::string& tier, const model::TierMetadata* metadata);
  void UpdateProfileRules(const std::string& id, const model::ProfileRules* rules);
  void UpdateProfileLabels(const std::string& id, const model::Labels* labels);

  void UpdateEndpoint(uint32_t local, bool host, const model::Labels& labels,
                      const std::vector<std::string>& profiles);
  void RemoveEndpoint(uint32_t local);

  // The ordered tiers of a local endpoint (profile_ids untouched).
  void Resolve(uint32_t local, EndpointPolicy* out) const;

  // Current content of an active policy / profile, or nullptr.
  const model::Policy* ActivePolicy(const PolicyId& id) const;
  const model::ProfileRules* ActiveProfile(const std::string& id) const;

 private:
  struct PolicyEntry {
    PolicyId id;
    model::Policy policy;
    std::unordered_set<uint32_t> matched;  // local endpoints its selector matches
    uint32_t users = 0;                    // those that use it (see class comment)
  };
  struct ProfileEntry {
    std::optional<model::ProfileRules> rules;
    uint32_t local_refs = 0;
  };
  struct Endpoint {
    bool live = false;
    bool host = false;
    std::vector<std::string> profiles;
  };

  void OnMatchStarted(uint32_t matcher, uint32_t item) override;
  void OnMatchStopped(uint32_t matcher, uint32_t item) override;
  bool Uses(const PolicyEntry& p, uint32_t endpoint) const;
  void RefProfile(const std::string& id);
  void UnrefProfile(const std::string& id);
  void MarkUsers(const PolicyEntry& p);
  std::optional<double> TierOrder(const std::string& tier) const;
  bool TierDefaultPass(const std::string& tier) const;

  Output& output_;
  LabelIndex labels_;                                 // local endpoints x policy selectors
  std::vector<std::optional<PolicyEntry>> policies_;  // by handle (= matcher id)
  std::vector<uint32_t> free_policies_;
  std::map<PolicyId, uint32_t> policy_handles_;
  std::map<std::string, std::set<uint32_t>> tier_policies_;
  std::map<std::string, model::TierMetadata> tiers_;  // tiers with metadata
  std::map<std::string, ProfileEntry> profiles_;
  std::vector<Endpoint> endpoints_;
};

}  // namespace felix::calc
