// Parsing and printing of IP addresses, CIDRs and MACs with the semantics of
// Python netaddr 0.7.x under Python 2.7 on glibc, as Felix 1.4.9 used it
// (calico/common.py). The netaddr code paths emulated:
//
// * validate_ip_addr/canonicalise_ip: netaddr.valid_ipv4/valid_ipv6 and
//   IPAddress(addr, version) with flags=0, i.e. socket.inet_aton for IPv4 and
//   socket.inet_pton(AF_INET6) for IPv6. IPAddress() refuses any '/'.
// * validate_cidr/canonicalise_cidr: IPNetwork(cidr, version) without
//   implicit_prefix: the address part is inet_pton-strict, falling back (IPv4
//   only) to expand_partial_address, which pads Python-int() octets with
//   ".0"; so `10/8` is 10.0.0.0/8, `10` is 10.0.0.0/32 (no classful prefix)
//   and `010.0.0.1/32` is 10.0.0.1/32 (decimal, unlike inet_aton). The prefix
//   is Python int() (surrounding whitespace and a sign allowed) or else an
//   inet_pton-strict netmask, then hostmask. Host bits are kept.
// * valid_mac/EUI(mac, dialect=mac_unix): the RE_MAC_FORMATS regexes.
//
// Decisions where the original depended on its environment:
// * Python 2 passed JSON (unicode) strings to the C socket functions encoded
//   as ASCII and refused NUL bytes, so any byte >= 0x80 or NUL rejects the
//   text (we do not emulate int()'s acceptance of non-ASCII Unicode digits).
// * The C functions are glibc's (model/inet.h): inet_aton ignores whatever
//   follows a whitespace character (`1.2.3.4 x` is 1.2.3.4) and rejects a
//   part above 2^32-1; inet_pton6 allows at most four hex digits per group
//   (glibc >= 2.26; older glibc also took longer zero-padded groups); IPv6
//   prints as inet_ntop does (`::ffff:1.2.3.4`, `::1.2.3.4`, but `::2`).
// * Python's regex `$` also matches before one final "\n", so a MAC may end
//   with a single newline.
#include "model/net.h"

#include "model/inet.h"

#include <algorithm>
#include <cstdio>
#include <vector>

