// Public header of the cli layer: felixctl, the operator CLI.
//
// RunFelixctl parses argv and runs one subcommand against the given streams,
// returning the process exit code (0 ok, 1 "the object is invalid", 2 usage,
// input or etcd errors). main() is a one-line wrapper, so tests drive the real
// command table without spawning processes.
//
// The etcd commands (init, apply, get, ls, rm) reach etcd with the agent's
// settings (FELIX_* environment, -c/--config-file, default
// /etc/calico/felix.cfg, a missing file is fine) overridden by
// --etcd-endpoints and --etcd-api; see etcd_settings.h.
#pragma once

#include <functional>
#include <iosfwd>
#include <memory>

namespace felix::datastore {
class EtcdClient;
struct EtcdSettings;
}  // namespace felix::datastore

namespace felix::cli {

// Makes the etcd client for the resolved settings (tests pass a fake).
using EtcdClientFactory =
    std::function<std::unique_ptr<datastore::EtcdClient>(const datastore::EtcdSettings&)>;

// The real felixctl: etcd commands use datastore::MakeEtcdClient.
int RunFelixctl(int argc, const char* const* argv, std::istream& in, std::ostream& out,
                std::ostream& err);

// The same with the etcd client made by `make_client`.
int RunFelixctl(int argc, const char* const* argv, std::istream& in, std::ostream& out,
                std::ostream& err, const EtcdClientFactory& make_client);

}  // namespace felix::cli
