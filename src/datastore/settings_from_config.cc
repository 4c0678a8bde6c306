// Client settings from the agent's configuration, shared by calico-felix and
// felixctl so that both reach the same etcd the same way.
#include "datastore/datastore.h"

namespace felix::datastore {

EtcdSettings SettingsFromConfig(const config::ResolvedConfig& r) {
  const config::Config& c = r.config;
  EtcdSettings s;
  s.api = c.etcd_api == config::EtcdApi::kV3 ? EtcdApi::kV3 : EtcdApi::kV2;
  s.endpoints = c.EtcdUrls();
  const config::ParameterOrigin* addr = r.Origin("EtcdAddr");
  if (c.etcd_endpoints.empty() && addr != nullptr && addr->source == config::Source::kDefault) {
    s.endpoints = {c.etcd_scheme + "://localhost:2379", c.etcd_scheme + "://" + c.etcd_addr};
  }
  s.key_file = c.etcd_key_file.value_or("");
  s.cert_file = c.etcd_cert_file.value_or("");
  s.ca_file = c.etcd_ca_file.value_or("none");
  s.username = c.etcd_username;
  s.password = c.etcd_password;
  return s;
}

}  // namespace felix::datastore
