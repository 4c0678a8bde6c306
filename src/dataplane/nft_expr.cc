// CompileRule (nft_expr.h): a statement-by-statement translation of the
// renderer's rule text. What nft 1.0.6 does and we mirror:
// - a field match first adds its protocol dependency unless an earlier
//   equality already established it: `ip`/`ip6` fields `meta nfproto`,
//   tcp/udp/sctp/udplite `meta l4proto`, icmp/icmpv6 both (the nfproto only
//   when no l4proto is known), `ether` `meta iiftype`; `th` needs none;
// - a byte-aligned prefix loads only its bytes; any other prefix loads the
//   whole address and masks it;
// - an equal range is `cmp gte` + `cmp lte`, an unequal one a `range neq`;
// - equalities on adjacent header bytes (sport and dport, icmp type and
//   code) merge into one load and one compare (MergePayloads);
// - `ct state a,b` is a mask and `cmp neq 0`.
#include "dataplane/nft_expr.h"

#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <net/if_arp.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <map>
#include <set>

#include <fmt/format.h>

namespace felix::dataplane {
namespace {

using Kind = NftExpr::Kind;
using Bytes = std::vector<uint8_t>;

constexpr size_t kIfNameSize = 16;  // IFNAMSIZ: exact names are compared NUL-padded
// nft's datatype ids (nftables' enum datatypes) of anonymous set keys.
constexpr uint32_t kTypeIpv4Addr = 7;
constexpr uint32_t kTypeIpv6Addr = 8;
constexpr uint32_t kTypeInetService = 13;
constexpr uint32_t kTypeIcmpType = 14;
constexpr uint32_t kTypeIcmp6Type = 29;
constexpr uint32_t kTypeIcmpCode = 32;
constexpr uint32_t kTypeIcmpv6Code = 33;

// Whitespace-separated tokens; a double-quoted string is one token (quotes
// kept).
std::optional<std::vector<std::string_view>> Tokens(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] == ' ') {
      ++i;
      continue;
    }
    size_t j = i;
    if (s[i] == '"') {
      j = s.find('"', i + 1);
      if (j == std::string_view::npos) return std::nullopt;
      ++j;
    } else {
      while (j < s.size() && s[j] != ' ') ++j;
    }
    out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

std::optional<uint64_t> Number(std::string_view t) {
  int base = 10;
  if (t.starts_with("0x")) {
    t.remove_prefix(2);
    base = 16;
  }
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v, base);
  if (ec != std::errc() || p != t.data() + t.size() || t.empty()) return std::nullopt;
  return v;
}

// Set keys up to 16 bytes (IPv6 addresses) as numbers, for sorting ranges.
using U128 = unsigned __int128;

Bytes BigEndianBytes(U128 v, size_t len) {
  Bytes b(len);
  for (size_t i = 0; i < len; ++i) b[len - 1 - i] = static_cast<uint8_t>(v >> (8 * i));
  return b;
}

// ADDR or ADDR/LEN of `family`: the address bytes (4 or 16) and the prefix.
struct CidrText {
  Bytes addr;
  uint32_t prefix;
};
std::optional<CidrText> ParseCidrText(std::string_view v, int family) {
  const uint32_t bits = family == 4 ? 32 : 128;
  uint32_t prefix = bits;
  const size_t slash = v.find('/');
  if (slash != std::string_view::npos) {
    std::optional<uint64_t> p = Number(v.substr(slash + 1));
    if (!p || *p > bits || v.substr(slash + 1).starts_with("0x")) return std::nullopt;
    prefix = static_cast<uint32_t>(*p);
  }
  Bytes addr(16);
  const std::string text(v.substr(0, slash));
  if (inet_pton(family == 4 ? AF_INET : AF_INET6, text.c_str(), addr.data()) != 1) {
    return std::nullopt;
  }
  addr.resize(bits / 8);
  return CidrText{std::move(addr), prefix};
}

