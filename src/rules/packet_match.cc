// Rule matching on one packet (packet_match.h).
#include "rules/packet_match.h"

#include <charconv>

namespace felix::rules {
namespace {

bool InSet(const model::IpAddr& a, const std::set<model::Cidr>& members) {
  for (const model::Cidr& c : members) {
    if (InCidr(a, c)) return true;
  }
  return false;
}

bool InPorts(int port, const std::vector<model::PortRange>& ranges) {
  for (const auto& r : ranges) {
    if (port >= r.lo && port <= r.hi) return true;
  }
  return false;
}

// One polarity's address fields for one direction: does the address satisfy
// them? Positive: every field holds; a CIDR of another family never holds.
// Negated: no field holds; a CIDR of another family is no constraint.
bool Addresses(const model::IpAddr& a, const calc::RuleMatch& m, bool src, bool negated,
               const IpSetMembers& sets) {
  const auto& net = src ? m.src_net : m.dst_net;
  const auto& nets = src ? m.src_nets : m.dst_nets;
  const auto& ids = src ? m.src_ip_set_ids : m.dst_ip_set_ids;
  if (net && InCidr(a, *net) == negated) return false;
  if (nets) {
    bool any = false;
    for (const auto& c : *nets) any = any || InCidr(a, c);
    if (any == negated) return false;
  }
  for (const auto& id : ids) {
    const auto it = sets.find(id);
    const bool in = it != sets.end() && InSet(a, it->second);
    if (in == negated) return false;
  }
  return true;
}

// The ICMP fields: about the rule's protocol if it is ICMP, else (no
// protocol) about the packet family's ICMP.
bool Icmp(const calc::Rule& r, const Packet& p) {
  const calc::RuleMatch& pos = r.match;
  const calc::RuleMatch& neg = r.not_match;
  const bool positive = pos.icmp_type || pos.icmp_code;
  if (!positive && !neg.icmp_type && !neg.icmp_code) return true;
  int kind = 0;
  if (pos.protocol) {
    const int n = ProtocolNumber(*pos.protocol).value_or(-1);
    if (n != 1 && n != 58) return !positive;  // positive never holds, negated always
    kind = n;
  } else {
    kind = p.family == 4 ? 1 : 58;
  }
  const bool is_kind = p.proto == kind;
  if (positive) {
    if (!is_kind) return false;
    if (pos.icmp_type && p.icmp_type != *pos.icmp_type) return false;
    if (pos.icmp_code && p.icmp_code != *pos.icmp_code) return false;
  }
  if (!is_kind) return true;  // only negated fields left: not ICMP, not "this ICMP"
  if (neg.icmp_type && neg.icmp_code) {
    return !(p.icmp_type == *neg.icmp_type && p.icmp_code == *neg.icmp_code);
  }
  if (neg.icmp_type && p.icmp_type == *neg.icmp_type) return false;
  if (neg.icmp_code && p.icmp_code == *neg.icmp_code) return false;
  return true;
}

}  // namespace

std::optional<int> ProtocolNumber(const std::string& name) {
  static const std::map<std::string, int> kNames = {
      {"tcp", 6}, {"udp", 17}, {"icmp", 1}, {"icmpv6", 58}, {"sctp", 132}, {"udplite", 136}};
  if (auto it = kNames.find(name); it != kNames.end()) return it->second;
  int n = 0;
  const char* end = name.data() + name.size();
  auto [ptr, ec] = std::from_chars(name.data(), end, n);
  if (name.empty() || ec != std::errc() || ptr != end || n < 0 || n > 255) return std::nullopt;
  return n;
}

bool HasPorts(int proto) { return proto == 6 || proto == 17 || proto == 132 || proto == 136; }

bool InCidr(const model::IpAddr& a, const model::Cidr& c) {
  if (a.family != c.addr.family) return false;
  for (int bit = 0; bit < c.prefix; ++bit) {
    const int byte = bit / 8, mask = 0x80 >> (bit % 8);
    if ((a.bytes[byte] & mask) != (c.addr.bytes[byte] & mask)) return false;
  }
  return true;
}

bool Matches(const calc::Rule& r, const Packet& p, const IpSetMembers& sets) {
  if (r.ip_version && *r.ip_version != p.family) return false;
  if (r.match.protocol) {
    const int n = ProtocolNumber(*r.match.protocol).value_or(-1);
    if (n != p.proto) return false;
    if ((n == 1 && p.family == 6) || (n == 58 && p.family == 4)) return false;
  }
  if (r.not_match.protocol && ProtocolNumber(*r.not_match.protocol).value_or(-1) == p.proto) {
    return false;
  }
  for (bool src : {true, false}) {
    const model::IpAddr& a = src ? p.src : p.dst;
    if (!Addresses(a, r.match, src, false, sets) || !Addresses(a, r.not_match, src, true, sets)) {
      return false;
    }
  }
  for (bool src : {true, false}) {
    const int port = src ? p.sport : p.dport;
    const auto& pos = src ? r.match.src_ports : r.match.dst_ports;
    const auto& neg = src ? r.not_match.src_ports : r.not_match.dst_ports;
    if (pos && !pos->empty() && (!HasPorts(p.proto) || !InPorts(port, *pos))) return false;
    if (neg && !neg->empty() && HasPorts(p.proto) && InPorts(port, *neg)) return false;
  }
  return Icmp(r, p);
}

}  // namespace felix::rules
