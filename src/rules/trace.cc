// Trace (trace.h): the chain layout of render.cc walked for one packet. Each
// function below mirrors one chain or chain family there; a change to the
// layout must change both (the differential test catches a mismatch).
#include "rules/trace.h"

#include <algorithm>

#include "fmt/format.h"
#include "rules/render_parts.h"

namespace felix::rules {
namespace {

// kAllow/kDeny: the hook's final verdict. kOn: no verdict here, evaluation
// goes on. kReturned: the endpoint's policy allowed; its chain returns to
// the base chain, which goes on.
enum class V { kAllow, kDeny, kOn, kReturned };
// Which of an endpoint's policy lists: normal, untracked (raw), pre-DNAT,
// forward (apply-on-forward policies only).
enum class Stage { kTracked, kUntracked, kPreDnat, kForward };

bool Final(V v) { return v == V::kAllow || v == V::kDeny; }
enum class RuleOutcome { kNone, kAllow, kDeny, kPass };

const char* Dir(bool inbound) { return inbound ? "inbound" : "outbound"; }

std::string Ports(const std::vector<model::PortRange>& ports) {
  std::string out;
  for (const auto& p : ports) {
    if (!out.empty()) out += ",";
    out += p.IsSingle() ? std::to_string(p.lo) : fmt::format("{}:{}", p.lo, p.hi);
  }
  return out;
}

void DescribeMatch(std::string& out, const calc::RuleMatch& m, const char* neg,
                   const SetLabel& label) {
  auto add = [&](const std::string& s) { out += fmt::format(" {}{}", neg, s); };
  auto nets = [](const std::vector<model::Cidr>& v) {
    std::string s;
    for (const auto& c : v) s += (s.empty() ? "" : ",") + c.ToString();
    return "{" + s + "}";
  };
  if (m.protocol) add("proto " + *m.protocol);
  for (bool src : {true, false}) {
    const char* side = src ? "src" : "dst";
    const auto& net = src ? m.src_net : m.dst_net;
    const auto& list = src ? m.src_nets : m.dst_nets;
    const auto& ids = src ? m.src_ip_set_ids : m.dst_ip_set_ids;
    const auto& ports = src ? m.src_ports : m.dst_ports;
    if (net) add(fmt::format("{} {}", side, net->ToString()));
    if (list) add(fmt::format("{} {}", side, nets(*list)));
    for (const auto& id : ids) add(fmt::format("{} in {}", side, label ? label(id) : id));
    if (ports) add(fmt::format("{}-ports {}", side, Ports(*ports)));
  }
  if (m.icmp_type) add(fmt::format("icmp-type {}", *m.icmp_type));
  if (m.icmp_code) add(fmt::format("icmp-code {}", *m.icmp_code));
}

class Tracer {
 public:
  Tracer(const DesiredState& s, const InterfaceResolution& r, const TraceQuery& q)
      : s_(s), r_(r), q_(q), p_(q.packet), bindings_(BindHostInterfaces(s, r)) {}

  TraceResult Run() {
    const bool forward = !q_.in_iface.empty() && !q_.out_iface.empty();
    // Raw hooks: untracked policy of the arriving (prerouting) or, for
    // locally originated packets, the leaving interface (output).
    const bool raw_in = !q_.in_iface.empty();
    const V raw = Untracked(raw_in ? q_.in_iface : q_.out_iface, raw_in);
    if (raw != V::kOn) return Done(raw);
    // Prerouting before DNAT: pre-DNAT policy of the arriving interface.
    const V pre = raw_in ? PreDnat(q_.in_iface) : V::kOn;
    if (pre == V::kDeny) return Done(pre);
    const bool pre_accepted = pre == V::kAllow;
    if (forward) return Done(Forward(pre_accepted));
    // A workload's packet meets cali-wl-to-host even when "*" pre-DNAT
    // policy allowed it.
    if (HasWorkloadPrefix(s_.config, q_.in_iface)) return Done(WorkloadToHost(q_.in_iface));
    if (pre_accepted) {
      Step("the filter input hook accepts what pre-DNAT policy allowed");
      return Done(V::kAllow);
    }
    if (!q_.in_iface.empty()) return Done(Input());
    return Done(Output());
  }

 private:
  TraceResult Done(V v) { return TraceResult{v != V::kDeny, std::move(steps_)}; }
  void Step(std::string text) { steps_.push_back(std::move(text)); }

