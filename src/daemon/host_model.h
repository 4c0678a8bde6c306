// What one host's agent would program, computed off the host (felixctl
// explain, trace and the lockout guard): a datastore snapshot goes through
// the agent's own path (UpdateRouter's decoding and validation, config
// resolution, the calc graph) into the rules layer's DesiredState, the input
// of the renderer. No I/O: the caller lists etcd and, when it runs on that
// host, reads its interfaces.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "config/config.h"
#include "dataplane/dataplane.h"
#include "datastore/datastore.h"
#include "rules/rules.h"

namespace felix::daemon {

struct HostModelInputs {
  std::string hostname;  // FelixHostname of the host
  // The agent's environment (FELIX_* are picked; FelixHostname is `hostname`).
  std::map<std::string, std::string> env;
  std::vector<datastore::KeyValue> snapshot;  // everything under /calico/v1
  // The host's config file; nullopt = none.
  std::optional<std::string> config_file_text;
  std::string config_file_path = "/etc/calico/felix.cfg";
  // The host's interfaces, when known (run on that host): host endpoints
  // given by expected IPs resolve through them; else they stay unresolved.
  std::optional<dataplane::InterfaceAddrs> interfaces;
};

// Where a policy comes from, for explain.
struct PolicySource {
  std::string selector;  // canonical
  std::optional<double> order;
};

struct HostModel {
  config::ResolvedConfig config;
  rules::DesiredState state;
  rules::InterfaceResolution resolution;
  bool ready = false;             // /calico/v1/Ready is true
  bool interfaces_known = false;  // resolution computed from real interfaces
  // IP-set id -> what it stands for: `selector <canonical>` or `tag <name>`.
  std::map<std::string, std::string> ip_set_sources;
  std::map<calc::PolicyId, PolicySource> policy_sources;
  std::vector<std::string> warnings;  // config warnings, resolution clashes
};

// Errors: the config does not resolve (a bad file or value).
Result<HostModel> BuildHostModel(const HostModelInputs& in);

// The same model after `changes` (value empty = deleted) replace keys of
// the snapshot: the "after" side of the lockout guard.
std::vector<datastore::KeyValue> ApplyChanges(std::vector<datastore::KeyValue> snapshot,
                                              const std::vector<datastore::KeyUpdate>& changes);

}  // namespace felix::daemon