// ADDR or ADDR/LEN of `family` as the inclusive range of addresses it holds.
std::optional<std::pair<U128, U128>> AddressRange(std::string_view v, int family) {
  std::optional<CidrText> c = ParseCidrText(v, family);
  if (!c) return std::nullopt;
  const uint32_t bits = family == 4 ? 32 : 128;
  const uint32_t prefix = c->prefix;
  U128 a = 0;
  for (uint8_t b : c->addr) a = (a << 8) | b;
  // (a shift by 128 is undefined: /0 is all `bits` ones)
  const U128 all = bits == 128 ? ~U128{0} : (U128{1} << bits) - 1;
  const U128 host = prefix == 0 ? all : (U128{1} << (bits - prefix)) - 1;
  return std::pair<U128, U128>{a & ~host, a | host};
}

Bytes HostU32(uint32_t v) {
  Bytes b(4);
  std::memcpy(b.data(), &v, 4);
  return b;
}

NftExpr Make(Kind kind, uint32_t key = 0, uint32_t offset = 0, uint32_t len = 0, Bytes data = {},
             Bytes data2 = {}, std::string name = {}, bool invert = false) {
  NftExpr e;
  e.kind = kind;
  e.key = key;
  e.offset = offset;
  e.len = len;
  e.data = std::move(data);
  e.data2 = std::move(data2);
  e.name = std::move(name);
  e.invert = invert;
  return e;
}

NftExpr Meta(uint32_t key) { return Make(Kind::kMetaLoad, key, 0, 0, {}, {}, {}, false); }
NftExpr Cmp(uint32_t op, Bytes d) {
  return Make(Kind::kCmp, op, 0, 0, std::move(d), {}, {}, false);
}
NftExpr Payload(uint32_t base, uint32_t offset, uint32_t len) {
  return Make(Kind::kPayload, base, offset, len, {}, {}, {}, false);
}
NftExpr Bitwise(Bytes mask, Bytes x) {
  const auto len = static_cast<uint32_t>(mask.size());
  return Make(Kind::kBitwise, 0, 0, len, std::move(mask), std::move(x), {}, false);
}

const std::map<std::string_view, uint8_t>& L4Protocols() {
  static const std::map<std::string_view, uint8_t> m = {
      {"icmp", IPPROTO_ICMP},        {"tcp", IPPROTO_TCP},   {"udp", IPPROTO_UDP},
      {"ipv6-icmp", IPPROTO_ICMPV6}, {"sctp", IPPROTO_SCTP}, {"udplite", IPPROTO_UDPLITE}};
  return m;
}

class Compiler {
 public:
  explicit Compiler(std::vector<std::string_view> t) : t_(std::move(t)) {}

  std::optional<std::vector<NftExpr>> Run() {
    while (i_ < t_.size()) {
      if (done_ || !Statement()) return std::nullopt;
    }
    MergePayloads();
    return std::move(out_);
  }

 private:
  std::string_view Peek(size_t k = 0) const { return i_ + k < t_.size() ? t_[i_ + k] : ""; }
  std::string_view Next() { return i_ < t_.size() ? t_[i_++] : ""; }
  // Consumes "!=" (true) or "==" (false) when present.
  bool Negation() {
    if (Peek() == "!=") {
      ++i_;
      return true;
    }
    if (Peek() == "==") ++i_;
    return false;
  }

  bool Statement() {
    std::string_view w = Next();
    if (w == "meta") return MetaStatement();
    if (w == "ct") return CtState();
    if (w == "ip" || w == "ip6") return Address(w == "ip" ? 4 : 6);
    if (w == "tcp" || w == "udp" || w == "sctp" || w == "udplite" || w == "th") {
      return Port(w);
    }
    if (w == "icmp" || w == "icmpv6") return Icmp(w == "icmp" ? 4 : 6);
    if (w == "ether") return EtherSource();
    if (w == "iifname" || w == "oifname") return Interface(w == "iifname");
    if (w == "notrack") {
      out_.push_back(Make(Kind::kNotrack, 0, 0, 0, {}, {}, {}, false));
      return true;
    }
    if (w == "limit") return Limit();
    if (w == "log") return Log();
    if (w == "counter") {
      out_.push_back(Make(Kind::kCounter, 0, 0, 0, {}, {}, {}, false));
      return true;
    }
    return Verdict(w);
  }

