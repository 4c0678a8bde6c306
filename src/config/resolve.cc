// ResolveConfig(): layers env > config file > etcd per-host > etcd global >
// default, then parses every parameter and runs the cross-parameter fix-ups.
// Pure: the caller supplies every source as text.
#include <fmt/format.h>

#include "base/strings.h"
#include "config/config.h"
#include "config/ini.h"
#include "config/params.h"

namespace felix::config {
namespace {

constexpr std::string_view kEnvPrefix = "FELIX_";

// The winning raw value per parameter, filled highest-priority source first.
class Chooser {
 public:
  explicit Chooser(size_t n) : chosen_(n) {}

  // Offers a value; kept only if no higher source gave one. Empty values are
  // "not set" unless the parameter says otherwise.
  void Offer(size_t index, std::string_view raw, Source source, std::string text) {
    const std::string_view v = Trim(raw);
    if (v.empty() && !ParamTable()[index].empty_is_value) return;
    if (chosen_[index]) return;
    chosen_[index] = ParameterOrigin{source, std::string(v), std::move(text)};
  }

  std::vector<std::optional<ParameterOrigin>>& chosen() { return chosen_; }

 private:
  std::vector<std::optional<ParameterOrigin>> chosen_;
};

void OfferEtcd(const std::map<std::string, std::string>& values, Source source,
               std::string_view scope, Chooser& chooser, std::vector<std::string>& warnings) {
  const std::string text = source == Source::kEtcdHost ? "Host specific etcd configuration"
                                                       : "Global etcd configuration";
  for (const auto& [name, value] : values) {
    const std::optional<size_t> i = FindParamIndex(name);
    if (!i) {
      warnings.push_back(fmt::format("Got unexpected config item {}={}", name, value));
    } else if (ParamTable()[*i].info.bootstrap_only) {
      warnings.push_back(fmt::format("Ignoring local-only configuration for {} from datastore ({})",
                                     ParamTable()[*i].info.name, scope));
    } else {
      chooser.Offer(*i, value, source, text);
    }
  }
}

}  // namespace

Result<ResolvedConfig> ResolveConfig(const ConfigInputs& in) {
  const std::span<const ParamSpec> table = ParamTable();
  ResolvedConfig out;
  Chooser chooser(table.size());

  for (const auto& [name, value] : in.env) {
    if (name.size() <= kEnvPrefix.size() ||
        !EqualsIgnoreCase(name.substr(0, kEnvPrefix.size()), kEnvPrefix)) {
      continue;
    }
    if (const std::optional<size_t> i = FindParamIndex(name.substr(kEnvPrefix.size()))) {
      chooser.Offer(*i, value, Source::kEnvironment, "Environment variable " + name);
    }
  }

  if (in.file_text) {
    Result<std::map<std::string, std::string>> ini = ParseIni(*in.file_text);
    if (!ini.ok()) {
      return Status::InvalidArgument(
          fmt::format("Invalid config file {}: {}", in.file_path, ini.status().message()));
    }
    const std::string text = "Configuration file " + in.file_path;
    for (const auto& [key, value] : *ini) {
      if (const std::optional<size_t> i = FindParamIndex(key)) {
        chooser.Offer(*i, value, Source::kConfigFile, text);
      } else {
        out.warnings.push_back(fmt::format("Got unexpected config item {}={}", key, value));
      }
    }
  }

  OfferEtcd(in.etcd_host, Source::kEtcdHost, "per-host", chooser, out.warnings);
  OfferEtcd(in.etcd_global, Source::kEtcdGlobal, "global", chooser, out.warnings);

  out.origins.reserve(table.size());
  for (size_t i = 0; i < table.size(); ++i) {
    std::optional<ParameterOrigin>& chosen = chooser.chosen()[i];
    if (!chosen) {
      const bool is_hostname = table[i].info.name == "FelixHostname";
      chosen = ParameterOrigin{
          Source::kDefault,
          is_hostname ? in.default_hostname : std::string(table[i].info.default_value), "None"};
    }
    const Status st = table[i].parse(chosen->raw, out.config, out.warnings);
    if (!st.ok()) {
      return Status::InvalidArgument(fmt::format("Invalid value for {}: {} (from {}): {}",
                                                 table[i].info.name, PyRepr(chosen->raw),
                                                 chosen->text, st.message()));
    }
    out.origins.push_back(std::move(*chosen));
  }

  if (std::optional<ParamError> err = Finalize(out.config, out.warnings)) {
    const ParameterOrigin* origin = out.Origin(err->name);
    return Status::InvalidArgument(fmt::format("Invalid value for {}: {} (from {}): {}", err->name,
                                               PyRepr(origin->raw), origin->text, err->reason));
  }
  return out;
}

Config DefaultConfig(std::string_view hostname) {
  ConfigInputs in;
  in.default_hostname = std::string(hostname.empty() ? "localhost" : hostname);
  Result<ResolvedConfig> r = ResolveConfig(in);
  return r.ok() ? std::move(r->config) : Config{};
}

const ParameterOrigin* ResolvedConfig::Origin(std::string_view name) const {
  const std::optional<size_t> i = FindParamIndex(name);
  if (!i || *i >= origins.size()) return nullptr;
  return &origins[*i];
}

}  // namespace felix::config
