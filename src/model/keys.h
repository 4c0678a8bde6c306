// Typed ids for every key under /calico/v1 (spec §1) and the way back to the
// key string. Segment syntax: each variable segment is [^/]+; `%2f` decodes to
// `/` and `%25` to `%` in orchestrator, workload, endpoint, profile, tier and
// policy segments (libcalico-go style); KeyPath re-escapes them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "base/status.h"

namespace felix::model {

struct ReadyKey {
  friend bool operator==(const ReadyKey&, const ReadyKey&) = default;
};                                       // /calico/v1/Ready
struct GlobalConfigKey {
  std::string name;
  friend bool operator==(const GlobalConfigKey&, const GlobalConfigKey&) = default;
};             // /calico/v1/config/<name>
struct HostConfigKey {
  std::string hostname, name;
  friend bool operator==(const HostConfigKey&, const HostConfigKey&) = default;
};     // .../host/<h>/config/<name>
struct HostEndpointKey {
  std::string hostname, endpoint;
  friend bool operator==(const HostEndpointKey&, const HostEndpointKey&) = default;
};
struct WorkloadEndpointKey {
  std::string hostname, orchestrator, workload, endpoint;
  friend bool operator==(const WorkloadEndpointKey&, const WorkloadEndpointKey&) = default;
};
struct ProfileRulesKey {
  std::string profile;
  friend bool operator==(const ProfileRulesKey&, const ProfileRulesKey&) = default;
};
struct ProfileTagsKey {
  std::string profile;
  friend bool operator==(const ProfileTagsKey&, const ProfileTagsKey&) = default;
};
struct ProfileLabelsKey {
  std::string profile;
  friend bool operator==(const ProfileLabelsKey&, const ProfileLabelsKey&) = default;
};
struct TierMetadataKey {
  std::string tier;
  friend bool operator==(const TierMetadataKey&, const TierMetadataKey&) = default;
};
struct PolicyKey {
  std::string tier, policy;
  friend bool operator==(const PolicyKey&, const PolicyKey&) = default;
};
struct HostIpKey {
  std::string hostname;
  friend bool operator==(const HostIpKey&, const HostIpKey&) = default;
};               // .../host/<h>/bird_ip
struct IpamPoolKey {
  int ip_version = 4; std::string pool_id;
  friend bool operator==(const IpamPoolKey&, const IpamPoolKey&) = default;
};  // .../ipam/v4/pool/<id>

using Key = std::variant<ReadyKey, GlobalConfigKey, HostConfigKey, HostEndpointKey,
                         WorkloadEndpointKey, ProfileRulesKey, ProfileTagsKey,
                         ProfileLabelsKey, TierMetadataKey, PolicyKey, HostIpKey,
                         IpamPoolKey>;

// Parses an etcd key. Empty for anything that is not one of ours (unknown,
// deeper or shallower paths, empty segments); a leading "/" is optional.
std::optional<Key> ParseKey(std::string_view path);
// The key string (with leading "/"); ParseKey(KeyPath(k)) == k.
std::string KeyPath(const Key& key);

// The object kinds of felixctl validate --kind.
// Builds a key from a kind name and the id as it appears in its key:
// host-endpoint "HOST/ENDPOINT", workload-endpoint "HOST/ORCH/WORKLOAD/ENDPOINT",
// policy "TIER/POLICY", profile-rules|profile-tags|profile-labels "PROFILE",
// tier "TIER", ipam-pool "POOL_ID" (ip_version 4 or 6). An empty id gives a
// valid placeholder id (hostname from default_hostname).
Result<Key> KeyForKind(std::string_view kind, std::string_view id, int ip_version,
                       std::string_view default_hostname);

}  // namespace felix::model
