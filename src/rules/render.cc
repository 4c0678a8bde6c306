// Render: DesiredState + InterfaceResolution -> the whole `inet calico` Table.
//
// Verdict protocol (marks, as Felix 1.x; bits in match.h):
//   policy/profile chain rule: allow  -> set ACCEPT bit, return
//                              deny   -> drop
//                              next-tier (policy)  -> set PASS bit, return
//                              next-tier (profile) -> return
//                              log    -> rate-limited log, continue
//   endpoint chain: conntrack, failsafe, MAC check, then `goto` its shared
//   policy list (policy_lists.h), where after each policy/profile jump
//   "ACCEPT bit set" clears both bits and returns: a list returns (to the
//   dispatching base chain) only when policy allowed the packet, otherwise
//   it drops.
//   Within a tier, later policies run only while PASS is clear; at the end of
//   a tier, PASS clear -> drop. Dispatch chains reach endpoint chains with
//   `goto` from a verdict map, so the endpoint chain's return lands in the
//   base chain, which then accepts (policy accept) or runs the next check.
//
// Chain layout (filter priority 0 unless noted; P = each InterfacePrefix):
//   cali-input:   [ACCEPT bit (untracked or pre-DNAT allow) -> accept]
//                 iifname "P*" goto cali-wl-to-host
//                 jump cali-from-host                 (miss: accept)
//   cali-wl-to-host: conntrack; ICMPv6 NDP/MLD, DHCP, DNS accept;
//                 DROP: drop | RETURN/ACCEPT: jump cali-from-wl; accept
//   cali-output:  [untracked accept]; oifname "P*" accept (host->workload is
//                 not policed, spec §14); jump cali-to-host
//   cali-forward: [untracked accept]; no ACCEPT bit (pre-DNAT allow) ->
//                 jump cali-from-host-fwd; iifname "P*" jump cali-from-wl;
//                 oifname "P*" jump cali-to-wl; jump cali-to-host-fwd
//   cali-from-host-fwd / cali-to-host-fwd: to / from "P*" goto the -wl
//                 variant (vmap @cali-fhw-map / @cali-thw-map), else vmap
//                 @cali-fhf-map / @cali-thf-map (miss: return). A v1 endpoint
//                 (rules::ForwardsLegacy) is in the fhf/thf maps only, going
//                 to its cali-fh-/cali-th- chain; a modern one is in both,
//                 going to cali-fhf-/cali-thf-<ep> (conntrack, then its
//                 forward list: apply-on-forward policies only, final drop),
//                 and only for a direction some such policy governs.
//   cali-from-wl: iifname vmap @cali-fw-map -> goto cali-fw-<if>; drop
//   cali-to-wl:   oifname vmap @cali-tw-map -> goto cali-tw-<if>; drop
//   cali-from-host / cali-to-host: iifname/oifname vmap @cali-fh-map /
//                 @cali-th-map -> goto cali-fh-<ep> (miss: return)
//   cali-pre-dnat (prerouting, -150, before DNAT): established accept;
//                 ACCEPT bit -> accept; iifname vmap @cali-fhp-map ->
//                 goto cali-fhp-<ep> (failsafe, then the pre-DNAT list:
//                 allow = ACCEPT bit + accept, deny = drop, undecided =
//                 return); host endpoints with pre-DNAT policy only;
//                 no rules while none has any (no per-packet cost)
//   cali-raw-prerouting / cali-raw-output (raw, -300): clear our bits;
//                 jump cali-from-host-raw / cali-to-host-raw (vmaps
//                 @cali-fhr-map / @cali-thr-map, host endpoints with
//                 untracked policy only)
// Host endpoints: by name -> both families; by expected IPs -> the
// resolution's interfaces per family. An interface whose two families go to
// different endpoints (or only one) maps to a split chain cali-fhs-<if>:
// `meta nfproto ipv4 goto cali-fh-<A>` / `meta nfproto ipv6 goto …`; a family
// without endpoint falls through (untouched). A name wins over IP
// resolution; among equals the smallest endpoint id wins. Interfaces with a
// workload prefix are never host endpoints.
// DefaultEndpointToHostAction RETURN and ACCEPT both accept in our table
// after the workload's outbound policy: "return to the host's other rules"
// is what accepting in our own table means.
#include <optional>