  bool MetaStatement() {
    std::string_view key = Next();
    if (key == "nfproto") {
      std::string_view v = Next();
      if (v != "ipv4" && v != "ipv6") return false;
      const uint8_t p = v == "ipv4" ? NFPROTO_IPV4 : NFPROTO_IPV6;
      EmitCmp(NFT_META_NFPROTO, NFT_CMP_EQ, Bytes{p});
      nfproto_ = p;
      return true;
    }
    if (key == "l4proto") {
      const bool neg = Negation();
      std::optional<uint8_t> p = Protocol(Next());
      if (!p) return false;
      EmitCmp(NFT_META_L4PROTO, neg ? NFT_CMP_NEQ : NFT_CMP_EQ, Bytes{*p});
      if (!neg) l4proto_ = *p;
      return true;
    }
    if (key != "mark") return false;
    if (Peek() == "set") return MarkSet();
    // meta mark & M == V
    if (Next() != "&") return false;
    std::optional<uint64_t> mask = Number(Next());
    const bool neg = Negation();
    std::optional<uint64_t> value = Number(Next());
    if (!mask || !value || *mask > UINT32_MAX || *value > UINT32_MAX) return false;
    out_.push_back(Meta(NFT_META_MARK));
    out_.push_back(Bitwise(HostU32(static_cast<uint32_t>(*mask)), HostU32(0)));
    out_.push_back(Cmp(neg ? NFT_CMP_NEQ : NFT_CMP_EQ, HostU32(static_cast<uint32_t>(*value))));
    return true;
  }

  // meta mark set meta mark (|&) X
  bool MarkSet() {
    ++i_;
    if (Next() != "meta" || Next() != "mark") return false;
    std::string_view op = Next();
    std::optional<uint64_t> x = Number(Next());
    if (!x || *x > UINT32_MAX || (op != "|" && op != "&")) return false;
    const auto v = static_cast<uint32_t>(*x);
    out_.push_back(Meta(NFT_META_MARK));
    out_.push_back(op == "|" ? Bitwise(HostU32(~v), HostU32(v)) : Bitwise(HostU32(v), HostU32(0)));
    out_.push_back(Make(Kind::kMetaSet, NFT_META_MARK, 0, 0, {}, {}, {}, false));
    return true;
  }

  std::optional<uint8_t> Protocol(std::string_view v) const {
    auto it = L4Protocols().find(v);
    if (it != L4Protocols().end()) return it->second;
    std::optional<uint64_t> n = Number(v);
    if (!n || *n > 255 || v.starts_with("0x")) return std::nullopt;
    return static_cast<uint8_t>(*n);
  }

  void EmitCmp(uint32_t meta_key, uint32_t op, Bytes d) {
    out_.push_back(Meta(meta_key));
    out_.push_back(Cmp(op, std::move(d)));
  }
  void NeedNfproto(uint8_t p) {
    if (nfproto_ == p) return;
    EmitCmp(NFT_META_NFPROTO, NFT_CMP_EQ, Bytes{p});
    nfproto_ = p;
  }
  void NeedL4proto(uint8_t p) {
    if (l4proto_ == p) return;
    EmitCmp(NFT_META_L4PROTO, NFT_CMP_EQ, Bytes{p});
    l4proto_ = p;
  }

  bool CtState() {
    if (Next() != "state") return false;
    static const std::map<std::string_view, uint32_t> kBits = {
        {"invalid", 1}, {"established", 2}, {"related", 4}, {"new", 8}, {"untracked", 64}};
    uint32_t mask = 0;
    std::string_view list = Next();
    while (!list.empty()) {
      const size_t comma = list.find(',');
      auto it = kBits.find(list.substr(0, comma));
      if (it == kBits.end()) return false;
      mask |= it->second;
      list = comma == std::string_view::npos ? "" : list.substr(comma + 1);
    }
    if (mask == 0) return false;
    out_.push_back(Make(Kind::kCtLoad, NFT_CT_STATE, 0, 0, {}, {}, {}, false));
    out_.push_back(Bitwise(HostU32(mask), HostU32(0)));
    out_.push_back(Cmp(NFT_CMP_NEQ, HostU32(0)));
    return true;
  }

