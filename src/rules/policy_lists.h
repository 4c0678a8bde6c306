// Shared policy-list chains (private to the layer). The policy part of an
// endpoint chain (tiers, profiles, final drop) is the same for every endpoint
// whose ordered tiers, policies and profiles are the same, so it lives in one
// chain named by its content, `cali-pl-<16 hex digits of FNV-1a 64 of its
// rules>`, that the endpoint chains `goto`. The table's rule count then
// follows (distinct lists x their length) + endpoints, not endpoints x
// policies, and moving an endpoint between two existing lists changes one
// rule of its own chain.
//
// PolicyLists renders lists (memoised until a policy or profile appears or
// goes or a policy's types or apply_on_forward change, the only state a
// list depends on) and keeps
// which endpoint chain ends in which list: a list chain is in the table while
// at least one endpoint chain uses it. Not thread-safe.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "rules/rules.h"

namespace felix::rules {

enum class ListKind {
  kTrackedIn,
  kTrackedOut,
  kUntrackedIn,
  kUntrackedOut,
  kPreDnatIn,
  kForwardIn,
  kForwardOut
};
inline bool IsTracked(ListKind k) {
  return k == ListKind::kTrackedIn || k == ListKind::kTrackedOut;
}
inline bool IsForward(ListKind k) {
  return k == ListKind::kForwardIn || k == ListKind::kForwardOut;
}
inline bool IsInbound(ListKind k) {
  return k == ListKind::kTrackedIn || k == ListKind::kUntrackedIn || k == ListKind::kPreDnatIn ||
         k == ListKind::kForwardIn;
}

// The name of the list chain holding `rules`.
std::string PolicyListChainName(const std::vector<std::string>& rules);

// How a host endpoint's forwarded traffic is policed: `legacy` per
// rules::ForwardsLegacy, else per direction whether rules::HasForwardPolicy.
struct ForwardMode {
  bool legacy = true, inbound = false, outbound = false;
};

class PolicyLists {
 public:
  // The forward mode of host endpoint `id` with policy `p`, memoised per
  // endpoint (each costs a lookup per policy it has) until ForgetEndpoint(id)
  // or ForgetRenders().
  const ForwardMode& Forward(const DesiredState& s, const calc::HostEndpointId& id,
                             const calc::EndpointPolicy& p);
  void ForgetEndpoint(const calc::HostEndpointId& id) { forward_.erase(id); }
  // The name of the list chain for policy `p` of `kind` under state `s`. The
  // rules are remembered for Use() until ForgetRenders().
  std::string Render(const DesiredState& s, const calc::EndpointPolicy& p, ListKind kind);
  // Endpoint chain `endpoint_chain` now ends in list `list` (a name returned
  // by Render since the last ForgetRenders): adds the list chain to `t` on its
  // first use and releases the endpoint chain's previous list.
  void Use(Table& t, const std::string& endpoint_chain, const std::string& list);
  // Endpoint chain `endpoint_chain` is gone or ends in no list; its list
  // chain leaves `t` with its last user. No-op for chains without a list.
  void Release(Table& t, const std::string& endpoint_chain);
  // Policies or profiles appeared or went, or a policy's types or
  // apply_on_forward changed:
  // memoised renders are stale.
  void ForgetRenders();
  // Drops the renders of lists no endpoint chain uses once they outnumber
  // the used ones (between flushes: a render is kept until its Use()).
  void TrimRenders();
  // List chains added to or removed from the table since the last call.
  std::set<std::string> TakeChanged();
  size_t size() const { return refs_.size(); }

 private:
  struct Key {
    ListKind kind;
    std::vector<calc::TierInfo> tiers;
    std::vector<std::string> profiles;  // tracked lists only
    friend auto operator<=>(const Key&, const Key&) = default;
  };
  std::map<Key, std::string> memo_;                           // since ForgetRenders (bounded)
  std::map<std::string, std::vector<std::string>> rendered_;  // list -> rules, likewise
  std::map<calc::HostEndpointId, ForwardMode> forward_;       // likewise
  std::map<std::vector<calc::TierInfo>, ForwardMode> forward_by_tiers_;
  std::map<std::string, std::string> list_of_;  // endpoint chain -> list
  std::map<std::string, size_t> refs_;          // list -> endpoint chains
  std::set<std::string> changed_;
};

}  // namespace felix::rules