#include "fmt/format.h"
#include "rules/endpoint_chains.h"
#include "rules/match.h"
#include "rules/names.h"
#include "rules/policy_lists.h"
#include "rules/render_parts.h"
#include "rules/rules.h"

namespace felix::rules {
namespace {

const std::string kUntrackedAccept =
    fmt::format("meta mark & {} == {} ct state untracked accept", kAcceptMark, kAcceptMark);

Chain BaseChain(const std::string& hook, int priority, std::vector<std::string> rules) {
  return Chain{Hook{"filter", hook, priority, "accept"}, std::move(rules)};
}

Set VerdictMap() { return Set{"ifname", "verdict", {}, {}}; }

// Interval-set elements of one family, with elements covered by another
// element dropped (nft rejects overlapping intervals).
std::map<std::string, std::string> SetElements(const std::set<model::Cidr>& members, int f) {
  using U = unsigned __int128;
  std::vector<std::pair<U, U>> ranges;  // [lo, hi], with the member
  std::map<std::pair<U, U>, std::string> text;
  const int bits = f == 4 ? 32 : 128;
  for (const auto& c : members) {
    if (c.addr.family != f) continue;
    U v = 0;
    for (int i = 0; i < bits / 8; ++i) v = (v << 8) | c.addr.bytes[i];
    const int host = bits - c.prefix;
    U span = host >= 128 ? ~U(0) : (U(1) << host) - 1;
    U lo = v & ~span;
    ranges.push_back({lo, lo | span});
    text[{lo, lo | span}] = NftCidr(c);
  }
  std::sort(ranges.begin(), ranges.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : a.second > b.second;
  });
  std::map<std::string, std::string> out;
  std::optional<U> covered;  // highest address covered so far
  for (const auto& r : ranges) {
    if (covered && r.first <= *covered) continue;
    out[text[r]] = "";
    covered = r.second;
  }
  return out;
}

// Fills host dispatch map `cali-<kind>-map` (kind "fh", "th", "fhr", ...)
// for the bindings: per family, an interface goes to `targets`' chain of its
// endpoint; with template rules `tmpl` (the chain's, after the map), a bound
// endpoint without a chain here returns (no template takes its interface)
// and a family bound to no endpoint goes on to `tmpl`. Records the split
// chains it adds in `added`.
void AddHostDispatch(Table& t, const std::map<std::string, HostBinding>& bindings,
                     const std::string& kind,
                     const std::map<calc::HostEndpointId, std::string>& targets,
                     const std::vector<std::string>& tmpl, std::set<std::string>& added) {
  Set& map = t.sets["cali-" + kind + "-map"];
  // nullopt: nothing here for the family (the templates', if any).
  auto verdict = [&](const std::optional<calc::HostEndpointId>& id) -> std::optional<std::string> {
    if (!id) return std::nullopt;
    const auto it = targets.find(*id);
    if (it != targets.end()) return "goto " + it->second;
    if (!tmpl.empty()) return std::string("return");
    return std::nullopt;
  };
  for (const auto& [iface, hb] : bindings) {
    const auto v4 = verdict(hb.v4), v6 = verdict(hb.v6);
    if (!v4 && !v6) continue;
    if (v4 == v6) {
      map.elements[QuoteIface(iface)] = *v4;
      continue;
    }
    const std::string split = SplitChainName(kind + "s", iface);
    Chain& c = t.chains[split];
    added.insert(split);
    if (v4) c.rules.push_back("meta nfproto ipv4 " + *v4);
    if (v6) c.rules.push_back("meta nfproto ipv6 " + *v6);
    if (!v4 || !v6) c.rules.insert(c.rules.end(), tmpl.begin(), tmpl.end());
    map.elements[QuoteIface(iface)] = "goto " + split;
  }
}

// A host dispatch chain: its verdict map (`cali-<map>-map`), the field it
// dispatches by, whether the "*" endpoint's catch-all ends it, and for the
// forward chains the -wl variant that traffic with a workload peer goes to
// first (there "*" takes workload interfaces only when it is not v1).
struct HostDispatch {
  const char* map;
  const char* chain;
  const char* field;
  bool star;
  const char* wl_chain = nullptr;
  bool forward = false;
};
constexpr HostDispatch kHostDispatch[] = {
    {"fh", "cali-from-host", "iifname", true},
    {"th", "cali-to-host", "oifname", true},
    {"fhr", "cali-from-host-raw", "iifname", false},  // "*" has no untracked policy
    {"thr", "cali-to-host-raw", "oifname", false},
    {"fhp", "cali-from-host-pre-dnat", "iifname", true},
    {"fhf", "cali-from-host-fwd", "iifname", true, "cali-from-host-fwd-wl", true},
    {"thf", "cali-to-host-fwd", "oifname", true, "cali-to-host-fwd-wl", true},
    {"fhw", "cali-from-host-fwd-wl", "iifname", true, nullptr, true},
    {"thw", "cali-to-host-fwd-wl", "oifname", true, nullptr, true},
};

// A dispatch chain's rules before its template rules: the -wl variant for a
// workload peer (the other field), then the verdict map.
std::vector<std::string> DispatchBase(const calc::DataplaneConfig& c, const HostDispatch& d) {
  std::vector<std::string> out;
  if (d.wl_chain) {
    const char* peer = std::string_view(d.field) == "iifname" ? "oifname" : "iifname";
    for (const auto& p : c.interface_prefixes) {
      out.push_back(fmt::format("{} {} goto {}", peer, QuoteIface(p, true), d.wl_chain));
    }
  }
  out.push_back(fmt::format("{} vmap @cali-{}-map", d.field, d.map));
  return out;
}

}  // namespace