  // A `drop` of our table, as DropActionOverride rewrote it. In a raw chain
  // an accept only ends the raw hook: the filter hook still sees the packet.
  V Drop(std::string why, bool raw = false) {
    using O = config::DropActionOverride;
    const O o = s_.config.drop_action_override;
    Step(std::move(why));
    if (o == O::kLogAndDrop || o == O::kLogAndAccept) {
      Step("logged with prefix calico-drop (DropActionOverride)");
    }
    if (o == O::kDrop || o == O::kLogAndDrop) return V::kDeny;
    Step(raw ? "accepted instead (DropActionOverride); the filter hook goes on"
             : "accepted instead (DropActionOverride)");
    return raw ? V::kOn : V::kAllow;
  }

  // Which hook's host dispatch: they differ only in what "*" takes.
  enum class Hook { kFilter, kRaw, kPreDnat, kForward };
  std::optional<calc::HostEndpointId> HostEndpointOf(const std::string& iface, Hook hook) const {
    const auto it = bindings_.find(iface);
    if (it != bindings_.end()) {
      const auto& bound = p_.family == 4 ? it->second.v4 : it->second.v6;
      if (bound) return bound;  // else the family falls to the templates
    }
    return TemplateEndpointOf(s_, iface, hook != Hook::kRaw, [&](const calc::HostEndpointId& id) {
      return hook != Hook::kForward || !ForwardsLegacy(s_, s_.host_endpoints.at(id).policy);
    });
  }

  const calc::WorkloadEndpointUpdate* WorkloadOf(const std::string& iface) const {
    for (const auto& [id, ep] : s_.workload_endpoints) {
      if (ep.name == iface) return &ep;  // map order: the smallest id owns the name
    }
    return nullptr;
  }

  V Untracked(const std::string& iface, bool inbound) {
    const auto id = HostEndpointOf(iface, Hook::kRaw);
    if (!id) return V::kOn;
    const auto& ep = s_.host_endpoints.at(*id);
    if (ep.policy.untracked_tiers.empty()) return V::kOn;
    if (Failsafe(inbound, /*raw=*/true)) {
      Step("untracked: the failsafe entry ends the raw hook; the filter hook goes on");
      return V::kOn;
    }
    return List(ep.policy, inbound, Stage::kUntracked);
  }

  // cali-pre-dnat: kAllow (ACCEPT bit set, normal policy of the arriving
  // endpoint skipped), kDeny, or kOn.
  V PreDnat(const std::string& iface) {
    const auto id = HostEndpointOf(iface, Hook::kPreDnat);
    if (!id) return V::kOn;
    const auto& ep = s_.host_endpoints.at(*id);
    if (ep.policy.pre_dnat_tiers.empty()) return V::kOn;
    if (Failsafe(/*inbound=*/true, /*raw=*/false)) {
      Step("pre-DNAT: the failsafe entry ends the pre-DNAT hook; the filter hook goes on");
      return V::kOn;
    }
    return List(ep.policy, /*inbound=*/true, Stage::kPreDnat);
  }

  V Input() {
    const std::string& in = q_.in_iface;
    if (HasWorkloadPrefix(s_.config, in)) return WorkloadToHost(in);
    const V v = HostEndpoint(in, /*inbound=*/true);
    return Final(v) ? v : V::kAllow;
  }

  V Output() {
    const std::string& out = q_.out_iface;
    if (HasWorkloadPrefix(s_.config, out)) {
      Step(
          fmt::format("interface {} is a workload interface: host-to-workload traffic is not "
                      "policed",
                      out));
      return V::kAllow;
    }
    const V v = HostEndpoint(out, /*inbound=*/false);
    return Final(v) ? v : V::kAllow;
  }

  // cali-forward: the arriving host endpoint's forward chain, the
  // workloads', the leaving host endpoint's; what none drops is accepted.
  V Forward(bool pre_accepted) {
    const bool from_wl = HasWorkloadPrefix(s_.config, q_.in_iface);
    const bool to_wl = HasWorkloadPrefix(s_.config, q_.out_iface);
    if (pre_accepted) {
      Step("allowed by pre-DNAT policy: the arriving interface's forward policy is skipped");
    } else if (const V v = HostForward(q_.in_iface, true, to_wl); Final(v)) {
      return v;
    }
    if (from_wl) {
      if (const V v = Workload(q_.in_iface, /*from_workload=*/true); Final(v)) return v;
    }
    if (to_wl) {
      if (const V v = Workload(q_.out_iface, /*from_workload=*/false); Final(v)) return v;
    }
    if (const V v = HostForward(q_.out_iface, false, from_wl); Final(v)) return v;
    return V::kAllow;
  }

