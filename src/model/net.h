// IP addresses, CIDRs and MAC addresses, parsed and printed the way Python's
// netaddr did for Felix 1.4.9 (spec §4-§5, §9; DESIGN §2 "validation"):
// IPv4 shorthand (`10.0.1` -> 10.0.0.1, `10/8` -> 10.0.0.0/8, `10.0.1/32` ->
// 10.0.1.0/32), host bits kept in CIDRs, IPv6 printed compressed (RFC 5952),
// MACs in netaddr's unix dialect (`0:11:22:33:44:55`).
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace felix::model {

struct IpAddr {
  int family = 4;                   // 4 or 6
  std::array<uint8_t, 16> bytes{};  // IPv4 uses the first 4 bytes

  std::string ToString() const;  // canonical text
  friend auto operator<=>(const IpAddr&, const IpAddr&) = default;
};

struct Cidr {
  IpAddr addr;     // host bits kept, as netaddr does
  int prefix = 0;  // 0-32 or 0-128

  std::string ToString() const;  // "<addr>/<prefix>"
  Cidr Network() const;          // the same prefix with the host bits cleared
  friend auto operator<=>(const Cidr&, const Cidr&) = default;
};

// version: 4, 6, or 0 for either. Mirrors netaddr.valid_ipv4/valid_ipv6 +
// IPAddress(): accepts what Felix 1.4.9 accepted for an address.
std::optional<IpAddr> ParseIpAddr(std::string_view text, int version);
// Mirrors netaddr.IPNetwork(text, version): a bare address gives /32 or /128.
std::optional<Cidr> ParseCidr(std::string_view text, int version);
// Mirrors netaddr.valid_mac + EUI(mac, dialect=mac_unix); returns the
// canonical text.
std::optional<std::string> CanonicalMac(std::string_view text);

}  // namespace felix::model