bool HasWorkloadPrefix(const calc::DataplaneConfig& c, const std::string& iface) {
  for (const auto& p : c.interface_prefixes) {
    if (iface.starts_with(p)) return true;
  }
  return false;
}

std::map<std::string, HostBinding> BindHostInterfaces(const DesiredState& s,
                                                      const InterfaceResolution& r) {
  std::map<std::string, HostBinding> b;
  for (const auto& [id, ep] : s.host_endpoints) {
    if (!ep.name || HasWorkloadPrefix(s.config, *ep.name) || model::IsInterfaceTemplate(*ep.name)) {
      continue;
    }
    auto& hb = b[*ep.name];
    if (!hb.v4) hb.v4 = hb.v6 = id;
  }
  auto by_ip = [&](const auto& ifaces, bool v4) {
    for (const auto& [id, names] : ifaces) {
      auto it = s.host_endpoints.find(id);
      if (it == s.host_endpoints.end() || it->second.name) continue;
      for (const auto& n : names) {
        if (HasWorkloadPrefix(s.config, n)) continue;
        auto& slot = v4 ? b[n].v4 : b[n].v6;
        if (!slot) slot = id;
      }
    }
  };
  by_ip(r.v4_ifaces, true);
  by_ip(r.v6_ifaces, false);
  return b;
}

