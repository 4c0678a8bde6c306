// glibc socket-function emulations for net.cc (see inet.h). The parsers
// follow glibc's resolv/inet_addr.c and inet_pton.c, the printer
// resolv/inet_ntop.c, rewritten over string_view.
#include "model/inet.h"

#include <cstdio>
#include <vector>

namespace felix::model::inet {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

bool IsCSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// glibc inet_aton.
std::optional<uint32_t> InetAton(std::string_view s) {
  static constexpr uint64_t kMax[4] = {0xffffffff, 0xffffff, 0xffff, 0xff};
  std::vector<uint64_t> parts;
  size_t i = 0;
  uint64_t val = 0;
  for (;;) {
    if (i >= s.size() || !IsDigit(s[i])) return std::nullopt;
    int base = 10;
    if (s[i] == '0') {
      base = 8;
      if (i + 2 < s.size() && (s[i + 1] == 'x' || s[i + 1] == 'X') && HexValue(s[i + 2]) >= 0) {
        base = 16;
        i += 2;
      }
    }
    val = 0;
    for (; i < s.size(); ++i) {
      int d = HexValue(s[i]);
      if (d < 0 || d >= base) break;
      val = val * base + d;
      if (val > 0xffffffff) return std::nullopt;
    }
    if (i < s.size() && s[i] == '.') {
      if (parts.size() >= 3 || val > 0xff) return std::nullopt;
      parts.push_back(val);
      ++i;
      continue;
    }
    break;
  }
  if (i < s.size() && !IsCSpace(s[i])) return std::nullopt;
  if (val > kMax[parts.size()]) return std::nullopt;
  uint32_t out = static_cast<uint32_t>(val);
  for (size_t p = 0; p < parts.size(); ++p) {
    out |= static_cast<uint32_t>(parts[p]) << (24 - 8 * p);
  }
  return out;
}

// glibc inet_pton4: exactly four decimal octets, no leading zeros.
std::optional<uint32_t> InetPton4(std::string_view s) {
  uint32_t out = 0, cur = 0;
  int octets = 0;
  bool saw_digit = false;
  for (char c : s) {
    if (IsDigit(c)) {
      if (saw_digit && cur == 0) return std::nullopt;
      cur = cur * 10 + static_cast<uint32_t>(c - '0');
      if (cur > 255) return std::nullopt;
      if (!saw_digit) {
        if (++octets > 4) return std::nullopt;
        saw_digit = true;
      }
    } else if (c == '.' && saw_digit) {
      if (octets == 4) return std::nullopt;
      out = (out << 8) | cur;
      cur = 0;
      saw_digit = false;
    } else {
      return std::nullopt;
    }
  }
  if (octets < 4 || !saw_digit) return std::nullopt;
  return (out << 8) | cur;
}

// glibc inet_pton6.
std::optional<std::array<uint8_t, 16>> InetPton6(std::string_view s) {
  std::array<uint8_t, 16> tmp{};
  size_t tp = 0, i = 0;
  int colonp = -1;
  if (!s.empty() && s[0] == ':') {
    if (s.size() < 2 || s[1] != ':') return std::nullopt;
    i = 1;
  }
  size_t curtok = i;
  bool saw_xdigit = false;
  int digits = 0;
  uint32_t val = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    int d = HexValue(c);
    if (d >= 0) {
      if (++digits > 4) return std::nullopt;
      val = (val << 4) | static_cast<uint32_t>(d);
      saw_xdigit = true;
      continue;
    }
    if (c == ':') {
      curtok = i + 1;
      if (!saw_xdigit) {
        if (colonp >= 0) return std::nullopt;
        colonp = static_cast<int>(tp);
        continue;
      }
      if (i + 1 == s.size() || tp + 2 > 16) return std::nullopt;
      tmp[tp++] = static_cast<uint8_t>(val >> 8);
      tmp[tp++] = static_cast<uint8_t>(val);
      saw_xdigit = false;
      digits = 0;
      val = 0;
      continue;
    }
    if (c == '.' && tp + 4 <= 16) {
      auto v4 = InetPton4(s.substr(curtok));
      if (!v4) return std::nullopt;
      for (int k = 0; k < 4; ++k) tmp[tp++] = static_cast<uint8_t>(*v4 >> (24 - 8 * k));
      saw_xdigit = false;
      i = s.size();
      break;
    }
    return std::nullopt;
  }
  if (saw_xdigit) {
    if (tp + 2 > 16) return std::nullopt;
    tmp[tp++] = static_cast<uint8_t>(val >> 8);
    tmp[tp++] = static_cast<uint8_t>(val);
  }
  if (colonp >= 0) {
    if (tp == 16) return std::nullopt;
    size_t n = tp - static_cast<size_t>(colonp);
    for (size_t k = 1; k <= n; ++k) {
      tmp[16 - k] = tmp[colonp + n - k];
      tmp[colonp + n - k] = 0;
    }
    tp = 16;
  }
  if (tp != 16) return std::nullopt;
  return tmp;
}

std::string InetNtop6(const std::array<uint8_t, 16>& bytes) {
  int words[8];
  for (size_t i = 0; i < 8; ++i) words[i] = bytes[2 * i] << 8 | bytes[2 * i + 1];
  // The first longest run of zero words, if at least 2 long.
  int best = -1, best_len = 0;
  for (int i = 0; i < 8;) {
    if (words[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && words[j] == 0) ++j;
    if (j - i > best_len) best = i, best_len = j - i;
    i = j;
  }
  if (best_len < 2) best = -1;
  char buf[32];
  std::string out;
  for (int i = 0; i < 8; ++i) {
    if (best >= 0 && i >= best && i < best + best_len) {
      if (i == best) out += ':';
      continue;
    }
    if (i != 0) out += ':';
    // IPv4-compatible (::a.b.c.d with a non-zero seventh word) or mapped.
    if (i == 6 && best == 0 && (best_len == 6 || (best_len == 5 && words[5] == 0xffff))) {
      std::snprintf(buf, sizeof(buf), "%d.%d.%d.%d", bytes[12], bytes[13], bytes[14], bytes[15]);
      return out + buf;
    }
    std::snprintf(buf, sizeof(buf), "%x", words[i]);
    out += buf;
  }
  if (best >= 0 && best + best_len == 8) out += ':';
  return out;
}

}  // namespace felix::model::inet