  // ip|ip6 saddr|daddr [!=] ADDR[/LEN] | @SET
  bool Address(int family) {
    std::string_view field = Next();
    if (field != "saddr" && field != "daddr") return false;
    const bool neg = Negation();
    std::string_view v = Next();
    const uint32_t size = family == 4 ? 4 : 16;
    const uint32_t offset =
        family == 4 ? (field == "saddr" ? 12 : 16) : (field == "saddr" ? 8 : 24);
    NeedNfproto(family == 4 ? NFPROTO_IPV4 : NFPROTO_IPV6);
    if (v == "{") {
      std::vector<std::pair<U128, U128>> items;
      bool ranges = false;
      for (std::string_view item = Next(); item != "}"; item = Next()) {
        if (item.ends_with(',')) item.remove_suffix(1);
        std::optional<std::pair<U128, U128>> r = AddressRange(item, family);
        if (!r) return false;  // (an empty item is also the end of the text)
        ranges = ranges || r->first != r->second;
        items.push_back(*r);
      }
      out_.push_back(Payload(NFT_PAYLOAD_NETWORK_HEADER, offset, size));
      return AnonymousSet(items, ranges, size, family == 4 ? kTypeIpv4Addr : kTypeIpv6Addr, neg);
    }
    if (v.starts_with("@")) {
      if (v.size() < 2) return false;
      out_.push_back(Payload(NFT_PAYLOAD_NETWORK_HEADER, offset, size));
      out_.push_back(Make(Kind::kLookup, 0, 0, 0, {}, {}, std::string(v.substr(1)), neg));
      return true;
    }
    std::optional<CidrText> cidr = ParseCidrText(v, family);
    if (!cidr) return false;
    Bytes& addr = cidr->addr;
    const uint32_t prefix = cidr->prefix;
    const uint32_t op = neg ? NFT_CMP_NEQ : NFT_CMP_EQ;
    if (prefix % 8 == 0 && prefix > 0) {
      const uint32_t len = prefix / 8;
      out_.push_back(Payload(NFT_PAYLOAD_NETWORK_HEADER, offset, len));
      out_.push_back(Cmp(op, Bytes(addr.begin(), addr.begin() + len)));
      return true;
    }
    Bytes mask(size, 0);
    for (uint32_t b = 0; b < prefix; ++b) mask[b / 8] |= static_cast<uint8_t>(0x80 >> (b % 8));
    for (uint32_t k = 0; k < size; ++k) addr[k] &= mask[k];
    out_.push_back(Payload(NFT_PAYLOAD_NETWORK_HEADER, offset, size));
    out_.push_back(Bitwise(mask, Bytes(size, 0)));
    out_.push_back(Cmp(op, addr));
    return true;
  }