void AddBaseChains(Table& t, const calc::DataplaneConfig& c) {
  // Input accepts whatever untracked or pre-DNAT policy allowed (the ACCEPT
  // bit); output and forward only what untracked policy allowed.
  // Forward: the arriving host endpoint's forward chain (skipped when
  // pre-DNAT policy allowed: the ACCEPT bit), the workloads', the leaving
  // host endpoint's; what none of them drops is accepted.
  std::vector<std::string> input,
      output = {kUntrackedAccept},
      forward = {kUntrackedAccept,
                 fmt::format("meta mark & {} == 0 jump cali-from-host-fwd", kAcceptMark)};
  for (const auto& p : c.interface_prefixes) {
    input.push_back(fmt::format("iifname {} goto cali-wl-to-host", QuoteIface(p, true)));
    output.push_back(fmt::format("oifname {} accept", QuoteIface(p, true)));
    forward.push_back(fmt::format("iifname {} jump cali-from-wl", QuoteIface(p, true)));
    forward.push_back(fmt::format("oifname {} jump cali-to-wl", QuoteIface(p, true)));
  }
  // After the workloads' goto: a "*" pre-DNAT allow of a workload's packet
  // still meets cali-wl-to-host, as in Felix's INPUT chain.
  input.push_back(AcceptWhenAccepted());
  input.push_back("jump cali-from-host");
  output.push_back("jump cali-to-host");
  forward.push_back("jump cali-to-host-fwd");
  t.chains["cali-input"] = BaseChain("input", 0, input);
  t.chains["cali-output"] = BaseChain("output", 0, output);
  t.chains["cali-forward"] = BaseChain("forward", 0, forward);
  const std::string clear =
      fmt::format("meta mark & 0x03000000 != 0 meta mark set meta mark & {}", kClearBothMarks);
  t.chains["cali-raw-prerouting"] =
      BaseChain("prerouting", -300, {clear, "jump cali-from-host-raw"});
  t.chains["cali-raw-output"] = BaseChain("output", -300, {clear, "jump cali-to-host-raw"});

  std::vector<std::string> wl_to_host = {"ct state established,related accept",
                                         "ct state invalid drop",
                                         "icmpv6 type { 130, 131, 132, 133, 135, 136 } accept",
                                         "meta nfproto ipv4 udp sport 68 udp dport 67 accept",
                                         "meta nfproto ipv6 udp sport 546 udp dport 547 accept",
                                         "udp dport 53 accept"};
  if (c.default_endpoint_to_host_action == config::EndpointToHostAction::kDrop) {
    wl_to_host.push_back("drop");
  } else {
    wl_to_host.push_back("jump cali-from-wl");
    wl_to_host.push_back("accept");
  }
  t.chains["cali-wl-to-host"] = Chain{std::nullopt, wl_to_host};
  t.chains["cali-from-wl"] = Chain{std::nullopt, {"iifname vmap @cali-fw-map", "drop"}};
  t.chains["cali-to-wl"] = Chain{std::nullopt, {"oifname vmap @cali-tw-map", "drop"}};
  for (const char* kind :
       {"fw", "tw", "fh", "th", "fhr", "thr", "fhp", "fhf", "thf", "fhw", "thw"}) {
    t.sets[fmt::format("cali-{}-map", kind)] = VerdictMap();
  }
  t.chains["cali-failsafe-in"] = Chain{std::nullopt, FailsafeRules(c, true, false)};
  t.chains["cali-failsafe-out"] = Chain{std::nullopt, FailsafeRules(c, false, false)};
  t.chains["cali-failsafe-in-raw"] = Chain{std::nullopt, FailsafeRules(c, true, true)};
  t.chains["cali-failsafe-out-raw"] = Chain{std::nullopt, FailsafeRules(c, false, true)};
}

namespace {

Chain RuleListChain(const std::vector<calc::Rule>& rules, bool in_profile,
                    const std::string& log_prefix, const std::string& label) {
  Chain c;
  for (size_t i = 0; i < rules.size(); ++i) {
    const std::string comment = fmt::format("{} rule {}", label, i + 1);
    for (auto& text : RenderRule(rules[i], in_profile, log_prefix, comment)) {
      c.rules.push_back(std::move(text));
    }
  }
  return c;
}

}  // namespace

