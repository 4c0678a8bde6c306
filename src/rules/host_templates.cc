// Host endpoints named by an interface template (render_parts.h): "*" for
// every host interface, "eth*" for every interface whose name starts with
// "eth". The kernel matches them (nft's `iifname "eth*"`), so an interface
// that appears later is policed from its first packet, with no netlink
// round trip. They come after the verdict maps in each dispatch chain: an
// interface bound by name or by expected IP is never a template's.
#include <algorithm>

#include "fmt/format.h"
#include "rules/names.h"
#include "rules/render_parts.h"

namespace felix::rules {

std::vector<HostTemplate> HostTemplates(const DesiredState& s) {
  std::vector<HostTemplate> out;
  bool star = false;
  for (const auto& [id, ep] : s.host_endpoints) {  // id order: the first "*" wins
    if (!ep.name || !model::IsInterfaceTemplate(*ep.name)) continue;
    std::string prefix = ep.name->substr(0, ep.name->size() - 1);
    if (prefix.empty()) {
      if (!std::exchange(star, true)) out.push_back({prefix, id});
      continue;
    }
    if (HasWorkloadPrefix(s.config, prefix)) continue;  // only workload interfaces
    out.push_back({std::move(prefix), id});
  }
  std::stable_sort(out.begin(), out.end(), [](const HostTemplate& a, const HostTemplate& b) {
    return a.prefix.size() > b.prefix.size();  // longest first; then id order
  });
  return out;
}

std::optional<calc::HostEndpointId> TemplateEndpointOf(
    const DesiredState& s, const std::string& iface, bool star,
    const std::function<bool(const calc::HostEndpointId&)>& star_takes_workloads) {
  const bool workload = HasWorkloadPrefix(s.config, iface);
  for (const auto& t : HostTemplates(s)) {
    if (t.prefix.empty()) {
      if (!star || (workload && !star_takes_workloads(t.id))) return std::nullopt;
      return t.id;
    }
    if (!workload && iface.starts_with(t.prefix)) return t.id;
  }
  return std::nullopt;
}

std::vector<std::string> TemplateDispatchRules(
    const DesiredState& s, const std::vector<HostTemplate>& templates, const char* field,
    const std::map<calc::HostEndpointId, std::string>& targets, bool star,
    const std::function<bool(const calc::HostEndpointId&)>& star_takes_workloads) {
  std::vector<std::string> out;
  for (const auto& t : templates) {
    const bool is_star = t.prefix.empty();
    if (is_star && !star) continue;
    std::string rule = is_star ? "" : fmt::format("{} {} ", field, QuoteIface(t.prefix, true));
    if (!is_star || !star_takes_workloads(t.id)) {
      // Leave out the workload interfaces the pattern would also match.
      for (const auto& p : s.config.interface_prefixes) {
        if (p.starts_with(t.prefix)) rule += fmt::format("{} != {} ", field, QuoteIface(p, true));
      }
    }
    const auto it = targets.find(t.id);
    if (it == targets.end()) {
      if (is_star) continue;  // last anyway: the chain's end returns
      rule += "return";       // the template's interface, nothing for it here
    } else {
      rule += "goto " + it->second;
    }
    out.push_back(std::move(rule));
  }
  // Trailing returns do what the chain's end does.
  while (!out.empty() && out.back().ends_with(" return")) out.pop_back();
  return out;
}

}  // namespace felix::rules