  // The lookup in the anonymous set of `items` (inclusive ranges of keys of
  // `len` bytes), as nft builds it: single values only make a plain set in
  // the given order; any range an interval set of the sorted, merged
  // (overlapping or adjacent) ranges. False for what nft would not make a
  // set of (fewer than two items) or would reduce (a repeated value).
  bool AnonymousSet(const std::vector<std::pair<U128, U128>>& items, bool ranges, uint32_t len,
                    uint32_t key_type, bool neg) {
    if (items.size() < 2) return false;
    NftExpr lookup = Make(Kind::kLookup, 0, 0, 0, {}, {}, {}, neg);
    lookup.key_type = key_type;
    if (!ranges) {
      std::set<U128> seen;
      for (const auto& [lo, hi] : items) {
        if (!seen.insert(lo).second) return false;
        lookup.set_elements.push_back(BigEndianBytes(lo, len));
      }
      out_.push_back(std::move(lookup));
      return true;
    }
    std::vector<std::pair<U128, U128>> merged(items);
    std::sort(merged.begin(), merged.end());
    size_t n = 0;
    for (size_t k = 1; k < merged.size(); ++k) {
      if (merged[k].first <= merged[n].second || merged[k].first == merged[n].second + 1) {
        merged[n].second = std::max(merged[n].second, merged[k].second);
      } else {
        merged[++n] = merged[k];
      }
    }
    merged.resize(n + 1);
    const U128 top = len == 16 ? ~U128{0} : (U128{1} << (8 * len)) - 1;
    lookup.interval = true;
    auto element = [&](U128 key, uint8_t flags) {
      lookup.set_elements.push_back(BigEndianBytes(key, len));
      lookup.set_element_flags.push_back(flags);
    };
    if (merged.front().first != 0) element(0, NftExpr::kElementEnd);
    for (const auto& [lo, hi] : merged) {
      if (hi == top) {
        element(lo, NftExpr::kElementOpen);
      } else {
        element(lo, 0);
        element(hi + 1, NftExpr::kElementEnd);
      }
    }
    out_.push_back(std::move(lookup));
    return true;
  }

  // A value, range or anonymous set `{ a, b-c, ... }` of a transport-header
  // field of `len` bytes at `offset` (set keys of nft's datatype `key_type`).
  bool FieldValue(uint32_t offset, uint32_t len, uint32_t key_type) {
    const bool neg = Negation();
    std::string_view v = Next();
    const uint64_t max = len == 1 ? 0xff : 0xffff;
    if (v == "{") {
      std::vector<std::pair<U128, U128>> items;
      bool ranges = false;
      for (std::string_view item = Next(); item != "}"; item = Next()) {
        if (item.ends_with(',')) item.remove_suffix(1);
        const size_t dash = item.find('-');
        std::optional<uint64_t> lo = Number(item.substr(0, dash));
        std::optional<uint64_t> hi =
            dash == std::string_view::npos ? lo : Number(item.substr(dash + 1));
        // (an empty item is also the end of the text)
        if (!lo || !hi || *lo > max || *hi > max || *lo > *hi || item.starts_with("0x")) {
          return false;
        }
        ranges = ranges || dash != std::string_view::npos;
        items.emplace_back(*lo, *hi);
      }
      out_.push_back(Payload(NFT_PAYLOAD_TRANSPORT_HEADER, offset, len));
      return AnonymousSet(items, ranges, len, key_type, neg);
    }
    const size_t dash = v.find('-');
    std::optional<uint64_t> lo = Number(v.substr(0, dash));
    std::optional<uint64_t> hi = dash == std::string_view::npos ? lo : Number(v.substr(dash + 1));
    if (!lo || !hi || *lo > max || *hi > max || *lo > *hi || v.starts_with("0x")) return false;
    out_.push_back(Payload(NFT_PAYLOAD_TRANSPORT_HEADER, offset, len));
    const Bytes a = BigEndianBytes(*lo, len);
    if (dash == std::string_view::npos) {
      out_.push_back(Cmp(neg ? NFT_CMP_NEQ : NFT_CMP_EQ, a));
      return true;
    }
    const Bytes b = BigEndianBytes(*hi, len);
    if (neg) {
      out_.push_back(Make(Kind::kRange, NFT_RANGE_NEQ, 0, 0, a, b, {}, false));
    } else {
      out_.push_back(Cmp(NFT_CMP_GTE, a));
      out_.push_back(Cmp(NFT_CMP_LTE, b));
    }
    return true;
  }

  bool Port(std::string_view proto) {
    std::string_view field = Next();
    if (field != "sport" && field != "dport") return false;
    if (proto != "th") NeedL4proto(L4Protocols().at(proto));
    return FieldValue(field == "sport" ? 0 : 2, 2, kTypeInetService);
  }

