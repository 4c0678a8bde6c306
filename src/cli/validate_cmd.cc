// felixctl validate: decode and validate one datastore value exactly as the
// agent does, so operators can check objects before writing them to etcd.
#include <ostream>

#include "base/strings.h"
#include "cli/commands.h"
#include "config/config.h"
#include "model/model.h"

namespace felix::cli {
namespace {

// The key named by --key, or built from --kind/--id.
Result<model::Key> KeyFor(const ValidateOptions& o, const std::string& default_host) {
  if (!o.key.empty()) {
    auto key = model::ParseKey(o.key);
    if (!key) {
      return Status::InvalidArgument("'" + o.key + "' is not a /calico/v1 key that Felix reads");
    }
    return *key;
  }
  return model::KeyForKind(o.kind, o.id, o.ip_version, default_host);
}

model::ValidationContext ContextFor(const ValidateOptions& o) {
  model::ValidationContext ctx;
  ctx.hostname = o.hostname;  // "" = the object's own host counts as local
  if (!o.iface_prefix.empty()) {
    ctx.interface_prefixes.clear();
    for (const auto& p : Split(o.iface_prefix, ',')) {
      const auto t = Trim(p);
      if (!t.empty()) ctx.interface_prefixes.emplace_back(t);
    }
  }
  return ctx;
}

int Report(const model::Decoded& d, std::ostream& out) {
  if (d.value) {
    out << "valid\n" << model::CanonicalJson(*d.value) << "\n";
    return kExitOk;
  }
  for (const auto& issue : d.issues) out << issue << "\n";
  return kExitInvalid;
}

// The parameter name of a config key, global or per-host.
const std::string* ConfigName(const model::Key& key) {
  if (const auto* g = std::get_if<model::GlobalConfigKey>(&key)) return &g->name;
  if (const auto* h = std::get_if<model::HostConfigKey>(&key)) return &h->name;
  return nullptr;
}

// A config value through the agent's own parser: "valid" and the value as
// the agent's start-of-day line would show it, or the reason it is ignored.
int ValidateConfig(const std::string& name, const std::string& value, std::ostream& out,
                   std::ostream& err) {
  std::vector<std::string> warnings;
  Result<std::string> v = config::CheckDatastoreValue(name, value, warnings);
  for (const auto& w : warnings) err << "agent log: " << w << "\n";
  if (!v.ok()) {
    out << v.status().message() << "\n";
    return kExitInvalid;
  }
  out << "valid\n" << *v << "\n";
  return kExitOk;
}

}  // namespace

int Validate(const ValidateOptions& o, std::ostream& out, std::ostream& err) {
  const model::ValidationContext ctx = ContextFor(o);
  if (o.kind == "rule") {
    return Report(model::DecodeRule(o.value), out);
  }
  auto key = KeyFor(o, o.hostname.empty() ? "localhost" : o.hostname);
  if (!key.ok()) {
    err << "felixctl: " << key.status().message() << "\n";
    return kExitUsage;
  }
  if (const std::string* name = ConfigName(*key)) return ValidateConfig(*name, o.value, out, err);
  const model::Decoded d = model::DecodeValue(*key, o.value, ctx);
  if (!d.value) {
    // The line the agent writes to its log for this value, at WARNING.
    err << "agent log: " << model::RejectionLogLine(*key, d.issues, o.value) << "\n";
  }
  return Report(d, out);
}

}  // namespace felix::cli
