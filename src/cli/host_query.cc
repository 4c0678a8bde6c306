// LoadHostModel (host_query.h).
#include "cli/host_query.h"

#include <ostream>

#include "base/system.h"

namespace felix::cli::internal {

std::optional<daemon::HostModelInputs> LoadHostInputs(const HostQuery& q,
                                                      datastore::EtcdClient& etcd,
                                                      std::ostream& err) {
  if (q.host.empty()) {
    err << "felixctl: --host is required\n";
    return std::nullopt;
  }
  daemon::HostModelInputs in;
  in.hostname = q.host;
  in.env = ProcessEnvironment();
  auto snap = etcd.GetPrefix("/calico/v1");
  if (!snap.ok()) {
    err << "felixctl: " << snap.status().message() << "\n";
    return std::nullopt;
  }
  in.snapshot = std::move(snap->kvs);
  if (!q.config_file.empty()) {
    auto text = ReadFileIfExists(q.config_file);
    if (!text.ok()) {
      err << "felixctl: " << text.status().message() << "\n";
      return std::nullopt;
    }
    in.config_file_text = std::move(text).value();
    in.config_file_path = q.config_file;
  }
  if (q.local || q.host == SystemHostname()) {
    auto monitor = dataplane::MakeNetlinkInterfaceMonitor();
    if (!monitor.ok()) {
      err << "felixctl: reading this host's interfaces: " << monitor.status().message() << "\n";
      return std::nullopt;
    }
    in.interfaces = (*monitor)->Interfaces();
  }
  return in;
}

std::optional<daemon::HostModel> LoadHostModel(const HostQuery& q, datastore::EtcdClient& etcd,
                                               std::ostream& err,
                                               const std::vector<datastore::KeyUpdate>& changes) {
  auto in = LoadHostInputs(q, etcd, err);
  if (!in) return std::nullopt;
  if (!changes.empty()) in->snapshot = daemon::ApplyChanges(std::move(in->snapshot), changes);
  auto model = daemon::BuildHostModel(*in);
  if (!model.ok()) {
    err << "felixctl: " << model.status().message() << "\n";
    return std::nullopt;
  }
  return std::move(model).value();
}

}  // namespace felix::cli::internal
