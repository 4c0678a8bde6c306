// Host endpoint -> interface resolution by expected addresses (spec §18.6),
// pure: computed from the interface monitor's snapshot whenever it or the
// endpoints change, so dispatch follows addresses as they come and go.
#include <algorithm>
#include <map>
#include <set>

#include "dataplane/dataplane.h"

namespace felix::dataplane {
namespace {

const Logger kLog("calico.felix.dataplane");

std::string StripParent(const std::string& name) {
  size_t at = name.find('@');
  return at == std::string::npos ? name : name.substr(0, at);
}

bool HasPrefix(const std::string& name, const std::vector<std::string>& prefixes) {
  return std::any_of(prefixes.begin(), prefixes.end(), [&](const std::string& p) {
    return !p.empty() && name.compare(0, p.size(), p) == 0;
  });
}

// One family: address -> interfaces carrying it (sorted), then claims.
std::map<calc::HostEndpointId, std::vector<std::string>> ResolveFamily(
    int family, const std::map<calc::HostEndpointId, calc::HostEndpointUpdate>& endpoints,
    const InterfaceAddrs& interfaces, const std::vector<std::string>& prefixes,
    std::vector<std::string>* warnings) {
  std::map<model::IpAddr, std::set<std::string>> by_addr;
  for (const auto& [raw_name, addrs] : interfaces) {
    std::string name = StripParent(raw_name);
    if (HasPrefix(name, prefixes)) continue;
    for (const model::IpAddr& a : addrs) {
      if (a.family == family) by_addr[a].insert(name);
    }
  }
  std::map<calc::HostEndpointId, std::vector<std::string>> out;
  std::map<std::string, calc::HostEndpointId> claimed;
  for (const auto& [id, ep] : endpoints) {  // sorted by id
    if (ep.name) continue;
    const auto& expected = family == 4 ? ep.expected_ipv4_addrs : ep.expected_ipv6_addrs;
    std::set<model::IpAddr> want(expected.begin(), expected.end());
    for (const auto& [addr, names] : by_addr) {
      if (!want.contains(addr)) continue;
      for (const std::string& name : names) {
        auto [it, inserted] = claimed.try_emplace(name, id);
        if (!inserted && it->second != id) {
          std::string w = fmt::format(
              "Interface {} matched with multiple entries in datamodel; using HostEndpointId<{}>",
              name, it->second.endpoint);
          FLOG_WARNING(kLog, "{}", w);
          if (warnings) warnings->push_back(std::move(w));
          continue;
        }
        auto& list = out[id];
        if (std::find(list.begin(), list.end(), name) == list.end()) list.push_back(name);
      }
    }
  }
  for (auto& [id, list] : out) std::sort(list.begin(), list.end());
  return out;
}

}  // namespace

rules::InterfaceResolution ResolveInterfaces(
    const std::map<calc::HostEndpointId, calc::HostEndpointUpdate>& endpoints,
    const InterfaceAddrs& interfaces, const std::vector<std::string>& prefixes,
    std::vector<std::string>* warnings) {
  rules::InterfaceResolution r;
  r.v4_ifaces = ResolveFamily(4, endpoints, interfaces, prefixes, warnings);
  r.v6_ifaces = ResolveFamily(6, endpoints, interfaces, prefixes, warnings);
  return r;
}

}  // namespace felix::dataplane
