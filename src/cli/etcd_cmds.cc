// felixctl get, ls and rm: thin reads and deletes over the etcd client, for
// operators and the demo (the same keys as etcdctl, either etcd API).
#include <algorithm>
#include <ostream>

#include "cli/commands.h"
#include "cli/lockout_guard.h"
#include "datastore/datastore.h"

namespace felix::cli {

int Get(const std::string& key, datastore::EtcdClient& etcd, std::ostream& out, std::ostream& err) {
  auto value = etcd.Get(key);
  if (!value.ok()) {
    if (value.status().IsNotFound()) {
      err << "felixctl: " << key << " not found\n";
    } else {
      err << "felixctl: cannot get " << key << ": " << value.status().message() << "\n";
    }
    return kExitUsage;
  }
  out << *value << "\n";
  return kExitOk;
}

int Ls(const LsOptions& opts, datastore::EtcdClient& etcd, std::ostream& out, std::ostream& err) {
  auto snap = etcd.GetPrefix(opts.prefix);
  if (!snap.ok()) {
    err << "felixctl: cannot list " << opts.prefix << ": " << snap.status().message() << "\n";
    return kExitUsage;
  }
  auto kvs = snap->kvs;
  std::sort(kvs.begin(), kvs.end(), [](const datastore::KeyValue& a, const datastore::KeyValue& b) {
    return a.key < b.key;
  });
  for (const auto& kv : kvs) {
    out << kv.key;
    if (opts.long_format) out << " " << kv.value;
    out << "\n";
  }
  return kExitOk;
}

int Rm(const std::string& key, bool recursive, bool force, datastore::EtcdClient& etcd,
       std::ostream& out, std::ostream& err, GuardOptions guard) {
  const bool ours = key == "/calico" || key.starts_with("/calico/");
  if (recursive && !ours && !force) {
    err << "felixctl: refusing to delete everything below " << key
        << ": it is outside /calico/ (use --force if you mean it)\n";
    return kExitUsage;
  }
  if (guard.enabled && ours) {
    std::vector<datastore::KeyUpdate> changes = {{key, std::nullopt}};
    if (recursive) {
      if (auto below = etcd.GetPrefix(key); below.ok()) {
        for (const auto& kv : below->kvs) changes.push_back({kv.key, std::nullopt});
      }
    }
    guard.force = force;
    if (!internal::GuardAllows(guard, changes, etcd, err)) return kExitInvalid;
  }
  Status s = etcd.Delete(key, recursive);
  if (!s.ok()) {
    if (s.IsNotFound()) {
      err << "felixctl: " << key << " not found\n";
    } else {
      err << "felixctl: cannot delete " << key << ": " << s.message() << "\n";
    }
    return kExitUsage;
  }
  out << "deleted " << key << "\n";
  return kExitOk;
}

}  // namespace felix::cli
