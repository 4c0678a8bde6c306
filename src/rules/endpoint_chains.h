// Per-endpoint chain bodies (private to the layer): the rule lists of the
// chain a packet enters after interface dispatch. render.cc names and
// places them; the verdict protocol is described there.
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
// `failsafe_chain` is set) NDP and the failsafe jump, mark reset, MAC check
// (when `mac` is set), tiers, profiles, final drop. `inbound` selects the
// policies' inbound rules.

std::vector<std::string> TrackedEndpointRules(const DesiredState& s, const calc::EndpointPolicy& p,
                                              bool inbound,
                                              const std::optional<std::string>& failsafe_chain,
                                              const std::optional<std::string>& mac);

// An untracked (raw) host endpoint chain: failsafe jump, untracked tiers with
// `notrack accept` on allow; no tier-end drop, no profiles, no final drop.
std::vector<std::string> UntrackedEndpointRules(const DesiredState& s,
                                                const calc::EndpointPolicy& p, bool inbound,
                                                const std::string& failsafe_chain);

// The failsafe chains' rules. `raw` adds the reverse direction by source
// port (raw runs before conntrack, so replies need their own rule).
std::vector<std::string> FailsafeRules(const calc::DataplaneConfig& c, bool inbound, bool raw);

}  // namespace felix::rules