  // cali-fhf-/cali-thf-: the forward chain of the interface's host endpoint;
  // `workload_peer` when the packet's other interface is a workload's.
  V HostForward(const std::string& iface, bool inbound, bool workload_peer) {
    const auto id = HostEndpointOf(iface, Hook::kForward);
    if (!id && HasWorkloadPrefix(s_.config, iface)) return V::kOn;  // the workload's own
    if (!id) {
      Step(fmt::format("interface {} is not a host endpoint (IPv{}): not policed", iface,
                       p_.family));
      return V::kOn;
    }
    const calc::EndpointPolicy& policy = s_.host_endpoints.at(*id).policy;
    if (ForwardsLegacy(s_, policy)) {
      if (workload_peer) {
        Step(
            fmt::format("host endpoint {}: no policy of it sets apply_on_forward, so traffic "
                        "forwarded to or from a workload is not policed by it (v1 behaviour)",
                        id->endpoint));
        return V::kOn;
      }
      Step(
          fmt::format("host endpoint {}: no policy of it sets apply_on_forward, so its normal "
                      "policy polices forwarded traffic (v1 behaviour)",
                      id->endpoint));
      return HostEndpoint(iface, inbound);
    }
    if (HasWorkloadPrefix(s_.config, iface)) {
      Step(fmt::format("workload interface {}: forwarded traffic meets host endpoint {} (\"*\")",
                       iface, id->endpoint));
    } else {
      Step(DescribeInterface(s_, r_, iface, p_.family));
    }
    if (!HasForwardPolicy(s_, policy, inbound)) {
      Step(
          fmt::format("no apply_on_forward policy of host endpoint {} governs {} traffic: "
                      "forwarded traffic is allowed",
                      id->endpoint, Dir(inbound)));
      return V::kOn;
    }
    return List(policy, inbound, Stage::kForward);
  }

  // The fh/th chain of the interface's host endpoint; kOn when the
  // interface is not one.
  V HostEndpoint(const std::string& iface, bool inbound) {
    const auto id = HostEndpointOf(iface, Hook::kFilter);
    if (!id) {
      Step(fmt::format("interface {} is not a host endpoint (IPv{}): not policed", iface,
                       p_.family));
      return V::kOn;
    }
    Step(DescribeInterface(s_, r_, iface, p_.family));
    if (p_.proto == 58 && p_.icmp_type >= 133 && p_.icmp_type <= 136) {
      Step("ICMPv6 neighbour discovery (types 133-136) is always accepted on host endpoints");
      return V::kAllow;
    }
    if (Failsafe(inbound, /*raw=*/false)) return V::kAllow;
    return List(s_.host_endpoints.at(*id).policy, inbound, Stage::kTracked);
  }

  // cali-wl-to-host: traffic from a workload to this host.
  V WorkloadToHost(const std::string& iface) {
    const bool mld_ndp =
        p_.proto == 58 && (p_.icmp_type == 130 || p_.icmp_type == 131 || p_.icmp_type == 132 ||
                           p_.icmp_type == 133 || p_.icmp_type == 135 || p_.icmp_type == 136);
    const bool dhcp = p_.proto == 17 && ((p_.family == 4 && p_.sport == 68 && p_.dport == 67) ||
                                         (p_.family == 6 && p_.sport == 546 && p_.dport == 547));
    if (mld_ndp || dhcp || (p_.proto == 17 && p_.dport == 53)) {
      Step(fmt::format("workload {} to host: {} is always accepted", iface,
                       mld_ndp ? "ICMPv6 MLD/neighbour discovery"
                       : dhcp  ? "DHCP"
                               : "DNS (udp 53)"));
      return V::kAllow;
    }
    if (s_.config.default_endpoint_to_host_action == config::EndpointToHostAction::kDrop) {
      return Drop(fmt::format("workload {} to host: DefaultEndpointToHostAction is DROP", iface));
    }
    if (const V v = Workload(iface, /*from_workload=*/true); Final(v)) return v;
    Step("workload to host allowed by its outbound policy; DefaultEndpointToHostAction " +
         std::string(config::ToString(s_.config.default_endpoint_to_host_action)) + " accepts");
    return V::kAllow;
  }