Chain PolicyChain(const calc::PolicyId& id, const std::vector<calc::Rule>& rules, bool inbound,
                  const std::string& log_prefix) {
  return RuleListChain(
      rules, false, log_prefix,
      fmt::format("policy {}/{} {}", id.tier, id.name, inbound ? "inbound" : "outbound"));
}

Chain ProfileChain(const std::string& id, const std::vector<calc::Rule>& rules, bool inbound,
                   const std::string& log_prefix) {
  return RuleListChain(rules, true, log_prefix,
                       fmt::format("profile {} {}", id, inbound ? "inbound" : "outbound"));
}

// One family's nft set for an IP set. When every member is a single address
// the set is a plain hash set: nft then adds or deletes one element without
// reading the whole set back (an interval set costs ~25 ms per change at 10k
// elements on nft 1.0.6, a plain one ~1 ms). Any CIDR member makes it an
// interval set, with covered elements dropped.
Set IpSetFor(const std::set<model::Cidr>& members, int f) {
  const int bits = f == 4 ? 32 : 128;
  bool all_single = true;
  for (const auto& c : members) {
    if (c.addr.family == f && c.prefix != bits) all_single = false;
  }
  const std::string type = f == 4 ? "ipv4_addr" : "ipv6_addr";
  if (!all_single) return Set{type, std::nullopt, {"interval"}, SetElements(members, f)};
  std::map<std::string, std::string> elements;
  for (const auto& c : members) {
    if (c.addr.family == f) elements.emplace(NftCidr(c), "");
  }
  return Set{type, std::nullopt, {}, std::move(elements)};
}

void AddWorkloadIface(Table& t, const DesiredState& s, const calc::WorkloadEndpointUpdate& ep,
                      PolicyLists& lists) {
  const std::string fw = WorkloadChainName("fw", ep.name), tw = WorkloadChainName("tw", ep.name);
  if (ep.active) {
    // From the workload: its outbound rules; to it: its inbound rules.
    const std::string out = lists.Render(s, ep.policy, ListKind::kTrackedOut);
    const std::string in = lists.Render(s, ep.policy, ListKind::kTrackedIn);
    t.chains[fw] = Chain{std::nullopt, TrackedEndpointRules(std::nullopt, ep.mac, out)};
    t.chains[tw] = Chain{std::nullopt, TrackedEndpointRules(std::nullopt, std::nullopt, in)};
    lists.Use(t, fw, out);
    lists.Use(t, tw, in);
  } else {
    t.chains[fw] = Chain{std::nullopt, {"drop"}};
    t.chains[tw] = Chain{std::nullopt, {"drop"}};
    lists.Release(t, fw);
    lists.Release(t, tw);
  }
  t.sets.at("cali-fw-map").elements[QuoteIface(ep.name)] = "goto " + fw;
  t.sets.at("cali-tw-map").elements[QuoteIface(ep.name)] = "goto " + tw;
}