  bool Icmp(int family) {
    std::string_view field = Next();
    if (field != "type" && field != "code") return false;
    const uint8_t p = family == 4 ? uint8_t{IPPROTO_ICMP} : uint8_t{IPPROTO_ICMPV6};
    if (l4proto_ != p) {
      NeedNfproto(family == 4 ? NFPROTO_IPV4 : NFPROTO_IPV6);
      NeedL4proto(p);
    }
    const bool type = field == "type";
    return FieldValue(type ? 0 : 1, 1,
                      family == 4 ? (type ? kTypeIcmpType : kTypeIcmpCode)
                                  : (type ? kTypeIcmp6Type : kTypeIcmpv6Code));
  }

  // iifname|oifname [!=] "NAME" | "PREFIX*" | vmap @MAP
  bool Interface(bool in) {
    const uint32_t key = in ? NFT_META_IIFNAME : NFT_META_OIFNAME;
    if (Peek() == "vmap") {
      ++i_;
      std::string_view map = Next();
      if (map.size() < 2 || !map.starts_with('@')) return false;
      out_.push_back(Meta(key));
      NftExpr lookup = Make(Kind::kLookup, 0, 0, 0, {}, {}, std::string(map.substr(1)));
      lookup.verdict_map = true;
      out_.push_back(std::move(lookup));
      done_ = true;  // the map's verdict ends the rule
      return true;
    }
    const bool neg = Negation();
    std::string_view q = Next();
    if (q.size() < 3 || !q.starts_with('"') || !q.ends_with('"')) return false;
    std::string_view name = q.substr(1, q.size() - 2);
    const bool wildcard = name.ends_with('*');
    if (wildcard) name.remove_suffix(1);
    if (name.empty() || name.size() >= kIfNameSize ||
        name.find_first_of("\\\"*") != std::string_view::npos) {
      return false;
    }
    Bytes d(name.begin(), name.end());
    if (!wildcard) d.resize(kIfNameSize, 0);
    out_.push_back(Meta(key));
    out_.push_back(Cmp(neg ? NFT_CMP_NEQ : NFT_CMP_EQ, d));
    return true;
  }

  // ether saddr [!=] MAC
  bool EtherSource() {
    if (Next() != "saddr") return false;
    const bool neg = Negation();
    std::string_view v = Next();
    Bytes mac;
    for (size_t k = 0; k < v.size(); k += 3) {
      std::optional<uint64_t> b = Number(fmt::format("0x{}", v.substr(k, 2)));
      if (!b || *b > 0xff || (k + 2 < v.size() && v[k + 2] != ':')) return false;
      mac.push_back(static_cast<uint8_t>(*b));
    }
    if (mac.size() != 6) return false;
    if (!iiftype_known_) {
      uint16_t ether = ARPHRD_ETHER;
      Bytes d(2);
      std::memcpy(d.data(), &ether, 2);
      EmitCmp(NFT_META_IIFTYPE, NFT_CMP_EQ, d);
      iiftype_known_ = true;
    }
    out_.push_back(Payload(NFT_PAYLOAD_LL_HEADER, 6, 6));
    out_.push_back(Cmp(neg ? NFT_CMP_NEQ : NFT_CMP_EQ, mac));
    return true;
  }

  // limit rate N/second
  bool Limit() {
    if (Next() != "rate") return false;
    std::string_view v = Next();
    if (!v.ends_with("/second")) return false;
    std::optional<uint64_t> rate = Number(v.substr(0, v.size() - 7));
    if (!rate || *rate == 0 || *rate > UINT32_MAX) return false;
    out_.push_back(Make(Kind::kLimit, static_cast<uint32_t>(*rate), /*offset=*/5, 0, {}, {}, {},
                        false));  // burst 5: nft's default
    return true;
  }

  // log prefix "P" level notice
  bool Log() {
    if (Next() != "prefix") return false;
    std::string_view p = Next();
    if (p.size() < 2 || !p.starts_with('"') || !p.ends_with('"')) return false;
    if (Next() != "level" || Next() != "notice") return false;
    const std::string prefix(p.substr(1, p.size() - 2));
    if (prefix.find('\\') != std::string::npos) return false;
    out_.push_back(Make(Kind::kLog, /*key=*/5, 0, 0, {}, {}, prefix, false));  // level 5: notice
    return true;
  }

