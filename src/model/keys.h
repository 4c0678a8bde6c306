// Typed ids for every key under /calico/v1 (spec §1) and the way back to the
// key string. Segment syntax: each variable segment is [^/]+; `%2f` decodes to
// `/` and `%25` to `%` in orchestrator, workload, endpoint, profile, tier and
// policy segments (libcalico-go style: exactly lower-case `%2f`, so `%2F` stays
// literal; Python Felix did not unescape at all); KeyPath re-escapes them.
// Hostnames, config names and IPAM pool ids are never escaped.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "base/status.h"

namespace felix::model {

// One struct per key form Felix reads; fields are the decoded segments.

// /calico/v1/Ready
struct ReadyKey {
  friend bool operator==(const ReadyKey&, const ReadyKey&) = default;
};
// /calico/v1/config/<name>
struct GlobalConfigKey {
  std::string name;
  friend bool operator==(const GlobalConfigKey&, const GlobalConfigKey&) = default;
};
// /calico/v1/host/<hostname>/config/<name>
struct HostConfigKey {
  std::string hostname, name;
  friend bool operator==(const HostConfigKey&, const HostConfigKey&) = default;
};
// /calico/v1/host/<hostname>/endpoint/<endpoint>
struct HostEndpointKey {
  std::string hostname, endpoint;
  friend bool operator==(const HostEndpointKey&, const HostEndpointKey&) = default;
};
// /calico/v1/host/<hostname>/workload/<orchestrator>/<workload>/endpoint/<endpoint>
struct WorkloadEndpointKey {
  std::string hostname, orchestrator, workload, endpoint;
  friend bool operator==(const WorkloadEndpointKey&, const WorkloadEndpointKey&) = default;
};
// /calico/v1/policy/profile/<profile>/rules
struct ProfileRulesKey {
  std::string profile;
  friend bool operator==(const ProfileRulesKey&, const ProfileRulesKey&) = default;
};
// /calico/v1/policy/profile/<profile>/tags
struct ProfileTagsKey {
  std::string profile;
  friend bool operator==(const ProfileTagsKey&, const ProfileTagsKey&) = default;
};
// /calico/v1/policy/profile/<profile>/labels
struct ProfileLabelsKey {
  std::string profile;
  friend bool operator==(const ProfileLabelsKey&, const ProfileLabelsKey&) = default;
};
// /calico/v1/policy/tier/<tier>/metadata
struct TierMetadataKey {
  std::string tier;
  friend bool operator==(const TierMetadataKey&, const TierMetadataKey&) = default;
};
// /calico/v1/policy/tier/<tier>/policy/<policy>
struct PolicyKey {
  std::string tier, policy;
  friend bool operator==(const PolicyKey&, const PolicyKey&) = default;
};
// /calico/v1/host/<hostname>/bird_ip
struct HostIpKey {
  std::string hostname;
  friend bool operator==(const HostIpKey&, const HostIpKey&) = default;
};
// /calico/v1/ipam/v4/pool/<pool_id> and /calico/v1/ipam/v6/pool/<pool_id>
struct IpamPoolKey {
  int ip_version = 4;
  std::string pool_id;
  friend bool operator==(const IpamPoolKey&, const IpamPoolKey&) = default;
};

// /calico/v1/netset/<name>: a network set (CIDRs with labels that rule
// selectors match; libcalico-go's NetworkSetKey).
struct NetworkSetKey {
  std::string name;
  friend bool operator==(const NetworkSetKey&, const NetworkSetKey&) = default;
};

using Key = std::variant<ReadyKey, GlobalConfigKey, HostConfigKey, HostEndpointKey,
                         WorkloadEndpointKey, ProfileRulesKey, ProfileTagsKey, ProfileLabelsKey,
                         TierMetadataKey, PolicyKey, HostIpKey, IpamPoolKey, NetworkSetKey>;

// Parses an etcd key. Empty for anything that is not one of ours (unknown,
// deeper or shallower paths, empty segments); a leading "/" is optional.
std::optional<Key> ParseKey(std::string_view path);
// The key string (with leading "/"), escaping as described above;
// ParseKey(KeyPath(k)) == k for every k from ParseKey or KeyForKind (and for
// any k whose unescaped segments, hostname, config name and pool id, are
// non-empty and free of '/').
std::string KeyPath(const Key& key);

// The object kinds of felixctl validate --kind.
// Builds a key from a kind name and the id as it appears in its key:
// host-endpoint "HOST/ENDPOINT", workload-endpoint "HOST/ORCH/WORKLOAD/ENDPOINT",
// policy "TIER/POLICY", profile-rules|profile-tags|profile-labels "PROFILE",
// tier "TIER", ipam-pool "POOL_ID" (ip_version 4 or 6), network-set "NAME". An empty id gives a
// valid placeholder id: DEFAULT_HOSTNAME/endpoint,
// DEFAULT_HOSTNAME/orchestrator/workload/endpoint, "profile", "default",
// "default/policy", "pool", "netset". Segments are decoded like ParseKey's. Errors
// (InvalidArgument): an unknown kind (listing the kinds), a wrong segment
// count or an empty segment (naming the expected form), an ip_version other
// than 4 or 6 for ipam-pool.
Result<Key> KeyForKind(std::string_view kind, std::string_view id, int ip_version,
                       std::string_view default_hostname);

}  // namespace felix::model