  // cali-from-wl / cali-to-wl and the endpoint's chain.
  V Workload(const std::string& iface, bool from_workload) {
    const auto* ep = WorkloadOf(iface);
    if (!ep) return Drop(fmt::format("workload interface {} without endpoint: dropped", iface));
    Step(DescribeInterface(s_, r_, iface, p_.family));
    if (!ep->active)
      return Drop(fmt::format("workload endpoint {} is not active", ep->id.endpoint));
    // From the workload its outbound rules apply, to it its inbound ones.
    return List(ep->policy, /*inbound=*/!from_workload, Stage::kTracked);
  }

  bool Failsafe(bool inbound, bool raw) {
    const calc::DataplaneConfig& c = s_.config;
    auto check = [&](const std::vector<config::FailsafePort>& ports, bool by_dport,
                     const char* list) {
      for (const auto& fp : ports) {
        const int proto = fp.protocol == config::Protocol::kTcp ? 6 : 17;
        if (p_.proto != proto || (by_dport ? p_.dport : p_.sport) != fp.port) continue;
        if (!fp.net.empty()) {
          const auto net = model::ParseCidr(fp.net, 0);
          if (!net || !InCidr(inbound ? p_.src : p_.dst, *net)) continue;
        }
        Step(fmt::format("failsafe {} entry {}{} accepts", list, fp.ToString(),
                         by_dport ? "" : " (by source port: a reply)"));
        return true;
      }
      return false;
    };
    const char* mine = inbound ? "FailsafeInboundHostPorts" : "FailsafeOutboundHostPorts";
    const char* other = inbound ? "FailsafeOutboundHostPorts" : "FailsafeInboundHostPorts";
    if (check(inbound ? c.failsafe_inbound : c.failsafe_outbound, true, mine)) return true;
    return raw && check(inbound ? c.failsafe_outbound : c.failsafe_inbound, false, other);
  }

  RuleOutcome Rules(const std::vector<calc::Rule>& rules, const std::string& where) {
    for (size_t i = 0; i < rules.size(); ++i) {
      const calc::Rule& r = rules[i];
      if (!Matches(r, p_, s_.ip_sets)) continue;
      const std::string step =
          fmt::format("{} rule {}: {}", where, i + 1, DescribeRule(r, Label()));
      switch (r.action) {
        case model::Action::kAllow:
          Step(step);
          return RuleOutcome::kAllow;
        case model::Action::kDeny:
          Step(step);
          return RuleOutcome::kDeny;
        case model::Action::kNextTier:
          Step(step);
          return RuleOutcome::kPass;
        case model::Action::kLog:
          Step(fmt::format("{} (logged with prefix {}, goes on)", step,
                           r.log_prefix.value_or(s_.config.log_prefix)));
          break;
      }
    }
    return RuleOutcome::kNone;
  }

  SetLabel Label() const {
    return [this](const std::string& id) {
      const auto it = s_.ip_sets.find(id);
      return fmt::format("{} ({} members)", id, it == s_.ip_sets.end() ? 0 : it->second.size());
    };
  }

