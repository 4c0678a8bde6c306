// Shared by explain, trace and the lockout guard: the host model of a
// HostQuery from etcd (internal to the cli layer).
#pragma once

#include <iosfwd>

#include "cli/commands.h"
#include "daemon/host_model.h"

namespace felix::cli::internal {

// Lists /calico/v1, reads the host's config file if it is here and, for
// the local host, its interfaces; then BuildHostModel. `changes` are laid
// over the snapshot first (the guard's "after"). Errors are printed on
// `err` as "felixctl: ..." and give nullopt.
std::optional<daemon::HostModel> LoadHostModel(
    const HostQuery& q, datastore::EtcdClient& etcd, std::ostream& err,
    const std::vector<datastore::KeyUpdate>& changes = {});

// The inputs without the model: for callers that build several models from
// one listing. nullopt after printing the error.
std::optional<daemon::HostModelInputs> LoadHostInputs(const HostQuery& q,
                                                      datastore::EtcdClient& etcd,
                                                      std::ostream& err);

}  // namespace felix::cli::internal
