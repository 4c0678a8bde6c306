// Policy resolver: orders the policies that apply to one local endpoint into
// tiers, as the dataplane evaluates them (spec §13, DESIGN §2): tiers by
// (tier order, tier name), policies within a tier by (policy order, policy
// name), names compared as bytes; an absent order ("default", or a tier
// without metadata) is +infinity. Untracked and pre-DNAT policies go to
// untracked_tiers and pre_dnat_tiers for host endpoints and are left out for
// workload endpoints. Pure function.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "calc/messages.h"

namespace felix::calc {

// One policy that applies to the endpoint.
struct AppliedPolicy {
  const std::string* tier;
  const std::string* name;
  std::optional<double> tier_order;  // empty = +inf
  bool tier_default_pass = false;    // the tier's default_action is pass
  std::optional<double> order;       // empty = +inf
  bool untracked = false;
  bool pre_dnat = false;
};

// Fills out->tiers, out->untracked_tiers and out->pre_dnat_tiers
// (profile_ids untouched).
void ResolveTiers(std::vector<AppliedPolicy> policies, bool host_endpoint, EndpointPolicy* out);

}  // namespace felix::calc
