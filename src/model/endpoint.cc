// Host and workload endpoint validation (spec §4-§5; [PY] validate_endpoint,
// validate_host_endpoint, _validate_endpoint_common), with the deliberate
// differences of DESIGN §2: the guide's presence text, dotted (VLAN)
// interface names, a cleanly rejected list mixing valid and invalid addresses,
// and non-list `profile_ids` rejected (1.4.9 iterated a string's characters and
// crashed on other types).
#include <fmt/format.h>

#include "base/strings.h"
#include "model/validate.h"

namespace felix::model::internal {
namespace {

constexpr std::string_view kPresenceIssue = "'name' or 'expected_ipvX_addrs' must be present.";

// What the common checks produce for both endpoint kinds.
struct Common {
  std::optional<std::string> name;
  std::optional<std::string> mac;
  std::vector<std::string> profile_ids;
  Labels labels;
  std::vector<Cidr> nets[2];  // [0] = v4, [1] = v6
  std::vector<NatMapping> nat[2];
  std::optional<IpAddr> gateway[2];
};

const Json* Get(const Json& obj, std::string_view key) {
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

std::optional<IpAddr> AddrOf(const Json& v, int version) {
  if (!v.is_string()) return std::nullopt;
  return ParseIpAddr(v.get_ref<const std::string&>(), version);
}

void ValidateNat(const Json& ep, int version, Issues& issues, Common& c) {
  const std::string n_key = fmt::format("ipv{}_nat", version);
  const std::string nets = fmt::format("ipv{}_nets", version);
  const Json* maps = Get(ep, n_key);
  if (!maps || maps->is_null()) return;
  if (!maps->is_array()) {
    issues.Add(fmt::format("{} should be a list.", n_key));
    return;
  }
  auto& out = c.nat[version == 4 ? 0 : 1];
  for (const Json& m : *maps) {
    std::optional<IpAddr> ips[2];
    const char* names[2] = {"int", "ext"};
    for (int t = 0; t < 2; ++t) {
      const Json* ip = m.is_object() ? Get(m, fmt::format("{}_ip", names[t])) : nullptr;
      if (ip && PyTruthy(*ip)) {
        ips[t] = AddrOf(*ip, version);
        if (!ips[t]) {
          issues.Add(fmt::format("{}_ip ({}) is not a valid IPv{} address.", names[t], PyRepr(*ip),
                                 version));
        }
      } else {
        issues.Add(fmt::format("{}_ip was not specified a {} entry.", names[t], n_key));
      }
    }
    if (ips[0] && ips[1]) out.push_back({*ips[0], *ips[1]});
    if (issues.full()) break;
  }
  const auto& canonical_nets = c.nets[version == 4 ? 0 : 1];
  for (const NatMapping& m : out) {
    Cidr host{m.int_ip, version == 4 ? 32 : 128};
    bool listed = false;
    for (const Cidr& n : canonical_nets) listed = listed || n == host;
    if (!listed) {
      issues.Add(fmt::format("int_ip {} is not listed in {}.", host.ToString(), nets));
    }
  }
}

// _validate_endpoint_common; `v` is known to be an object.
// `host`: a host endpoint, whose name may also be an interface template.
Common ValidateCommon(const std::string& endpoint_id, Json& ep, Issues& issues, bool host) {
  Common c;
  if (!IsValidId(endpoint_id)) {
    issues.Add(fmt::format("Invalid endpoint ID '{}'.", felix::PyRepr(endpoint_id)));
  }
  if (const Json* name = Get(ep, "name")) {
    if (!name->is_string()) {
      issues.Add(fmt::format("Expected 'name' to be a string; got {}.", PyRepr(*name)));
    } else if (const std::string& n = name->get_ref<const std::string&>();
               !IsValidInterfaceName(n) && !(host && IsInterfaceTemplate(n))) {
      issues.Add("'name' must be a valid interface name.");  // Felix's text
    } else {
      c.name = name->get<std::string>();
    }
  }
  if (const Json* mac = Get(ep, "mac")) {
    auto canon = mac->is_string() ? CanonicalMac(mac->get_ref<const std::string&>())
                                  : std::optional<std::string>();
    if (!canon) {
      issues.Add("Invalid MAC address.");
    } else {
      c.mac = *canon;
    }
  }
  if (ep.contains("profile_id")) {
    if (!ep.contains("profile_ids")) ep["profile_ids"] = Json::array({ep["profile_id"]});
    ep.erase("profile_id");
  }
  if (const Json* ids = Get(ep, "profile_ids")) ValidateProfileIds(*ids, issues, c.profile_ids);
  if (const Json* labels = Get(ep, "labels")) ValidateLabelDict(*labels, issues, c.labels);

  for (int version : {4, 6}) {
    const int i = version == 4 ? 0 : 1;
    const std::string nets = fmt::format("ipv{}_nets", version);
    if (const Json* list = Get(ep, nets)) {
      if (!list->is_array()) {
        issues.Add(fmt::format("{} should be a list.", nets));
      } else {
        for (const Json& ip : *list) {
          auto cidr = ip.is_string() ? ParseCidr(ip.get_ref<const std::string&>(), version)
                                     : std::optional<Cidr>();
          if (!cidr) {
            issues.Add(
                fmt::format("IP address {} is not a valid IPv{} CIDR.", PyRepr(ip), version));
            break;
          }
          c.nets[i].push_back(*cidr);
        }
      }
    }
    ValidateNat(ep, version, issues, c);
    const std::string gw_key = fmt::format("ipv{}_gateway", version);
    if (const Json* gw = Get(ep, gw_key); gw && !gw->is_null()) {
      c.gateway[i] = AddrOf(*gw, version);
      if (!c.gateway[i]) {
        issues.Add(fmt::format("{} is not a valid IPv{} gateway address.", gw_key, version));
      }
    }
  }
  return c;
}

}  // namespace

Decoded DecodeHostEndpoint(const HostEndpointKey& key, Json ep, const ValidationContext&) {
  Issues issues;
  if (!ep.is_object()) {
    issues.Add("Expected endpoint to be a dict.");
    return Rejected(issues);
  }
  Common c = ValidateCommon(key.endpoint, ep, issues, /*host=*/true);
  for (int version : {4, 6}) {
    for (auto field : {fmt::format("ipv{}_nets", version), fmt::format("ipv{}_gateway", version),
                       fmt::format("ipv{}_nat", version)}) {
      if (ep.contains(field)) {
        issues.Add(fmt::format("Field '{}' not supported for host endpoints", field));
      }
    }
  }
  if (ep.contains("state")) issues.Add("'state' field not supported for host endpoints");
  if (ep.contains("mac")) issues.Add("'mac' field not supported for host endpoints");

  const Json* v4 = Get(ep, "expected_ipv4_addrs");
  const Json* v6 = Get(ep, "expected_ipv6_addrs");
  if (!ep.contains("name") && !(v4 && PyTruthy(*v4)) && !(v6 && PyTruthy(*v6))) {
    issues.Add(std::string(kPresenceIssue));
  }
  HostEndpoint out;
  for (auto [key_name, list, version, dst] :
       {std::tuple{"expected_ipv4_addrs", v4, 4, &out.expected_ipv4_addrs},
        std::tuple{"expected_ipv6_addrs", v6, 6, &out.expected_ipv6_addrs}}) {
    if (!list) continue;
    if (!list->is_array()) {
      issues.Add(fmt::format("{} should be a list", felix::PyRepr(key_name)));
      continue;
    }
    for (const Json& ip : *list) {
      if (auto a = AddrOf(ip, version)) {
        dst->push_back(*a);
      } else {
        issues.Add(fmt::format("'{}' should be a valid IP, not {}.", key_name, PyRepr(ip)));
        if (issues.full()) break;
      }
    }
  }
  if (!issues.empty()) return Rejected(issues);
  out.name = c.name;
  out.profile_ids = std::move(c.profile_ids);
  out.labels = std::move(c.labels);
  return Accepted(std::move(out));
}

Decoded DecodeWorkloadEndpoint(const WorkloadEndpointKey& key, Json ep,
                               const ValidationContext& ctx) {
  Issues issues;
  if (!ep.is_object()) {
    issues.Add("Expected endpoint to be a dict.");
    return Rejected(issues);
  }
  Common c = ValidateCommon(key.endpoint, ep, issues, /*host=*/false);
  const Json* name = Get(ep, "name");
  if (!name) {
    issues.Add("Missing 'name' field.");
  } else if (name->is_string() && (ctx.hostname.empty() || key.hostname == ctx.hostname)) {
    const auto& n = name->get_ref<const std::string&>();
    bool prefixed = false;
    std::vector<std::string> reprs;
    for (const auto& p : ctx.interface_prefixes) {
      prefixed = prefixed || n.starts_with(p);
      reprs.push_back(felix::PyRepr(p));
    }
    if (!prefixed) {
      issues.Add(fmt::format("Interface {} does not start with any of [{}].", PyRepr(*name),
                             fmt::join(reprs, ", ")));
    }
  }
  const Json* state = Get(ep, "state");
  if (!state) {
    issues.Add("Missing 'state' field.");
  } else if (!(*state == "active" || *state == "inactive")) {
    issues.Add("Expected 'state' to be one of active/inactive.");
  }
  if (ep.contains("expected_ipv4_addrs") || ep.contains("expected_ipv6_addrs")) {
    issues.Add("Expected IP addresses not supported for workload endpoints.");
  }
  if (!issues.empty()) return Rejected(issues);
  WorkloadEndpoint out;
  out.state = state->get<std::string>();
  out.name = *c.name;
  out.mac = c.mac;
  out.profile_ids = std::move(c.profile_ids);
  out.ipv4_nets = std::move(c.nets[0]);
  out.ipv6_nets = std::move(c.nets[1]);
  out.ipv4_gateway = c.gateway[0];
  out.ipv6_gateway = c.gateway[1];
  out.ipv4_nat = std::move(c.nat[0]);
  out.ipv6_nat = std::move(c.nat[1]);
  out.labels = std::move(c.labels);
  return Accepted(std::move(out));
}

}  // namespace felix::model::internal
