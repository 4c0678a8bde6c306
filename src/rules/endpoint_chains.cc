// Endpoint chain bodies and failsafe chains (see endpoint_chains.h and the
// verdict protocol in render.cc).
#include "rules/endpoint_chains.h"

#include <algorithm>

#include "config/config.h"
#include "fmt/format.h"
#include "model/net.h"
#include "rules/match.h"
#include "rules/names.h"

namespace felix::rules {
namespace {

std::string Allowed() {
  return fmt::format("meta mark & {} == {} meta mark set meta mark & {} return", kAcceptMark,
                     kAcceptMark, kClearBothMarks);
}

// The tiers: per tier clear the pass bit (after the first), jump to each
// policy while the pass bit is clear, `after_policy` after each jump, and
// `tier_end` (if any) after the tier. Policies whose types leave out this
// direction are skipped, and a tier left without policies with them; with
// `forward`, so are policies that do not apply on forward.
void AddTiers(std::vector<std::string>& out, const DesiredState& s,
              const std::vector<calc::TierInfo>& tiers, bool inbound,
              const std::string& after_policy, const std::string& tier_end, bool forward = false) {
  auto applies = [&](const calc::PolicyId& id) {
    return PolicyGoverns(s, id, inbound) && (!forward || AppliesOnForward(s, id));
  };
  bool first_tier = true;
  for (const auto& tier : tiers) {
    if (!std::any_of(tier.policies.begin(), tier.policies.end(), [&](const std::string& name) {
          return applies({tier.name, name});
        })) {
      continue;
    }
    if (!first_tier) out.push_back(fmt::format("meta mark set meta mark & {}", kClearPassMark));
    first_tier = false;
    bool first_policy = true;
    for (const auto& name : tier.policies) {
      calc::PolicyId id{tier.name, name};
      if (!s.policies.contains(id)) continue;  // not active: no chain to jump to
      if (!applies(id)) continue;
      std::string jump = "jump " + PolicyChainName(id, inbound);
      out.push_back(first_policy ? jump : fmt::format("meta mark & {} == 0 {}", kPassMark, jump));
      out.push_back(after_policy);
      first_policy = false;
    }
    if (!tier_end.empty() && !tier.default_pass) {
      out.push_back(fmt::format("{} {}", tier_end, CommentStatement("end of tier " + tier.name)));
    }
  }
}

}  // namespace

const char kNdpAccept[] = "icmpv6 type 133-136 accept";

std::vector<std::string> TrackedEndpointRules(const std::optional<std::string>& failsafe_chain,
                                              const std::optional<std::string>& mac,
                                              const std::string& list) {
  std::vector<std::string> out = {"ct state established,related accept", "ct state invalid drop"};
  if (failsafe_chain) {
    // Host endpoints: IPv6 neighbour discovery (RS, RA, NS, NA) before any
    // policy, or no IPv6 traffic could reach the interface at all.
    out.push_back(kNdpAccept);
    out.push_back("jump " + *failsafe_chain);
  }
  if (mac) out.push_back(fmt::format("ether saddr != {} drop", *mac));
  out.push_back("counter goto " + list);  // this endpoint's new connections
  return out;
}

std::vector<std::string> UntrackedEndpointRules(const std::string& failsafe_chain,
                                                const std::string& list) {
  return {"jump " + failsafe_chain, "counter goto " + list};
}

std::vector<std::string> TrackedPolicyList(const DesiredState& s, const calc::EndpointPolicy& p,
                                           bool inbound) {
  std::vector<std::string> out = {fmt::format("meta mark set meta mark & {}", kClearBothMarks)};
  AddTiers(out, s, p.tiers, inbound, Allowed(),
           fmt::format("meta mark & {} == 0 counter drop", kPassMark));
  for (const auto& id : p.profile_ids) {
    if (!s.profiles.contains(id)) {
      // Missing profile: drop at this point.
      out.push_back("counter drop " + CommentStatement("missing profile " + id));
      return out;
    }
    out.push_back("jump " + ProfileChainName(id, inbound));
    out.push_back(Allowed());
  }
  out.push_back("counter drop " + CommentStatement("no policy or profile allowed"));
  return out;
}

std::vector<std::string> UntrackedPolicyList(const DesiredState& s, const calc::EndpointPolicy& p,
                                             bool inbound) {
  std::vector<std::string> out = {fmt::format("meta mark set meta mark & {}", kClearBothMarks)};
  AddTiers(out, s, p.untracked_tiers, inbound,
           fmt::format("meta mark & {} == {} notrack accept", kAcceptMark, kAcceptMark), "");
  return out;
}

std::string AcceptWhenAccepted() {
  return fmt::format("meta mark & {} == {} accept", kAcceptMark, kAcceptMark);
}

std::vector<std::string> PreDnatPolicyList(const DesiredState& s, const calc::EndpointPolicy& p) {
  std::vector<std::string> out = {fmt::format("meta mark set meta mark & {}", kClearBothMarks)};
  // An allow keeps the ACCEPT bit: the filter input hook accepts on it and
  // the forward hook skips the arriving endpoint's normal policy.
  AddTiers(out, s, p.pre_dnat_tiers, true, AcceptWhenAccepted(), "");
  return out;
}

std::vector<std::string> ForwardPolicyList(const DesiredState& s, const calc::EndpointPolicy& p,
                                           bool inbound) {
  std::vector<std::string> out = {fmt::format("meta mark set meta mark & {}", kClearBothMarks)};
  AddTiers(out, s, p.tiers, inbound, Allowed(),
           fmt::format("meta mark & {} == 0 counter drop", kPassMark), /*forward=*/true);
  out.push_back("counter drop " + CommentStatement("no apply-on-forward policy allowed"));
  return out;
}

std::vector<std::string> FailsafeRules(const calc::DataplaneConfig& c, bool inbound, bool raw) {
  std::vector<std::string> out;
  // (ports, port field, peer address field)
  auto add = [&](const std::vector<config::FailsafePort>& ports, const char* port_field,
                 const char* peer_field) {
    for (const auto& fp : ports) {
      std::string peer;
      if (!fp.net.empty()) {
        auto cidr = model::ParseCidr(fp.net, 0);
        if (!cidr) continue;  // config validated it; never widen
        peer = fmt::format("{} {} {} ", cidr->addr.family == 4 ? "ip" : "ip6", peer_field,
                           NftCidr(*cidr));
      }
      out.push_back(fmt::format("{}{} {} {} counter accept {}", peer, config::ToString(fp.protocol),
                                port_field, fp.port,
                                CommentStatement("failsafe " + fp.ToString())));
    }
  };
  const char* peer = inbound ? "saddr" : "daddr";
  add(inbound ? c.failsafe_inbound : c.failsafe_outbound, "dport", peer);
  // Raw: replies of the other direction's failsafe flows, by source port.
  if (raw) add(inbound ? c.failsafe_outbound : c.failsafe_inbound, "sport", peer);
  return out;
}

}  // namespace felix::rules
