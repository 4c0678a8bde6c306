// IPAM pools and host IPs (spec §8; [PY] validate_ipam_pool, parse_host_ip).
#include <fmt/format.h>

#include "base/strings.h"
#include "model/validate.h"

namespace felix::model::internal {
namespace {

// ^[0-9\.:a-fA-F\-]{1,43}$
bool IsValidPoolId(std::string_view s) {
  if (s.empty() || s.size() > 43) return false;
  for (char c : s) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
              c == '.' || c == ':' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

Decoded DecodeIpamPool(const IpamPoolKey& key, Json v) {
  Issues issues;
  if (!v.is_object()) {
    issues.Add("Pool should be a dict");
    return Rejected(issues);
  }
  // [PY] drops every key but cidr and masquerade (calicoctl keeps its own).
  Json pool = Json::object();
  for (auto& [k, e] : v.items()) {
    if (k == "cidr" || k == "masquerade") pool[k] = std::move(e);
  }
  IpamPool out;
  if (!pool.contains("cidr")) {
    issues.Add("'cidr' field is missing");
  } else {
    const Json& cidr = pool["cidr"];
    auto c = cidr.is_string() ? ParseCidr(cidr.get_ref<const std::string&>(), key.ip_version)
                              : std::optional<Cidr>();
    if (!c) {
      issues.Add(fmt::format("Invalid CIDR: {}", PyRepr(cidr)));
    } else {
      out.cidr = *c;
      pool["cidr"] = c->ToString();
    }
  }
  if (pool.contains("masquerade")) {
    if (!pool["masquerade"].is_boolean()) {
      issues.Add(fmt::format("Invalid 'masquerade' field: {}", PyRepr(pool["masquerade"])));
    } else {
      out.masquerade = pool["masquerade"].get<bool>();
    }
  }
  if (!IsValidPoolId(key.pool_id)) {
    issues.Add(fmt::format("Invalid pool ID: {}", PyRepr(pool)));  // [PY] printed the pool
  }
  if (!issues.empty()) {
    // [PY] joined pool issues with "," (not " "); keep that in one issue.
    std::vector<std::string> all = issues.Take();
    Issues joined;
    joined.Add(fmt::format("{}", fmt::join(all, ",")));
    return Rejected(joined);
  }
  return Accepted(out);
}

// [PY] accepted an IPv4 or IPv6 address here; the hosts set is IPv4-only, so
// we accept IPv4 only (spec §8: "raw IPv4 string").
Decoded DecodeHostIp(const HostIpKey& key, std::string_view raw) {
  Issues issues;
  if (auto ip = ParseIpAddr(raw, 4)) return Accepted(HostIp{*ip});
  issues.Add(fmt::format("{} has invalid IP: {}", key.hostname, felix::PyRepr(raw)));
  return Rejected(issues);
}

}  // namespace felix::model::internal