  bool Verdict(std::string_view w) {
    int32_t code = 0;
    std::string chain;
    if (w == "accept") {
      code = NF_ACCEPT;
    } else if (w == "drop") {
      code = NF_DROP;
    } else if (w == "return") {
      code = NFT_RETURN;
    } else if (w == "jump" || w == "goto") {
      code = w == "jump" ? NFT_JUMP : NFT_GOTO;
      chain = std::string(Next());
      if (chain.empty() || chain.front() == '@' || chain.front() == '"') return false;
    } else {
      return false;
    }
    out_.push_back(Make(Kind::kVerdict, static_cast<uint32_t>(code), 0, 0, {}, {}, chain, false));
    done_ = true;  // nothing may follow a verdict
    return true;
  }

  // nft's payload_try_merge: over the whole rule, the payload matches
  // against a value (load + compare, no mask, range or set), in stable
  // order of offset; each joins the previous one when both are equalities
  // on adjacent bytes of one header and the join stays a fast load (<= 4
  // bytes; link layer <= 16). The joined match stays where the first was.
  // (nft 1.0.6 also joins two inequalities into one, which means "not
  // both": we do not, and the renderer never writes such a pair.)
  void MergePayloads() {
    std::vector<std::vector<NftExpr>> stmts;
    for (auto& e : out_) {
      const bool starts = e.kind != Kind::kCmp && e.kind != Kind::kBitwise &&
                          e.kind != Kind::kRange && e.kind != Kind::kLookup &&
                          e.kind != Kind::kMetaSet;
      if (starts || stmts.empty()) stmts.emplace_back();
      stmts.back().push_back(std::move(e));
    }
    std::vector<size_t> sa;
    for (size_t k = 0; k < stmts.size(); ++k) {
      const auto& st = stmts[k];
      if (st.size() == 2 && st[0].kind == Kind::kPayload && st[1].kind == Kind::kCmp &&
          (st[1].key == NFT_CMP_EQ || st[1].key == NFT_CMP_NEQ)) {
        sa.push_back(k);
      }
    }
    std::stable_sort(sa.begin(), sa.end(),
                     [&](size_t x, size_t y) { return stmts[x][0].offset < stmts[y][0].offset; });
    std::vector<bool> gone(stmts.size(), false);
    for (size_t i = 1, j = sa.empty() ? 0 : sa[0]; i < sa.size(); ++i) {
      std::vector<NftExpr>& a = stmts[j];
      std::vector<NftExpr>& b = stmts[sa[i]];
      const uint32_t limit = a[0].key == NFT_PAYLOAD_LL_HEADER ? 16 : 4;
      if (a[0].key != b[0].key || a[0].offset + a[0].len != b[0].offset || a[1].key != NFT_CMP_EQ ||
          b[1].key != NFT_CMP_EQ || a[0].len + b[0].len > limit) {
        j = sa[i];
        continue;
      }
      a[0].len += b[0].len;
      a[1].data.insert(a[1].data.end(), b[1].data.begin(), b[1].data.end());
      gone[sa[i]] = true;
    }
    out_.clear();
    for (size_t k = 0; k < stmts.size(); ++k) {
      if (!gone[k]) out_.insert(out_.end(), stmts[k].begin(), stmts[k].end());
    }
  }

  std::vector<std::string_view> t_;
  size_t i_ = 0;
  bool done_ = false;
  std::optional<uint8_t> nfproto_, l4proto_;
  bool iiftype_known_ = false;
  std::vector<NftExpr> out_;
};

std::string Words(const Bytes& d) {
  std::string out;
  for (size_t k = 0; k < d.size(); k += 4) {
    uint32_t w = 0;
    for (size_t b = 0; b < 4 && k + b < d.size(); ++b) w |= uint32_t{d[k + b]} << (8 * b);
    out += fmt::format("{}0x{:08x}", k ? " " : "", w);
  }
  return out;
}

