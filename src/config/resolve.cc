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

// Every offered raw value per parameter, highest-priority source first.
class Chooser {
 public:
  explicit Chooser(size_t n) : offers_(n) {}

  // Empty values are "not set" unless the parameter says otherwise.
  void Offer(size_t index, std::string_view raw, Source source, std::string text) {
    const std::string_view v = Trim(raw);
    if (v.empty() && !ParamTable()[index].empty_is_value) return;
    offers_[index].push_back(ParameterOrigin{source, std::string(v), std::move(text)});
  }

  std::vector<std::vector<ParameterOrigin>>& offers() { return offers_; }

 private:
  std::vector<std::vector<ParameterOrigin>> offers_;
};

bool FromDatastore(Source s) { return s == Source::kEtcdHost || s == Source::kEtcdGlobal; }

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
    std::vector<ParameterOrigin>& offers = chooser.offers()[i];
    const bool is_hostname = table[i].info.name == "FelixHostname";
    offers.push_back(ParameterOrigin{
        Source::kDefault,
        is_hostname ? in.default_hostname : std::string(table[i].info.default_value), "None"});
    // The first offer that parses wins. A bad datastore value is rejected
    // alone and the next source (in the end the default) applies: one bad
    // key must not drop the rest of the datastore's config (fail open).
    for (ParameterOrigin& offer : offers) {
      const Status st = table[i].parse(offer.raw, out.config, out.warnings);
      if (st.ok()) {
        out.origins.push_back(std::move(offer));
        break;
      }
      const std::string what = fmt::format("value for {}: {} (from {}): {}", table[i].info.name,
                                           ShortRepr(offer.raw), offer.text, st.message());
      if (!FromDatastore(offer.source)) return Status::InvalidArgument("Invalid " + what);
      out.warnings.push_back("Ignoring invalid " + what);
    }
  }

  for (size_t i = 0; i < table.size(); ++i) {
    if (!table[i].info.unsupported.empty() && out.origins[i].source != Source::kDefault) {
      out.warnings.push_back(
          fmt::format("Parameter {} is set to {} (from {}) but Felix++ does not act on it: {}",
                      table[i].info.name, table[i].render(out.config), out.origins[i].text,
                      table[i].info.unsupported));
    }
  }
  if (std::optional<ParamError> err = Finalize(out.config, out.warnings)) {
    const ParameterOrigin* origin = out.Origin(err->name);
    return Status::InvalidArgument(fmt::format("Invalid value for {}: {} (from {}): {}", err->name,
                                               ShortRepr(origin->raw), origin->text, err->reason));
  }
  return out;
}

Result<std::string> CheckDatastoreValue(std::string_view name, std::string_view raw,
                                        std::vector<std::string>& warnings) {
  const std::optional<size_t> i = FindParamIndex(name);
  if (!i) {
    return Status::InvalidArgument(
        fmt::format("{} is not a Felix parameter: the agent ignores it with a warning", name));
  }
  const ParamSpec& row = ParamTable()[*i];
  if (row.info.bootstrap_only) {
    return Status::InvalidArgument(
        fmt::format("{} is local-only (config file or environment): the agent ignores it in etcd",
                    row.info.name));
  }
  const std::string_view v = Trim(raw);
  if (v.empty() && !row.empty_is_value) {
    return Status::InvalidArgument(
        fmt::format("empty: the agent treats {} as not set", row.info.name));
  }
  Config c = DefaultConfig("localhost");
  const Status st = row.parse(v, c, warnings);
  if (!st.ok()) {
    return Status::InvalidArgument(
        fmt::format("Invalid value for {}: {}: {}", row.info.name, ShortRepr(v), st.message()));
  }
  return row.render(c);
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
