// felixctl's etcd settings: the config layer's resolution of FELIX_* and the
// config file, then the --etcd-endpoints / --etcd-api overrides.
#include "cli/etcd_settings.h"

#include "base/system.h"
#include "config/config.h"

namespace felix::cli {

Result<CtlSettings> ResolveCtlSettings(const EtcdOptions& opts,
                                       const std::map<std::string, std::string>& env,
                                       const std::optional<std::string>& file_text) {
  config::ConfigInputs in;
  in.env = env;
  in.file_text = file_text;
  in.file_path = opts.config_file;
  in.default_hostname = "localhost";  // unused: felixctl has no host of its own
  auto resolved = config::ResolveConfig(in);
  if (!resolved.ok()) return resolved.status();
  const config::Config& c = resolved->config;

  CtlSettings s;
  s.interface_prefixes = c.interface_prefixes;
  if (const auto* o = resolved->Origin("FelixHostname");
      o != nullptr && o->source != config::Source::kDefault) {
    s.felix_hostname = c.felix_hostname;
  }
  s.etcd = datastore::SettingsFromConfig(*resolved);
  if (!opts.endpoints.empty()) {
    auto eps = datastore::ParseEndpoints(opts.endpoints, "", "");
    if (!eps.ok()) return eps.status();
    s.etcd.endpoints = *eps;
  }
  if (!opts.api.empty()) {
    auto api = datastore::ParseEtcdApi(opts.api);
    if (!api.ok()) return api.status();
    s.etcd.api = *api;
  }
  return s;
}

Result<CtlSettings> LoadCtlSettings(const EtcdOptions& opts) {
  auto file = ReadFileIfExists(opts.config_file);
  if (!file.ok()) return file.status();
  return ResolveCtlSettings(opts, ProcessEnvironment(), *file);
}

}  // namespace felix::cli
