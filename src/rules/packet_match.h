// Rule semantics on one concrete packet (spec §9, with the decisions
// docs/compatibility.md records): what `felixctl trace` evaluates, and the
// side the differential test holds against what a real kernel does with the
// rendered table. Written from the data model, not from the nft text.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "calc/messages.h"
#include "model/net.h"

namespace felix::rules {

// One packet as a rule sees it: the first packet of a new connection.
struct Packet {
  int family = 4;  // 4 or 6
  int proto = 6;   // IP protocol number
  model::IpAddr src, dst;
  int sport = 0, dport = 0;            // TCP/UDP/SCTP/UDP-Lite only
  int icmp_type = -1, icmp_code = -1;  // ICMP/ICMPv6 only
};

using IpSetMembers = std::map<std::string, std::set<model::Cidr>>;

// "tcp" -> 6, "58" -> 58; nullopt for an unknown name.
std::optional<int> ProtocolNumber(const std::string& name);
// Whether the protocol has ports (TCP, UDP, SCTP, UDP-Lite).
bool HasPorts(int proto);
bool InCidr(const model::IpAddr& a, const model::Cidr& c);

// Does rule `r` match `p`, with the IP sets' members as in `sets` (a set
// that is not there has no members)?
bool Matches(const calc::Rule& r, const Packet& p, const IpSetMembers& sets);

}  // namespace felix::rules