std::set<std::string> AddHostSection(Table& t, const DesiredState& s, const InterfaceResolution& r,
                                     PolicyLists& lists, const ReusedChain& reused) {
  std::set<std::string> added;
  // One endpoint chain: kept as it is when `reused` says so, else rendered
  // to end in the endpoint's list of `kind`.
  auto put = [&](const calc::HostEndpointId& id, const std::string& name, ListKind kind) {
    added.insert(name);
    if (reused && reused(id, name)) return;
    const auto& ep = s.host_endpoints.at(id);
    const std::string list = lists.Render(s, ep.policy, kind);
    const bool raw = kind == ListKind::kUntrackedIn || kind == ListKind::kUntrackedOut;
    const std::string failsafe =
        fmt::format("cali-failsafe-{}{}", IsInbound(kind) ? "in" : "out", raw ? "-raw" : "");
    // Tracked and pre-DNAT chains come after conntrack: failsafe, then the
    // list. Forward chains have no failsafe (Calico's neither).
    t.chains[name] =
        Chain{std::nullopt, IsForward(kind)   ? TrackedEndpointRules({}, {}, list)
                            : IsTracked(kind) ? TrackedEndpointRules(failsafe, {}, list)
                                              : UntrackedEndpointRules(failsafe, list)};
    lists.Use(t, name, list);
  };
  auto bindings = BindHostInterfaces(s, r);
  const std::vector<HostTemplate> templates = HostTemplates(s);
  std::set<calc::HostEndpointId> all;
  for (const auto& tmpl : templates) all.insert(tmpl.id);
  // Per dispatch map: endpoint -> the chain its interfaces go to.
  std::map<std::string, std::map<calc::HostEndpointId, std::string>> targets;
  auto target = [&](const std::string& map, const calc::HostEndpointId& id,
                    const std::string& kind) { targets[map][id] = HostChainName(kind, id); };
  for (const auto& [iface, hb] : bindings) {
    for (const auto& id : {hb.v4, hb.v6}) {
      if (id) all.insert(*id);
    }
  }
  for (const auto& id : all) {
    put(id, HostChainName("fh", id), ListKind::kTrackedIn);
    put(id, HostChainName("th", id), ListKind::kTrackedOut);
    target("fh", id, "fh");
    target("th", id, "th");
    const calc::EndpointPolicy& policy = s.host_endpoints.at(id).policy;
    const ForwardMode& forward = lists.Forward(s, id, policy);
    if (forward.legacy) {
      // v1: host-to-host forwarding meets the normal chains; traffic to or
      // from workloads is not in the fhw/thw maps.
      target("fhf", id, "fh");
      target("thf", id, "th");
    } else {
      for (bool in : {true, false}) {
        if (!(in ? forward.inbound : forward.outbound)) continue;  // forwarding allowed
        const char* kind = in ? "fhf" : "thf";
        put(id, HostChainName(kind, id), in ? ListKind::kForwardIn : ListKind::kForwardOut);
        target(kind, id, kind);
        target(in ? "fhw" : "thw", id, kind);
      }
    }
    if (!policy.pre_dnat_tiers.empty()) {
      put(id, HostChainName("fhp", id), ListKind::kPreDnatIn);
      target("fhp", id, "fhp");
    }
    const auto& name = s.host_endpoints.at(id).name;
    if (policy.untracked_tiers.empty() || (name && *name == "*")) continue;  // as Calico
    put(id, HostChainName("fhr", id), ListKind::kUntrackedIn);
    put(id, HostChainName("thr", id), ListKind::kUntrackedOut);
    target("fhr", id, "fhr");
    target("thr", id, "thr");
  }
  // "*" takes workload interfaces in pre-DNAT and in a modern forward
  // chain (Calico's catch-all), never in a v1 one (in fh/th none arrive).
  for (const auto& d : kHostDispatch) {
    const auto star_takes_workloads = [&](const calc::HostEndpointId& id) {
      return !d.forward || !lists.Forward(s, id, s.host_endpoints.at(id).policy).legacy;
    };
    const auto& tg = targets[d.map];
    std::vector<std::string> tmpl =
        TemplateDispatchRules(s, templates, d.field, tg, d.star, star_takes_workloads);
    AddHostDispatch(t, bindings, d.map, tg, tmpl, added);
    std::vector<std::string> rules = DispatchBase(s.config, d);
    rules.insert(rules.end(), tmpl.begin(), tmpl.end());
    t.chains[d.chain] = Chain{std::nullopt, std::move(rules)};
    added.insert(d.chain);
  }
  // Pre-DNAT policy: after conntrack, before DNAT (nat prerouting is -100);
  // no rules while no endpoint has any.
  std::vector<std::string> pre_dnat;
  if (!targets["fhp"].empty()) {
    pre_dnat = {"ct state established,related accept", AcceptWhenAccepted(),
                "jump cali-from-host-pre-dnat"};
  }
  t.chains["cali-pre-dnat"] = BaseChain("prerouting", -150, std::move(pre_dnat));
  added.insert("cali-pre-dnat");
  return added;
}

