// How felixctl reaches etcd: the agent's own settings (FELIX_* environment and
// the config file, resolved by the config layer exactly as calico-felix does)
// with felixctl's command-line overrides on top, so that an operator's
// felixctl talks to the same etcd, over the same API, as the agent.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "datastore/datastore.h"

namespace felix::cli {

// The flags every etcd command takes.
struct EtcdOptions {
  std::string config_file = "/etc/calico/felix.cfg";  // -c/--config-file; missing is fine
  std::string endpoints;                              // --etcd-endpoints URL[,URL]; "" = config
  std::string api;                                    // --etcd-api v2|v3; "" = config
};

// What the etcd commands need from the configuration.
struct CtlSettings {
  datastore::EtcdSettings etcd;
  std::vector<std::string> interface_prefixes{"cali"};  // InterfacePrefix, for validation
  // FelixHostname when the environment or file sets it, else "" (the
  // lockout guard then takes this machine's hostname).
  std::string felix_hostname;
};

// Pure: the settings from the raw sources (`file_text` nullopt = no file).
// Errors are the config layer's (`Invalid value for EtcdApi: ...`) or the
// override's (`invalid etcd endpoint '...': ...`, `invalid etcd API '...'`).
Result<CtlSettings> ResolveCtlSettings(const EtcdOptions& opts,
                                       const std::map<std::string, std::string>& env,
                                       const std::optional<std::string>& file_text);

// Reads the process environment and opts.config_file, then resolves.
Result<CtlSettings> LoadCtlSettings(const EtcdOptions& opts);

}  // namespace felix::cli
