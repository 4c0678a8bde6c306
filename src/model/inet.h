// Private to model/: byte-exact emulations of the glibc socket functions that
// Python netaddr 0.7.x called under Felix 1.4.9 (inet_aton, inet_pton for
// AF_INET/AF_INET6, inet_ntop for AF_INET6). net.cc layers netaddr's own
// rules on top. Checked against the host glibc by differential testing.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace felix::model::inet {

// C isspace() in the C locale.
bool IsCSpace(char c);
// 0-15 for a hex digit (either case), else -1.
int HexValue(char c);

// glibc inet_aton: one to four parts separated by dots, each a C integer
// (0x hex, leading-0 octal, decimal); a.b.c puts c in the low 16 bits, a.b
// puts b in the low 24 bits, a alone is the whole address. A part above
// 2^32-1 is invalid. The address must start with a digit; a whitespace
// character ends it and whatever follows is ignored (`1.2.3.4 x`).
std::optional<uint32_t> InetAton(std::string_view s);
// glibc inet_pton(AF_INET): exactly four decimal octets, no leading zeros.
std::optional<uint32_t> InetPton4(std::string_view s);
// glibc inet_pton(AF_INET6) as of glibc 2.26+: at most four hex digits per
// group, one "::", an optional strict dotted quad at the end.
std::optional<std::array<uint8_t, 16>> InetPton6(std::string_view s);
// glibc inet_ntop(AF_INET6): lower-case hex, the first longest run of two or
// more zero groups as "::", `::a.b.c.d` when exactly the first six groups
// are zero (so `::2` stays hex) and `::ffff:a.b.c.d` for IPv4-mapped ones.
std::string InetNtop6(const std::array<uint8_t, 16>& bytes);

}  // namespace felix::model::inet
