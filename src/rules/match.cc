// calc::Rule -> nft match and verdict text (see match.h). Field order in a
// rendered rule: family, protocol, source (nets, lists, sets; positive then
// negated), destination (same), source ports, destination ports, ICMP.
//
// Decisions (DESIGN §2, spec §9/§13):
// - a CIDR of the other family skips a positive match for that family (never
//   widens); a negated CIDR of the other family is trivially true (omitted);
// - ICMP type/code render with protocol icmp/1 (v4) or icmpv6/58 (v6); with
//   another protocol a positive match never holds (rule skipped) and a
//   negated one always holds (omitted); with no protocol they match the ICMP
//   of the packet's family, and a negated one alone also any non-ICMP packet;
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

// "icmp" or "icmpv6" for every spelling of the two protocols Felix accepts
// (name, number, numeric string); "" for any other protocol.
std::string IcmpKind(const std::string& proto) {
  if (proto == "icmp" || proto == "1") return "icmp";
  if (proto == "icmpv6" || proto == "58") return "icmpv6";
  return "";
}

// The ICMP fields for ICMP kind k ("icmp" or "icmpv6") appended to `alts`.
Alternatives IcmpFields(Alternatives alts, const calc::Rule& r, const std::string& k) {
  const auto& pos = r.match;
  const auto& neg = r.not_match;
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
    return out;
  }
  if (neg.icmp_type) AddAll(alts, fmt::format("{} type != {}", k, *neg.icmp_type));
  if (neg.icmp_code) AddAll(alts, fmt::format("{} code != {}", k, *neg.icmp_code));
  return alts;
}

// ICMP matches for family f (0 = both); false when the rule cannot match.
bool AddIcmp(Alternatives& alts, const calc::Rule& r, int f) {
  const auto& pos = r.match;
  const auto& neg = r.not_match;
  const bool positive = pos.icmp_type || pos.icmp_code;
  if (!positive && !neg.icmp_type && !neg.icmp_code) return true;
  if (r.match.protocol) {
    const std::string k = IcmpKind(*r.match.protocol);
    // Another protocol: a positive ICMP match never holds, a negated one
    // always does.
    if (k.empty()) return !positive;
    alts = IcmpFields(std::move(alts), r, k);
    return true;
  }
  // No protocol: the fields are about the ICMP of the packet's family (as
  // Felix's per-family chains read them), so a deny of `icmp_type 8` still
  // denies pings. Negated alone, any packet that is not ICMP also matches.
  Alternatives out;
  for (const auto& [k, fam] : {std::pair<std::string, int>{"icmp", 4}, {"icmpv6", 6}}) {
    if (f != 0 && f != fam) continue;
    Alternatives with_proto = alts;
    AddAll(with_proto, "meta l4proto " + NftProtocol(k));
    for (auto& a : IcmpFields(std::move(with_proto), r, k)) out.push_back(std::move(a));
  }
  if (!positive) {
    Alternatives other = alts;
    AddAll(other, f == 4   ? "meta l4proto != icmp"
                  : f == 6 ? "meta l4proto != ipv6-icmp"
                           : "meta l4proto != { icmp, ipv6-icmp }");
    for (auto& a : other) out.push_back(std::move(a));
  }
  alts = std::move(out);
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
  if (!AddIcmp(alts, r, f)) return {};
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

std::string CommentStatement(std::string_view text) {
  std::string body(text.substr(0, 200));
  for (char& c : body) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u > 0x7e || c == '"' || c == '\\') c = '_';
  }
  return fmt::format("comment \"{}\"", body);
}

std::vector<std::string> RenderRule(const calc::Rule& r, bool in_profile,
                                    const std::string& log_prefix, const std::string& comment) {
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
      verdict = LogStatement(r.log_prefix.value_or(log_prefix));
      break;
  }
  const bool extra_log = r.log_prefix && r.action != model::Action::kLog;
  const std::string post = comment.empty() ? "" : " " + CommentStatement(comment);
  std::vector<std::string> out;
  for (const auto& m : RuleMatches(r)) {
    const std::string pre = m.empty() ? "" : m + " ";
    if (extra_log) out.push_back(pre + LogStatement(*r.log_prefix));
    std::string rule = pre;
    rule.append("counter ").append(verdict).append(post);
    out.push_back(std::move(rule));
  }
  return out;
}

}  // namespace felix::rules

namespace felix::rules {

void OverrideDrops(std::vector<std::string>& rules, config::DropActionOverride o) {
  using O = config::DropActionOverride;
  if (o == O::kDrop) return;
  const bool log = o == O::kLogAndDrop || o == O::kLogAndAccept;
  const bool accept = o == O::kAccept || o == O::kLogAndAccept;
  std::vector<std::string> out;
  out.reserve(rules.size());
  for (std::string& r : rules) {
    // "<match> [counter ]drop[ comment "..."]"
    std::string_view body = r, comment;
    if (const size_t c = body.find(" comment \""); c != std::string_view::npos) {
      comment = body.substr(c);
      body = body.substr(0, c);
    }
    const bool is_drop = body == "drop" || body.ends_with(" drop");
    if (!is_drop) {
      out.push_back(std::move(r));
      continue;
    }
    const std::string_view match = body.substr(0, body.size() - 4);  // "" or "<match> "
    std::string_view log_match = match;
    if (log_match == "counter " || log_match.ends_with(" counter ")) {
      log_match.remove_suffix(8);
    }
    const std::string log_rule = std::string(log_match) + LogStatement("calico-drop");
    // Already overridden (a chain flushed again): the log rule is there.
    if (log && (out.empty() || out.back() != log_rule)) out.push_back(log_rule);
    if (accept) {
      out.push_back(std::string(match) + "accept" + std::string(comment));
    } else {
      out.push_back(std::move(r));
    }
  }
  rules = std::move(out);
}

}  // namespace felix::rules
