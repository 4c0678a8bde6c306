// BuildHostModel (host_model.h): the agent's snapshot path, run once.
#include "daemon/host_model.h"

#include "base/strings.h"
#include "calc/calc.h"
#include "calc/rule_translate.h"
#include "daemon/agent_core.h"
#include "daemon/update_router.h"
#include "model/model.h"

namespace felix::daemon {
namespace {

class StateSink final : public calc::MessageSink {
 public:
  explicit StateSink(rules::DesiredState& s) : s_(s) {}
  void OnMessage(const calc::Message& m) override { rules::ApplyMessage(s_, m); }

 private:
  rules::DesiredState& s_;
};

// The id -> source map and the policies' selectors, from the valid values.
void RecordSources(const std::vector<datastore::KeyValue>& snapshot,
                   const model::ValidationContext& ctx, HostModel& m) {
  auto scan = [&](const std::vector<model::Rule>& rules) {
    calc::ForEachIpSetRef(
        rules,
        [&](const selector::Selector& s) {
          m.ip_set_sources[s.unique_id()] = "selector " + s.canonical();
        },
        [&](const std::string& tag) { m.ip_set_sources[calc::TagIpSetId(tag)] = "tag " + tag; });
  };
  for (const auto& kv : snapshot) {
    const auto key = model::ParseKey(kv.key);
    if (!key) continue;
    if (!std::holds_alternative<model::PolicyKey>(*key) &&
        !std::holds_alternative<model::ProfileRulesKey>(*key)) {
      continue;
    }
    const model::Decoded d = model::DecodeValue(*key, kv.value, ctx);
    if (!d.value) continue;
    if (const auto* p = std::get_if<model::Policy>(&*d.value)) {
      const auto& k = std::get<model::PolicyKey>(*key);
      m.policy_sources[calc::PolicyId{k.tier, k.policy}] = {p->selector.canonical(), p->order};
      scan(p->inbound);
      scan(p->outbound);
    } else if (const auto* r = std::get_if<model::ProfileRules>(&*d.value)) {
      scan(r->inbound);
      scan(r->outbound);
    }
  }
}

}  // namespace

Result<HostModel> BuildHostModel(const HostModelInputs& in) {
  HostModel m;
  config::ConfigInputs ci;
  // FelixHostname is `hostname`, whatever the environment says.
  for (const auto& [name, value] : in.env) {
    if (!EqualsIgnoreCase(name, "FELIX_FELIXHOSTNAME")) ci.env[name] = value;
  }
  ci.env["FELIX_FELIXHOSTNAME"] = in.hostname;
  ci.file_text = in.config_file_text;
  ci.file_path = in.config_file_path;
  ci.default_hostname = in.hostname;
  auto bootstrap = config::ResolveConfig(ci);
  if (!bootstrap.ok()) return bootstrap.status();
  // As AgentCore: the snapshot through the router, then config resolved with
  // etcd's keys, then in sync.
  calc::CalcGraph graph(in.hostname, DataplaneConfigOf(bootstrap->config));
  UpdateRouter router(model::ValidationContext{in.hostname, bootstrap->config.interface_prefixes},
                      graph);
  for (const auto& kv : in.snapshot) {
    router.OnUpdate(kv.key, kv.value);
    if (kv.key == "/calico/v1/Ready") m.ready = kv.value == "true";
  }
  ci.etcd_global = router.etcd_global();
  ci.etcd_host = router.etcd_host();
  auto resolved = config::ResolveConfig(ci);
  if (!resolved.ok()) return resolved.status();
  m.config = std::move(resolved).value();
  m.warnings = m.config.warnings;
  const model::ValidationContext ctx{in.hostname, m.config.config.interface_prefixes};
  router.SetValidationContext(ctx);
  graph.OnConfig(DataplaneConfigOf(m.config.config));
  graph.OnInSync();
  StateSink sink(m.state);
  graph.Flush(sink);
  if (in.interfaces) {
    m.interfaces_known = true;
    m.resolution = dataplane::ResolveInterfaces(m.state.host_endpoints, *in.interfaces,
                                                m.config.config.interface_prefixes, &m.warnings);
  }
  RecordSources(in.snapshot, ctx, m);
  return m;
}

std::vector<datastore::KeyValue> ApplyChanges(std::vector<datastore::KeyValue> snapshot,
                                              const std::vector<datastore::KeyUpdate>& changes) {
  std::map<std::string, std::optional<std::string>> last;  // the last change per key wins
  for (const auto& c : changes) last[c.key] = c.value;
  std::vector<datastore::KeyValue> out;
  out.reserve(snapshot.size() + last.size());
  for (auto& kv : snapshot) {
    const auto it = last.find(kv.key);
    if (it == last.end()) {
      out.push_back(std::move(kv));
      continue;
    }
    if (it->second) out.push_back({kv.key, *it->second});
    last.erase(it);
  }
  for (auto& [key, value] : last) {
    if (value) out.push_back({key, *value});
  }
  return out;
}

}  // namespace felix::daemon
