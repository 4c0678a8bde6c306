// CanonicalJson: the canonical etcd value text of a decoded object. JSON
// kinds print as compact JSON with sorted keys; orders print as numbers or
// "default"; raw kinds (Ready, config, bird_ip) print as their raw text.
#include <cmath>

#include <nlohmann/json.hpp>

#include "base/overloaded.h"
#include "model/model.h"

namespace felix::model {
namespace {

using nlohmann::json;

json OrderJson(const std::optional<double>& order) {
  if (!order) return "default";
  double d = *order;
  if (std::trunc(d) == d && std::fabs(d) < 9007199254740992.0) return static_cast<int64_t>(d);
  return d;
}

json CidrList(const std::vector<Cidr>& cidrs) {
  json out = json::array();
  for (const Cidr& c : cidrs) out.push_back(c.ToString());
  return out;
}

json AddrList(const std::vector<IpAddr>& addrs) {
  json out = json::array();
  for (const IpAddr& a : addrs) out.push_back(a.ToString());
  return out;
}

json PortList(const std::vector<PortRange>& ports) {
  json out = json::array();
  for (const PortRange& p : ports) {
    if (p.IsSingle()) {
      out.push_back(p.lo);
    } else {
      out.push_back(std::to_string(p.lo) + ":" + std::to_string(p.hi));
    }
  }
  return out;
}

void AddMatch(const RuleMatch& m, const std::string& pfx, json& out) {
  if (m.protocol) out[pfx + "protocol"] = *m.protocol;
  if (m.src_net) out[pfx + "src_net"] = m.src_net->ToString();
  if (m.dst_net) out[pfx + "dst_net"] = m.dst_net->ToString();
  if (m.src_nets) out[pfx + "src_nets"] = CidrList(*m.src_nets);
  if (m.dst_nets) out[pfx + "dst_nets"] = CidrList(*m.dst_nets);
  if (m.src_tag) out[pfx + "src_tag"] = *m.src_tag;
  if (m.dst_tag) out[pfx + "dst_tag"] = *m.dst_tag;
  if (m.src_selector) out[pfx + "src_selector"] = m.src_selector->canonical();
  if (m.dst_selector) out[pfx + "dst_selector"] = m.dst_selector->canonical();
  if (m.src_ports) out[pfx + "src_ports"] = PortList(*m.src_ports);
  if (m.dst_ports) out[pfx + "dst_ports"] = PortList(*m.dst_ports);
  if (m.icmp_type) out[pfx + "icmp_type"] = *m.icmp_type;
  if (m.icmp_code) out[pfx + "icmp_code"] = *m.icmp_code;
}

json RuleJson(const Rule& r) {
  json out = json::object();
  out["action"] = std::string(ActionName(r.action));
  if (r.ip_version) out["ip_version"] = *r.ip_version;
  AddMatch(r.match, "", out);
  AddMatch(r.not_match, "!", out);
  if (r.log_prefix) out["log_prefix"] = *r.log_prefix;
  return out;
}

json RulesJson(const std::vector<Rule>& rules) {
  json out = json::array();
  for (const Rule& r : rules) out.push_back(RuleJson(r));
  return out;
}

json LabelsJson(const Labels& labels) {
  json out = json::object();
  for (const auto& [k, v] : labels) out[k] = v;
  return out;
}

json NatJson(const std::vector<NatMapping>& nat) {
  json out = json::array();
  for (const NatMapping& m : nat) {
    out.push_back({{"int_ip", m.int_ip.ToString()}, {"ext_ip", m.ext_ip.ToString()}});
  }
  return out;
}

json ToJson(const HostEndpoint& e) {
  json out = {{"expected_ipv4_addrs", AddrList(e.expected_ipv4_addrs)},
              {"expected_ipv6_addrs", AddrList(e.expected_ipv6_addrs)},
              {"profile_ids", e.profile_ids},
              {"labels", LabelsJson(e.labels)}};
  if (e.name) out["name"] = *e.name;
  return out;
}

json ToJson(const WorkloadEndpoint& e) {
  json out = {{"state", e.state},
              {"name", e.name},
              {"profile_ids", e.profile_ids},
              {"ipv4_nets", CidrList(e.ipv4_nets)},
              {"ipv6_nets", CidrList(e.ipv6_nets)},
              {"labels", LabelsJson(e.labels)}};
  if (e.mac) out["mac"] = *e.mac;
  if (e.ipv4_gateway) out["ipv4_gateway"] = e.ipv4_gateway->ToString();
  if (e.ipv6_gateway) out["ipv6_gateway"] = e.ipv6_gateway->ToString();
  if (!e.ipv4_nat.empty()) out["ipv4_nat"] = NatJson(e.ipv4_nat);
  if (!e.ipv6_nat.empty()) out["ipv6_nat"] = NatJson(e.ipv6_nat);
  return out;
}

// The later fields print only when given, so a Felix 1.x policy keeps its
// canonical text.
json ToJson(const Policy& p) {
  json out = {{"selector", p.selector.canonical()},
              {"order", OrderJson(p.order)},
              {"inbound_rules", RulesJson(p.inbound)},
              {"outbound_rules", RulesJson(p.outbound)},
              {"untracked", p.untracked}};
  if (p.pre_dnat) out["pre_dnat"] = true;
  if (p.apply_on_forward) out["apply_on_forward"] = *p.apply_on_forward;
  if (!p.types.empty()) {
    json types = json::array();
    for (PolicyType t : p.types) types.push_back(t == PolicyType::kIngress ? "ingress" : "egress");
    out["types"] = types;
  }
  return out;
}

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

std::string CanonicalJson(const Value& v) {
  return std::visit(Overloaded{
                        [](const HostEndpoint& e) { return Dump(ToJson(e)); },
                        [](const WorkloadEndpoint& e) { return Dump(ToJson(e)); },
                        [](const RuleList& r) {
                          return Dump({{"inbound_rules", RulesJson(r.inbound)},
                                       {"outbound_rules", RulesJson(r.outbound)}});
                        },
                        [](const ProfileTags& t) { return Dump(json(t.tags)); },
                        [](const ProfileLabels& l) { return Dump(LabelsJson(l.labels)); },
                        [](const TierMetadata& t) {
                          json j = {{"order", OrderJson(t.order)}};
                          if (t.default_action == TierDefaultAction::kPass) {
                            j["default_action"] = "pass";
                          }
                          return Dump(j);
                        },
                        [](const Policy& p) { return Dump(ToJson(p)); },
                        [](const IpamPool& p) {
                          return Dump({{"cidr", p.cidr.ToString()}, {"masquerade", p.masquerade}});
                        },
                        [](const HostIp& h) { return h.bird_ip.ToString(); },
                        [](const ReadyFlag& r) { return r.raw; },
                        [](const ConfigValue& c) { return c.raw; },
                        [](const NetworkSet& n) {
                          return Dump({{"nets", CidrList(n.nets)},
                                       {"labels", LabelsJson(n.labels)},
                                       {"profile_ids", n.profile_ids}});
                        },
                    },
                    v);
}

}  // namespace felix::model
