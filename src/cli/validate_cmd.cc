// felixctl validate: decode and validate one datastore value exactly as the
// agent does, so operators can check objects before writing them to etcd.
#include <ostream>

#include "base/strings.h"
#include "cli/commands.h"
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
  const model::Decoded d = model::DecodeValue(*key, o.value, ctx);
  if (!d.value) {
    // The line the agent writes to its log for this value, at WARNING.
    err << "agent log: " << model::RejectionLogLine(*key, d.issues, o.value) << "\n";
  }
  return Report(d, out);
}

}  // namespace felix::cli