bool AppliesOnForward(const DesiredState& s, const calc::PolicyId& id) {
  const auto it = s.policies.find(id);
  return it != s.policies.end() && it->second.apply_on_forward.value_or(false);
}

bool HasForwardPolicy(const DesiredState& s, const calc::EndpointPolicy& p, bool inbound) {
  for (const auto& tier : p.tiers) {
    for (const auto& name : tier.policies) {
      const calc::PolicyId id{tier.name, name};
      if (AppliesOnForward(s, id) && PolicyGoverns(s, id, inbound)) return true;
    }
  }
  return false;
}

bool ForwardsLegacy(const DesiredState& s, const calc::EndpointPolicy& p) {
  for (const auto& tier : p.tiers) {
    for (const auto& name : tier.policies) {
      const auto it = s.policies.find({tier.name, name});
      if (it != s.policies.end() && it->second.apply_on_forward) return false;
    }
  }
  return true;
}

bool PolicyGoverns(const DesiredState& s, const calc::PolicyId& id, bool inbound) {
  const auto it = s.policies.find(id);
  if (it == s.policies.end()) return true;
  return inbound ? it->second.governs_inbound : it->second.governs_outbound;
}

std::vector<std::string> PolicyChainsOf(const calc::EndpointPolicy& p) {
  std::vector<std::string> out;
  for (const auto* tiers : {&p.tiers, &p.untracked_tiers, &p.pre_dnat_tiers}) {
    for (const auto& t : *tiers) {
      for (const auto& name : t.policies) {
        for (bool in : {true, false}) out.push_back(PolicyChainName({t.name, name}, in));
      }
    }
  }
  for (const auto& id : p.profile_ids) {
    for (bool in : {true, false}) out.push_back(ProfileChainName(id, in));
  }
  return out;
}

Table Render(const DesiredState& s, const InterfaceResolution& r) {
  PolicyLists lists;
  return RenderTable(s, r, lists, nullptr);
}

Table RenderTable(const DesiredState& s, const InterfaceResolution& r, PolicyLists& lists,
                  std::set<std::string>* host_chains) {
  Table t;
  AddBaseChains(t, s.config);
  for (const auto& [id, members] : s.ip_sets) {
    for (int f : {4, 6}) {
      t.sets[IpSetName(id, f)] = IpSetFor(members, f);
    }
  }
  for (const auto& [id, p] : s.policies) {
    t.chains[PolicyChainName(id, true)] = PolicyChain(id, p.inbound, true, s.config.log_prefix);
    t.chains[PolicyChainName(id, false)] = PolicyChain(id, p.outbound, false, s.config.log_prefix);
  }
  for (const auto& [id, p] : s.profiles) {
    t.chains[ProfileChainName(id, true)] = ProfileChain(id, p.inbound, true, s.config.log_prefix);
    t.chains[ProfileChainName(id, false)] =
        ProfileChain(id, p.outbound, false, s.config.log_prefix);
  }
  // Workload endpoints, by interface (the smallest id wins a shared name).
  std::set<std::string> wl_ifaces;
  for (const auto& [id, ep] : s.workload_endpoints) {
    if (wl_ifaces.insert(ep.name).second) AddWorkloadIface(t, s, ep, lists);
  }
  std::set<std::string> host = AddHostSection(t, s, r, lists, nullptr);
  if (host_chains) *host_chains = std::move(host);
  lists.ForgetRenders();
  for (auto& [name, chain] : t.chains) OverrideDrops(chain.rules, s.config.drop_action_override);
  return t;
}

}  // namespace felix::rules