namespace felix::model {
namespace {

using inet::HexValue;
using inet::InetAton;
using inet::InetPton4;
using inet::InetPton6;
using inet::IsCSpace;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// What Python 2 could hand to the C socket functions at all.
bool PassableToC(std::string_view s) {
  for (char c : s) {
    if (c == '\0' || static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

IpAddr V4(uint32_t v) {
  IpAddr a;
  a.family = 4;
  for (int i = 0; i < 4; ++i) a.bytes[i] = static_cast<uint8_t>(v >> (24 - 8 * i));
  return a;
}

std::optional<IpAddr> ParseV6(std::string_view s) {
  auto b = InetPton6(s);
  if (!b) return std::nullopt;
  IpAddr a;
  a.family = 6;
  a.bytes = *b;
  return a;
}

// Python 2 int(s) for a byte string: optional surrounding whitespace, an
// optional sign, decimal digits. Large magnitudes saturate (callers only
// range-check small values).
std::optional<int64_t> PyInt(std::string_view s) {
  while (!s.empty() && IsCSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsCSpace(s.back())) s.remove_suffix(1);
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return std::nullopt;
  int64_t v = 0;
  for (char c : s) {
    if (!IsDigit(c)) return std::nullopt;
    v = std::min<int64_t>(v * 10 + (c - '0'), int64_t{1} << 40);
  }
  return neg ? -v : v;
}

// netaddr.strategy.ipv4.expand_partial_address + inet_pton of the result.
std::optional<uint32_t> ExpandPartialV4(std::string_view s) {
  if (s.find(':') != std::string_view::npos) return std::nullopt;
  uint32_t out = 0;
  int count = 0;
  size_t start = 0;
  for (;;) {
    size_t dot = s.find('.', start);
    auto octet = PyInt(s.substr(start, dot == std::string_view::npos ? s.npos : dot - start));
    if (!octet || *octet < 0 || *octet > 255 || ++count > 4) return std::nullopt;
    out = (out << 8) | static_cast<uint32_t>(*octet);
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return out << (8 * (4 - count));
}

// Prefix length of a netmask (1s then 0s) or hostmask (0s then 1s), netmask
// first as netaddr checks it first; -1 for neither.
int MaskPrefix(const IpAddr& mask) {
  const int width = mask.family == 4 ? 32 : 128;
  std::vector<bool> bits;
  bits.reserve(width);
  for (int i = 0; i < width; ++i) bits.push_back((mask.bytes[i / 8] >> (7 - i % 8)) & 1);
  int ones = 0;
  while (ones < width && bits[ones]) ++ones;
  bool netmask = true;
  for (int i = ones; i < width; ++i) netmask = netmask && !bits[i];
  if (netmask) return ones;
  int zeros = 0;
  while (zeros < width && !bits[zeros]) ++zeros;
  for (int i = zeros; i < width; ++i) {
    if (!bits[i]) return -1;
  }
  return zeros;
}

// netaddr parse_ip_network for one family.
std::optional<Cidr> ParseCidrFamily(std::string_view text, int family) {
  size_t slash = text.find('/');
  std::string_view val1 = text.substr(0, slash);
  std::optional<IpAddr> addr;
  if (family == 4) {
    if (auto v = ExpandPartialV4(val1)) addr = V4(*v);
  } else {
    addr = ParseV6(val1);
  }
  if (!addr) return std::nullopt;
  const int width = family == 4 ? 32 : 128;
  int prefix = width;
  if (slash != std::string_view::npos) {
    std::string_view val2 = text.substr(slash + 1);
    if (auto n = PyInt(val2)) {
      if (*n < 0 || *n > width) return std::nullopt;
      prefix = static_cast<int>(*n);
    } else {
      std::optional<IpAddr> mask;
      if (family == 4) {
        if (auto v = InetPton4(val2)) mask = V4(*v);
      } else {
        mask = ParseV6(val2);
      }
      if (!mask) return std::nullopt;
      prefix = MaskPrefix(*mask);
      if (prefix < 0) return std::nullopt;
    }
  }
  return Cidr{*addr, prefix};
}

}  // namespace

std::string IpAddr::ToString() const {
  if (family == 6) return inet::InetNtop6(bytes);
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%d.%d.%d.%d", bytes[0], bytes[1], bytes[2], bytes[3]);
  return buf;
}

Cidr Cidr::Network() const {
  Cidr c = *this;
  const int bits = c.addr.family == 4 ? 32 : 128;
  for (int i = 0; i < bits / 8; ++i) {
    const int keep = c.prefix - i * 8;  // bits of this byte inside the prefix
    if (keep >= 8) continue;
    c.addr.bytes[i] &= keep <= 0 ? 0 : static_cast<uint8_t>(0xff << (8 - keep));
  }
  return c;
}

std::string Cidr::ToString() const { return addr.ToString() + "/" + std::to_string(prefix); }

std::optional<IpAddr> ParseIpAddr(std::string_view text, int version) {
  if (text.empty() || !PassableToC(text)) return std::nullopt;
  // IPAddress() refuses netmasks/prefixes before parsing.
  if (text.find('/') != std::string_view::npos) return std::nullopt;
  if (version == 4 || version == 0) {
    if (auto v = InetAton(text)) return V4(*v);
  }
  if (version == 6 || version == 0) return ParseV6(text);
  return std::nullopt;
}

std::optional<Cidr> ParseCidr(std::string_view text, int version) {
  if (!PassableToC(text)) return std::nullopt;
  if (version == 4 || version == 0) {
    if (auto c = ParseCidrFamily(text, 4)) return c;
  }
  if (version == 6 || version == 0) return ParseCidrFamily(text, 6);
  return std::nullopt;
}

std::optional<std::string> CanonicalMac(std::string_view text) {
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  // RE_MAC_FORMATS: separator, word count, hex digits per word. Each word is
  // a 48/words-bit field.
  struct Format {
    char sep;
    int words, min_digits, max_digits;
  };
  static constexpr Format kFormats[] = {
      {':', 6, 1, 2}, {'-', 6, 1, 2}, {':', 3, 1, 4}, {'-', 3, 1, 4},
      {'.', 3, 1, 4}, {'-', 2, 5, 6}, {':', 2, 5, 6}, {'\0', 1, 11, 12},
  };
  for (const Format& f : kFormats) {
    uint64_t value = 0;
    int words = 0;
    size_t start = 0;
    bool ok = true;
    while (ok) {
      size_t end = f.sep == '\0' ? text.npos : text.find(f.sep, start);
      std::string_view word = text.substr(start, end == text.npos ? text.npos : end - start);
      ok = ++words <= f.words && static_cast<int>(word.size()) >= f.min_digits &&
           static_cast<int>(word.size()) <= f.max_digits;
      uint64_t w = 0;
      for (size_t k = 0; ok && k < word.size(); ++k) {
        int d = HexValue(word[k]);
        ok = d >= 0;
        w = w * 16 + static_cast<uint64_t>(d);
      }
      value = (value << (48 / f.words)) | w;
      if (end == text.npos) break;
      start = end + 1;
    }
    if (!ok || words != f.words) continue;
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%x:%x:%x:%x:%x:%x", static_cast<unsigned>(value >> 40 & 0xff),
                  static_cast<unsigned>(value >> 32 & 0xff),
                  static_cast<unsigned>(value >> 24 & 0xff),
                  static_cast<unsigned>(value >> 16 & 0xff),
                  static_cast<unsigned>(value >> 8 & 0xff), static_cast<unsigned>(value & 0xff));
    return std::string(buf);
  }
  return std::nullopt;
}

}  // namespace felix::model