  // A policy list: tiers, then (tracked only) profiles. Tracked: kReturned
  // when policy allows, else a drop. Untracked and pre-DNAT: kAllow (notrack
  // accept / ACCEPT bit and accept), kDeny, or kOn at its end.
  V List(const calc::EndpointPolicy& p, bool inbound, Stage stage) {
    // Untracked and pre-DNAT: no tier-end drop, no profiles.
    const bool untracked = stage == Stage::kUntracked || stage == Stage::kPreDnat;
    const bool forward = stage == Stage::kForward;
    const char* pre = stage == Stage::kUntracked ? "untracked: "
                      : stage == Stage::kPreDnat ? "pre-DNAT: "
                      : forward                  ? "forward: "
                                                 : "";
    const auto& tiers = stage == Stage::kUntracked ? p.untracked_tiers
                        : stage == Stage::kPreDnat ? p.pre_dnat_tiers
                                                   : p.tiers;
    auto applies = [&](const calc::PolicyId& id) {
      return PolicyGoverns(s_, id, inbound) && (!forward || AppliesOnForward(s_, id));
    };
    for (const auto& tier : tiers) {
      if (std::none_of(tier.policies.begin(), tier.policies.end(), [&](const std::string& name) {
            return applies({tier.name, name});
          })) {
        Step(fmt::format("{}tier {}: no policy of it governs {} traffic{}: skipped", pre, tier.name,
                         Dir(inbound), forward ? " on forward" : " (types)"));
        continue;
      }
      bool passed = false;
      for (const auto& name : tier.policies) {
        const auto it = s_.policies.find(calc::PolicyId{tier.name, name});
        if (it == s_.policies.end() || !applies(it->first)) continue;
        const auto& rules = inbound ? it->second.inbound : it->second.outbound;
        const RuleOutcome o =
            Rules(rules, fmt::format("{}tier {} policy {} {}", pre, tier.name, name, Dir(inbound)));
        if (o == RuleOutcome::kAllow) return untracked ? V::kAllow : V::kReturned;
        if (o == RuleOutcome::kDeny) return Drop("denied by that rule", untracked);
        if (o == RuleOutcome::kPass) {
          passed = true;
          break;
        }
      }
      if (!passed && !untracked && tier.default_pass) {
        Step(fmt::format("tier {}: no policy decided; its default action passes to what follows",
                         tier.name));
      } else if (!passed && !untracked) {
        return Drop(
            fmt::format("tier {} applies but none of its policies allowed or passed the "
                        "packet: dropped at the end of the tier",
                        tier.name));
      }
    }
    if (untracked) {
      Step(fmt::format("{}no {} policy decided; normal policy goes on", pre,
                       stage == Stage::kUntracked ? "untracked" : "pre-DNAT"));
      return V::kOn;
    }
    if (forward) {
      return Drop("no apply_on_forward policy allowed the packet: the forward chain's final drop");
    }
    for (const auto& id : p.profile_ids) {
      const auto it = s_.profiles.find(id);
      if (it == s_.profiles.end()) {
        return Drop(fmt::format("profile {} is missing or invalid: dropped there", id));
      }
      const auto& rules = inbound ? it->second.inbound : it->second.outbound;
      const RuleOutcome o = Rules(rules, fmt::format("profile {} {}", id, Dir(inbound)));
      if (o == RuleOutcome::kAllow) return V::kReturned;
      if (o == RuleOutcome::kDeny) return Drop("denied by that rule");
    }
    return Drop(
        fmt::format("no policy or profile allowed the packet: the endpoint's final drop "
                    "({})",
                    Dir(inbound)));
  }

  const DesiredState& s_;
  const InterfaceResolution& r_;
  const TraceQuery& q_;
  const Packet& p_;
  const std::map<std::string, HostBinding> bindings_;
  std::vector<std::string> steps_;
};

}  // namespace

TraceResult Trace(const DesiredState& s, const InterfaceResolution& r, const TraceQuery& q) {
  return Tracer(s, r, q).Run();
}

std::string DescribeRule(const calc::Rule& r, const SetLabel& label) {
  std::string out(model::ActionName(r.action));
  if (r.ip_version) out += fmt::format(" ipv{}", *r.ip_version);
  DescribeMatch(out, r.match, "", label);
  DescribeMatch(out, r.not_match, "!", label);
  if (r.log_prefix) out += fmt::format(" log-prefix \"{}\"", *r.log_prefix);
  if (out == model::ActionName(r.action)) out += " (any packet)";
  return out;
}

std::optional<calc::HostEndpointId> HostEndpointOfInterface(const DesiredState& s,
                                                            const InterfaceResolution& r,
                                                            const std::string& iface, int family) {
  const auto bindings = BindHostInterfaces(s, r);
  const auto it = bindings.find(iface);
  if (it != bindings.end()) {
    const auto& bound = family == 4 ? it->second.v4 : it->second.v6;
    if (bound) return bound;
  }
  return TemplateEndpointOf(s, iface, true, [](const calc::HostEndpointId&) { return false; });
}

std::string DescribeInterface(const DesiredState& s, const InterfaceResolution& r,
                              const std::string& iface, int family) {
  if (HasWorkloadPrefix(s.config, iface)) {
    for (const auto& [id, ep] : s.workload_endpoints) {
      if (ep.name != iface) continue;
      return fmt::format("interface {} is workload endpoint {}/{}/{}{}", iface, id.orchestrator,
                         id.workload, id.endpoint, ep.active ? "" : " (not active: dropped)");
    }
    return fmt::format("interface {} has a workload prefix but no workload endpoint: dropped",
                       iface);
  }
  const auto id = HostEndpointOfInterface(s, r, iface, family);
  if (!id)
    return fmt::format("interface {} is not a host endpoint for IPv{}: not policed", iface, family);
  const auto& ep = s.host_endpoints.at(*id);
  const std::string how = !ep.name          ? fmt::format("by expected IPv{} address", family)
                          : *ep.name == "*" ? "\"*\": every host interface"
                          : ep.name->ends_with('*') ? "by template " + *ep.name
                                                    : "by name";
  return fmt::format("interface {} is host endpoint {} ({})", iface, id->endpoint, how);
}

}  // namespace felix::rules
