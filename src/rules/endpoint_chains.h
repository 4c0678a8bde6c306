// Per-endpoint chain bodies and the policy lists they end in (private to the
// layer): the rules a packet meets after interface dispatch. render.cc names
// and places them; the verdict protocol is described there.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "rules/rules.h"

namespace felix::rules {

// Accepts IPv6 neighbour discovery; first after conntrack in host endpoint
// chains.
extern const char kNdpAccept[];

// A tracked (filter) endpoint chain: conntrack, for host endpoints (when
// `failsafe_chain` is set) NDP and the failsafe jump, the MAC check (when
// `mac` is set), then `goto list` (the endpoint's shared policy list).
std::vector<std::string> TrackedEndpointRules(const std::optional<std::string>& failsafe_chain,
                                              const std::optional<std::string>& mac,
                                              const std::string& list);

// An untracked (raw) host endpoint chain: failsafe jump, `goto list`.
std::vector<std::string> UntrackedEndpointRules(const std::string& failsafe_chain,
                                                const std::string& list);

// A tracked policy list (policy_lists.h): mark reset, tiers, profiles, final
// drop. `inbound` selects the policies' inbound rules.
std::vector<std::string> TrackedPolicyList(const DesiredState& s, const calc::EndpointPolicy& p,
                                           bool inbound);

// An untracked policy list: mark reset, untracked tiers with `notrack accept`
// on allow; no tier-end drop, no profiles, no final drop.
std::vector<std::string> UntrackedPolicyList(const DesiredState& s, const calc::EndpointPolicy& p,
                                             bool inbound);

// `meta mark & ACCEPT == ACCEPT accept`: accepts what policy allowed.
std::string AcceptWhenAccepted();

// A pre-DNAT policy list: mark reset, pre-DNAT tiers (inbound rules) with
// `accept` on allow, the ACCEPT bit kept; no tier-end drop, no profiles, no
// final drop (an undecided packet goes on to normal policy).
std::vector<std::string> PreDnatPolicyList(const DesiredState& s, const calc::EndpointPolicy& p);

// A forward policy list (modern endpoints, see rules::ForwardsLegacy): mark
// reset, the tiers with only the policies that apply on forward, then a
// final drop; no profiles.
std::vector<std::string> ForwardPolicyList(const DesiredState& s, const calc::EndpointPolicy& p,
                                           bool inbound);

// The failsafe chains' rules. `raw` adds the reverse direction by source
// port (raw runs before conntrack, so replies need their own rule).
std::vector<std::string> FailsafeRules(const calc::DataplaneConfig& c, bool inbound, bool raw);

}  // namespace felix::rules
