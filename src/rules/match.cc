// calc::Rule -> nft match and verdict text (see match.h). Field order in a
// rendered rule: family, protocol, source (nets, lists, sets; positive then
// negated), destination (same), source ports, destination ports, ICMP.
//
// Decisions (DESIGN §2, spec §9/§13):
// - a CIDR of the other family skips a positive match for that family (never
//   widens); a negated CIDR of the other family is trivially true (omitted);
// - ICMP type/code render only with protocol icmp (v4) or icmpv6 (v6); ICMP
//   fields with another or no protocol: a positive match never holds with
//   another protocol (rule skipped), a negated one always holds (omitted);
//   with no protocol at all the rule is skipped (conservative);
// - `!icmp_type T` + `!icmp_code C` is "not (T and C)": two disjoint
//   alternatives, `type != T` and `type T code != C`;
// - ports use `<proto> dport` for a protocol name, `th dport` for a number.
#include "rules/match.h"

#include <optional>

#include "base/strings.h"
#include "fmt/format.h"
#include "rules/rules.h"

namespace felix::rules {
namespace {

using Alternatives = std::vector<std::string>;

void AddAll(Alternatives& alts, const std::string& stmt) {
  for (auto& a : alts) a += (a.empty() ? "" : " ") + stmt;
}

std::string Operand(const std::vector<std::string>& items) {
  if (items.size() == 1) return items[0];
  return "{ " + Join(items, ", ") + " }";
}

std::string NftProtocol(const std::string& p) { return p == "icmpv6" ? "ipv6-icmp" : p; }

bool HasAddresses(const calc::RuleMatch& m) {
  return m.src_net || m.dst_net || m.src_nets || m.dst_nets || !m.src_ip_set_ids.empty() ||
         !m.dst_ip_set_ids.empty();
}

// Address matches of one direction ("s" or "d") for family f. False: the rule
// cannot match in this family.
bool AddAddresses(Alternatives& alts, const calc::Rule& r, int f, bool src) {
  const std::string ip = f == 4 ? "ip" : "ip6";
  const std::string field = src ? "saddr" : "daddr";
  for (bool neg : {false, true}) {
    const calc::RuleMatch& m = neg ? r.not_match : r.match;
    const std::string op = neg ? "!= " : "";
    const auto& net = src ? m.src_net : m.dst_net;
    const auto& nets = src ? m.src_nets : m.dst_nets;
    const auto& sets = src ? m.src_ip_set_ids : m.dst_ip_set_ids;
    if (net) {
      if (net->addr.family == f) {
        AddAll(alts, fmt::format("{} {} {}{}", ip, field, op, NftCidr(*net)));
      } else if (!neg) {
        return false;
      }
    }
    if (nets) {
      std::vector<std::string> items;
      for (const auto& c : *nets) {
        if (c.addr.family == f) items.push_back(NftCidr(c));
      }
      if (!items.empty()) {
        AddAll(alts, fmt::format("{} {} {}{}", ip, field, op, Operand(items)));
      } else if (!neg) {
        return false;
      }
    }
    for (const auto& id : sets) {
      AddAll(alts, fmt::format("{} {} {}@{}", ip, field, op, IpSetName(id, f)));
    }
  }
  return true;
}

// A negated single port is written as the range N-N: nft 1.0.6 joins two
// adjacent negated matches `sport != A dport != B` into one compare of both
// ports, (sport, dport) != (A, B), which holds when either differs.
std::string PortList(const std::vector<model::PortRange>& ports, bool negated) {
  std::vector<std::string> items;
  items.reserve(ports.size());
  for (const auto& p : ports) {
    const bool as_value = p.IsSingle() && !(negated && ports.size() == 1);
    items.push_back(as_value ? std::to_string(p.lo) : fmt::format("{}-{}", p.lo, p.hi));
  }
  return Operand(items);
}

void AddPorts(Alternatives& alts, const calc::Rule& r, bool src) {
  const std::string& proto = r.match.protocol.value_or("th");
  const bool numeric = !proto.empty() && proto[0] >= '0' && proto[0] <= '9';
  const std::string key = fmt::format("{} {}", numeric ? "th" : proto, src ? "sport" : "dport");
  for (bool neg : {false, true}) {
    const auto& ports = src ? (neg ? r.not_match.src_ports : r.match.src_ports)
                            : (neg ? r.not_match.dst_ports : r.match.dst_ports);
    if (ports && !ports->empty()) {
      AddAll(alts, fmt::format("{} {}{}", key, neg ? "!= " : "", PortList(*ports, neg)));
    }
  }
}

// ICMP matches; false when the rule cannot match at all.
bool AddIcmp(Alternatives& alts, const calc::Rule& r) {
  const auto& pos = r.match;
  const auto& neg = r.not_match;
  const bool any = pos.icmp_type || pos.icmp_code || neg.icmp_type || neg.icmp_code;
  if (!any) return true;
  const std::string proto = r.match.protocol.value_or("");
  if (proto != "icmp" && proto != "icmpv6") {
    if (proto.empty()) return false;           // conservative, see top
    return !(pos.icmp_type || pos.icmp_code);  // positive never holds
  }
  const std::string& k = proto;  // "icmp" or "icmpv6"
  if (pos.icmp_type) AddAll(alts, fmt::format("{} type {}", k, *pos.icmp_type));
  if (pos.icmp_code) AddAll(alts, fmt::format("{} code {}", k, *pos.icmp_code));
  if (neg.icmp_type && neg.icmp_code) {
    Alternatives out;
    for (const auto& a : alts) {
      std::string pre = a.empty() ? "" : a + " ";
      out.push_back(fmt::format("{}{} type != {}", pre, k, *neg.icmp_type));
      out.push_back(
          fmt::format("{}{} type {} {} code != {}", pre, k, *neg.icmp_type, k, *neg.icmp_code));
    }
    alts = std::move(out);
  } else if (neg.icmp_type) {
    AddAll(alts, fmt::format("{} type != {}", k, *neg.icmp_type));
  } else if (neg.icmp_code) {
    AddAll(alts, fmt::format("{} code != {}", k, *neg.icmp_code));
  }
  return true;
}

// The alternatives for family f (0 = family-neutral).
Alternatives ForFamily(const calc::Rule& r, int f) {
  Alternatives alts{""};
  if (f != 0) AddAll(alts, f == 4 ? "meta nfproto ipv4" : "meta nfproto ipv6");
  if (r.match.protocol) {
    const std::string& p = *r.match.protocol;
    if ((p == "icmp" && f == 6) || (p == "icmpv6" && f == 4)) return {};
    AddAll(alts, "meta l4proto " + NftProtocol(p));
  }
  if (r.not_match.protocol) AddAll(alts, "meta l4proto != " + NftProtocol(*r.not_match.protocol));
  if (f != 0 && (!AddAddresses(alts, r, f, true) || !AddAddresses(alts, r, f, false))) {
    return {};
  }
  AddPorts(alts, r, true);
  AddPorts(alts, r, false);
  if (!AddIcmp(alts, r)) return {};
  return alts;
}

}  // namespace

std::string LogStatement(const std::string& prefix) {
  return fmt::format("limit rate 10/second log prefix \"{}: \" level notice", prefix);
}

std::vector<std::string> RuleMatches(const calc::Rule& r) {
  const bool per_family = r.ip_version || HasAddresses(r.match) || HasAddresses(r.not_match);
  if (!per_family) return ForFamily(r, 0);
  std::vector<std::string> out;
  for (int f : {4, 6}) {
    if (r.ip_version && *r.ip_version != f) continue;
    for (auto& a : ForFamily(r, f)) out.push_back(std::move(a));
  }
  return out;
}

std::vector<std::string> RenderRule(const calc::Rule& r, bool in_profile) {
  std::string verdict;
  switch (r.action) {
    case model::Action::kAllow:
      verdict = fmt::format("meta mark set meta mark | {} return", kAcceptMark);
      break;
    case model::Action::kDeny:
      verdict = "drop";
      break;
    case model::Action::kNextTier:
      verdict =
          in_profile ? "return" : fmt::format("meta mark set meta mark | {} return", kPassMark);
      break;
    case model::Action::kLog:
      verdict = LogStatement(r.log_prefix.value_or("calico-packet"));
      break;
  }
  const bool extra_log = r.log_prefix && r.action != model::Action::kLog;
  std::vector<std::string> out;
  for (const auto& m : RuleMatches(r)) {
    const std::string pre = m.empty() ? "" : m + " ";
    if (extra_log) out.push_back(pre + LogStatement(*r.log_prefix));
    out.push_back(pre + verdict);
  }
  return out;
}

}  // namespace felix::rules
