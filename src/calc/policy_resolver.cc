// Policy resolver implementation (see policy_resolver.h).
#include "calc/policy_resolver.h"

#include <algorithm>
#include <limits>
#include <tuple>

namespace felix::calc {
namespace {

double OrderOf(const std::optional<double>& o) {
  return o ? *o : std::numeric_limits<double>::infinity();
}

void Group(const std::vector<const AppliedPolicy*>& sorted, std::vector<TierInfo>* out) {
  for (const AppliedPolicy* p : sorted) {
    if (out->empty() || out->back().name != *p->tier) {
      out->push_back(TierInfo{*p->tier, {}, p->tier_default_pass});
    }
    out->back().policies.push_back(*p->name);
  }
}

}  // namespace

void ResolveTiers(std::vector<AppliedPolicy> policies, bool host_endpoint, EndpointPolicy* out) {
  std::sort(policies.begin(), policies.end(), [](const AppliedPolicy& a, const AppliedPolicy& b) {
    double ta = OrderOf(a.tier_order), tb = OrderOf(b.tier_order);
    double pa = OrderOf(a.order), pb = OrderOf(b.order);
    return std::tie(ta, *a.tier, pa, *a.name) < std::tie(tb, *b.tier, pb, *b.name);
  });
  std::vector<const AppliedPolicy*> tracked, untracked, pre_dnat;
  for (const AppliedPolicy& p : policies) {
    if (!p.untracked && !p.pre_dnat) {
      tracked.push_back(&p);
    } else if (host_endpoint) {
      (p.untracked ? untracked : pre_dnat).push_back(&p);
    }
  }
  out->tiers.clear();
  out->untracked_tiers.clear();
  out->pre_dnat_tiers.clear();
  Group(tracked, &out->tiers);
  Group(untracked, &out->untracked_tiers);
  Group(pre_dnat, &out->pre_dnat_tiers);
}

}  // namespace felix::calc
