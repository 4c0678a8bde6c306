// Chain and set naming for the renderer (see names.h), plus IpSetName and
// NftCidr from the public header.
#include "rules/names.h"

#include <cstdint>

#include "fmt/format.h"
#include "rules/rules.h"

namespace felix::rules {
namespace {

constexpr size_t kMaxPlainLength = 40;

bool IsPlainChar(char c, bool allow_slash) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-' || (allow_slash && c == '/');
}

std::string Part(std::string_view id, bool allow_slash) {
  bool plain = !id.empty() && id.size() <= kMaxPlainLength && id[0] != '_';
  for (char c : id) plain = plain && IsPlainChar(c, allow_slash);
  if (plain) return std::string(id);
  return fmt::format("_{:016x}", Fnv1a64(id));
}

}  // namespace

uint64_t Fnv1a64(std::string_view s, uint64_t h) {
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

std::string NamePart(std::string_view id) { return Part(id, false); }

std::string PolicyChainName(const calc::PolicyId& id, bool inbound) {
  return fmt::format("cali-p{}-{}", inbound ? "i" : "o", Part(id.tier + "/" + id.name, true));
}

std::string ProfileChainName(const std::string& id, bool inbound) {
  return fmt::format("cali-pr{}-{}", inbound ? "i" : "o", NamePart(id));
}

std::string WorkloadChainName(std::string_view kind, const std::string& iface) {
  return fmt::format("cali-{}-{}", kind, NamePart(iface));
}

std::string HostChainName(std::string_view kind, const calc::HostEndpointId& id) {
  return fmt::format("cali-{}-{}", kind, NamePart(id.endpoint));
}

std::string SplitChainName(std::string_view kind, const std::string& iface) {
  return fmt::format("cali-{}-{}", kind, NamePart(iface));
}

std::string QuoteIface(std::string_view iface, bool wildcard) {
  // nft's wildcard keeps the '*' within IFNAMSIZ - 1 bytes: a prefix of the
  // longest name (15) matches that one name, so it is written exact (the
  // wildcard is rejected by nft and would fail every transaction).
  constexpr size_t kMaxName = 15;
  return fmt::format("\"{}{}\"", iface, wildcard && iface.size() < kMaxName ? "*" : "");
}

std::string IpSetName(const std::string& ip_set_id, int family) {
  return fmt::format("cali{}-{}", family, NamePart(ip_set_id));
}

std::string NftCidr(const model::Cidr& c) {
  const model::Cidr n = c.Network();
  if (n.prefix == (n.addr.family == 4 ? 32 : 128)) return n.addr.ToString();
  return fmt::format("{}/{}", n.addr.ToString(), n.prefix);
}

}  // namespace felix::rules