std::string Describe(const NftExpr& e) {
  static const std::map<uint32_t, const char*> kMeta = {
      {NFT_META_NFPROTO, "nfproto"}, {NFT_META_L4PROTO, "l4proto"}, {NFT_META_MARK, "mark"},
      {NFT_META_IIFTYPE, "iiftype"}, {NFT_META_IIFNAME, "iifname"}, {NFT_META_OIFNAME, "oifname"}};
  static const char* const kCmpOps[] = {"eq", "neq", "lt", "lte", "gt", "gte"};
  static const char* const kBases[] = {"link", "network", "transport"};
  switch (e.kind) {
    case Kind::kMetaLoad:
      return fmt::format("[ meta load {} => reg 1 ]", kMeta.at(e.key));
    case Kind::kMetaSet:
      return fmt::format("[ meta set {} with reg 1 ]", kMeta.at(e.key));
    case Kind::kCtLoad:
      return "[ ct load state => reg 1 ]";
    case Kind::kPayload:
      return fmt::format("[ payload load {}b @ {} header + {} => reg 1 ]", e.len, kBases[e.key],
                         e.offset);
    case Kind::kCmp:
      return fmt::format("[ cmp {} reg 1 {} ]", kCmpOps[e.key], Words(e.data));
    case Kind::kBitwise:
      return fmt::format("[ bitwise reg 1 = ( reg 1 & {} ) ^ {} ]", Words(e.data), Words(e.data2));
    case Kind::kRange:
      return fmt::format("[ range {} reg 1 {} {} ]", e.key == NFT_RANGE_NEQ ? "neq" : "eq",
                         Words(e.data), Words(e.data2));
    case Kind::kLookup:
      return fmt::format("[ lookup reg 1 set {}{}{} ]", e.name.empty() ? "__set%d" : e.name,
                         e.verdict_map ? " dreg 0" : "", e.invert ? " 0x1" : "");
    case Kind::kVerdict: {
      const auto code = static_cast<int32_t>(e.key);
      if (code == NFT_JUMP || code == NFT_GOTO) {
        return fmt::format("[ immediate reg 0 {} -> {} ]", code == NFT_JUMP ? "jump" : "goto",
                           e.name);
      }
      return fmt::format("[ immediate reg 0 {} ]", code == NF_ACCEPT ? "accept"
                                                   : code == NF_DROP ? "drop"
                                                                     : "return");
    }
    case Kind::kNotrack:
      return "[ notrack ]";
    case Kind::kLimit:
      return fmt::format("[ limit rate {}/second burst {} type packets flags 0x0 ]", e.key,
                         e.offset);
    case Kind::kLog:
      return fmt::format("[ log prefix {} level {} ]", e.name, e.key);
    case Kind::kCounter:
      return "[ counter pkts 0 bytes 0 ]";
  }
  return "[ ? ]";
}

}  // namespace

std::optional<std::vector<NftExpr>> CompileRule(std::string_view text) {
  std::optional<std::vector<std::string_view>> t = Tokens(text);
  if (!t || t->empty()) return std::nullopt;
  if (t->size() >= 2 && (*t)[t->size() - 2] == "comment") {
    if (!RuleComment(text)) return std::nullopt;
    t->resize(t->size() - 2);
    if (t->empty()) return std::nullopt;
  }
  return Compiler(std::move(*t)).Run();
}

std::optional<std::string> RuleComment(std::string_view text) {
  std::optional<std::vector<std::string_view>> t = Tokens(text);
  if (!t || t->size() < 2 || (*t)[t->size() - 2] != "comment") return std::nullopt;
  const std::string_view q = t->back();
  // Our comments never hold quotes or backslashes (nft would unescape them).
  if (q.size() < 2 || !q.starts_with('"') || !q.ends_with('"')) return std::nullopt;
  const std::string_view body = q.substr(1, q.size() - 2);
  if (body.find_first_of("\\\"") != std::string_view::npos) return std::nullopt;
  return std::string(body);
}

std::string DescribeExprs(const std::vector<NftExpr>& exprs) {
  std::string out;
  for (const auto& e : exprs) out += Describe(e) + "\n";
  return out;
}

}  // namespace felix::dataplane
