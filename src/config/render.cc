// Rendering of configuration: the start-of-day lines, values in Python repr,
// the list of parameters that changed, and the small enum/struct helpers
// declared in config.h.
#include <fmt/format.h>

#include "config/config.h"
#include "config/params.h"

namespace felix::config {

std::string_view ToString(EndpointToHostAction a) {
  switch (a) {
    case EndpointToHostAction::kReturn:
      return "RETURN";
    case EndpointToHostAction::kAccept:
      return "ACCEPT";
    case EndpointToHostAction::kDrop:
      break;
  }
  return "DROP";
}

std::string_view ToString(DropActionOverride a) {
  switch (a) {
    case DropActionOverride::kAccept:
      return "ACCEPT";
    case DropActionOverride::kLogAndDrop:
      return "LOG-and-DROP";
    case DropActionOverride::kLogAndAccept:
      return "LOG-and-ACCEPT";
    case DropActionOverride::kDrop:
      break;
  }
  return "DROP";
}

std::string_view ToString(Protocol p) { return p == Protocol::kUdp ? "udp" : "tcp"; }

std::vector<std::string> Config::EtcdUrls() const {
  if (!etcd_endpoints.empty()) return etcd_endpoints;
  return {etcd_scheme + "://" + etcd_addr};
}

std::vector<ParameterInfo> Parameters() {
  std::vector<ParameterInfo> out;
  for (const ParamSpec& spec : ParamTable()) out.push_back(spec.info);
  return out;
}

std::optional<ParameterInfo> FindParameter(std::string_view name) {
  const std::optional<size_t> i = FindParamIndex(name);
  if (!i) return std::nullopt;
  return ParamTable()[*i].info;
}

std::vector<std::string> StartOfDayLines(const ResolvedConfig& r) {
  std::vector<std::string> out;
  const std::span<const ParamSpec> table = ParamTable();
  for (size_t i = 0; i < table.size(); ++i) {
    const std::string_view source =
        i < r.origins.size() ? std::string_view(r.origins[i].text) : std::string_view("None");
    out.push_back(fmt::format("Parameter {} ({}) has value {} read from {}", table[i].info.name,
                              table[i].info.description, table[i].render(r.config), source));
  }
  return out;
}

std::string RenderValue(const Config& c, std::string_view name) {
  const std::optional<size_t> i = FindParamIndex(name);
  return i ? ParamTable()[*i].render(c) : std::string();
}

std::vector<std::string> ChangedParameters(const Config& before, const Config& after) {
  std::vector<std::string> out;
  for (const ParamSpec& spec : ParamTable()) {
    if (spec.render(before) != spec.render(after)) out.emplace_back(spec.info.name);
  }
  return out;
}

}  // namespace felix::config
