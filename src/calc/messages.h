// The calc graph's output: what the dataplane must program on this host, as a
// std::variant of small value structs. This is the contract between src/calc
// (which produces them) and src/rules + src/dataplane (which consume them).
//
// Ordering contract (asserted by the calc tests' recording sink): a flush emits
//   1. IpSetUpdate / IpSetDeltaUpdate   (sets exist before rules name them)
//   2. ActivePolicyUpdate, then ActiveProfileUpdate
//   3. HostEndpointUpdate / WorkloadEndpointUpdate
//   4. removals in reverse: endpoint removes, profile removes, policy removes,
//      IpSetRemove
//   5. ConfigUpdate and InSync last, when they changed.
// At most one message per object per flush (updates coalesce; an add followed
// by a remove before the flush cancels out).
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "config/config.h"
#include "model/model.h"

namespace felix::calc {

// ---------------------------------------------------------------------------
// IP sets. One IP set per distinct selector (by selector unique id) or tag
// referenced by an active rule. Members are the IPs of every matching
// endpoint on every host: IPv4 and IPv6 in one set (the renderer splits by
// family). Single addresses are /32 or /128.

struct IpSetUpdate {  // the full content; first message for a set
  std::string id;
  std::vector<model::Cidr> members;  // sorted, unique
  friend bool operator==(const IpSetUpdate&, const IpSetUpdate&) = default;
};

struct IpSetDeltaUpdate {  // later changes to an existing set
  std::string id;
  std::vector<model::Cidr> added, removed;  // sorted, disjoint
  friend bool operator==(const IpSetDeltaUpdate&, const IpSetDeltaUpdate&) = default;
};

struct IpSetRemove {
  std::string id;
  friend bool operator==(const IpSetRemove&, const IpSetRemove&) = default;
};

// ---------------------------------------------------------------------------
// Rules as the dataplane sees them: the model's rule with every tag and
// selector reference replaced by IP-set ids. Within one list all ids must
// match (AND): src_tag + src_selector on one rule gives two ids.

struct RuleMatch {
  std::optional<std::string> protocol;  // canonical, as model::RuleMatch
  std::optional<model::Cidr> src_net, dst_net;
  std::optional<std::vector<model::Cidr>> src_nets, dst_nets;  // OR within a list
  std::vector<std::string> src_ip_set_ids, dst_ip_set_ids;
  std::optional<std::vector<model::PortRange>> src_ports, dst_ports;
  std::optional<int> icmp_type, icmp_code;
  friend bool operator==(const RuleMatch&, const RuleMatch&) = default;
};

struct Rule {
  model::Action action = model::Action::kAllow;
  std::optional<int> ip_version;
  RuleMatch match;      // all must hold
  RuleMatch not_match;  // none may hold (each negated field separately)
  std::optional<std::string> log_prefix;
  friend bool operator==(const Rule&, const Rule&) = default;
};

struct PolicyId {
  std::string tier, name;
  friend auto operator<=>(const PolicyId&, const PolicyId&) = default;
};

struct ActivePolicyUpdate {
  PolicyId id;
  std::vector<Rule> inbound, outbound;
  bool untracked = false;
  bool pre_dnat{false};
  // The policy's `types`: a direction it does not govern skips it (and a
  // tier left without policies for that direction is skipped whole).
  bool governs_inbound{true}, governs_outbound{true};
  // The policy's `apply_on_forward`; absent keeps the v1 forward behaviour
  // (rules::ForwardsLegacy).
  std::optional<bool> apply_on_forward{};
  friend bool operator==(const ActivePolicyUpdate&, const ActivePolicyUpdate&) = default;
};

struct ActivePolicyRemove {
  PolicyId id;
  friend bool operator==(const ActivePolicyRemove&, const ActivePolicyRemove&) = default;
};

// A profile that some local endpoint lists and whose rules are known and valid.
struct ActiveProfileUpdate {
  std::string id;
  std::vector<Rule> inbound, outbound;
  friend bool operator==(const ActiveProfileUpdate&, const ActiveProfileUpdate&) = default;
};

struct ActiveProfileRemove {
  std::string id;
  friend bool operator==(const ActiveProfileRemove&, const ActiveProfileRemove&) = default;
};

// ---------------------------------------------------------------------------
// Endpoints of this host, with what applies to them, in evaluation order.

struct TierInfo {
  std::string name;
  std::vector<std::string> policies;  // policy names in this tier, (order, name) order
  // The tier's default_action is pass: a packet its policies leave undecided
  // goes on to the next tier (or the profiles) instead of being dropped.
  bool default_pass = false;
  friend auto operator<=>(const TierInfo&, const TierInfo&) = default;
};

// What applies to one endpoint, the same for both directions: a matching
// policy with no rules for a direction still applies to it (spec §13: a tier
// whose policies all fall through ends in a drop).
struct EndpointPolicy {
  std::vector<TierInfo> tiers;            // tracked policy, tiers by (order, name)
  std::vector<TierInfo> untracked_tiers;  // untracked policy (host endpoints only)
  // Profiles in list order. A profile that is missing or invalid is still
  // listed: the renderer finds no ActiveProfileUpdate for it and drops there.
  std::vector<std::string> profile_ids;
  std::vector<TierInfo> pre_dnat_tiers{};  // pre-DNAT policy, inbound (host endpoints only)
  friend bool operator==(const EndpointPolicy&, const EndpointPolicy&) = default;
};

struct HostEndpointId {
  std::string endpoint;  // hostname is always this host
  friend auto operator<=>(const HostEndpointId&, const HostEndpointId&) = default;
};

struct HostEndpointUpdate {
  HostEndpointId id;
  std::optional<std::string> name;  // interface name, when given
  std::vector<model::IpAddr> expected_ipv4_addrs, expected_ipv6_addrs;
  EndpointPolicy policy;
  friend bool operator==(const HostEndpointUpdate&, const HostEndpointUpdate&) = default;
};

struct HostEndpointRemove {
  HostEndpointId id;
  friend bool operator==(const HostEndpointRemove&, const HostEndpointRemove&) = default;
};

struct WorkloadEndpointId {
  std::string orchestrator, workload, endpoint;
  friend auto operator<=>(const WorkloadEndpointId&, const WorkloadEndpointId&) = default;
};

struct WorkloadEndpointUpdate {
  WorkloadEndpointId id;
  std::string name;  // interface
  bool active = false;
  std::optional<std::string> mac;
  std::vector<model::Cidr> ipv4_nets, ipv6_nets;
  EndpointPolicy policy;  // untracked_tiers and pre_dnat_tiers always empty
  friend bool operator==(const WorkloadEndpointUpdate&, const WorkloadEndpointUpdate&) = default;
};

struct WorkloadEndpointRemove {
  WorkloadEndpointId id;
  friend bool operator==(const WorkloadEndpointRemove&, const WorkloadEndpointRemove&) = default;
};

// ---------------------------------------------------------------------------
// Config the dataplane needs, and the first in-sync.

struct DataplaneConfig {
  std::vector<std::string> interface_prefixes{"cali"};
  config::EndpointToHostAction default_endpoint_to_host_action =
      config::EndpointToHostAction::kDrop;
  std::vector<config::FailsafePort> failsafe_inbound, failsafe_outbound;
  // DropActionOverride: what every drop of ours becomes (spec §18).
  config::DropActionOverride drop_action_override = config::DropActionOverride::kDrop;
  // LogPrefix: the prefix of the `log` action's lines when a rule has none.
  std::string log_prefix = "calico-packet";
  friend bool operator==(const DataplaneConfig&, const DataplaneConfig&) = default;
};

struct ConfigUpdate {
  DataplaneConfig config;
  friend bool operator==(const ConfigUpdate&, const ConfigUpdate&) = default;
};

struct InSync {
  friend bool operator==(const InSync&, const InSync&) = default;
};

using Message =
    std::variant<IpSetUpdate, IpSetDeltaUpdate, IpSetRemove, ActivePolicyUpdate, ActivePolicyRemove,
                 ActiveProfileUpdate, ActiveProfileRemove, HostEndpointUpdate, HostEndpointRemove,
                 WorkloadEndpointUpdate, WorkloadEndpointRemove, ConfigUpdate, InSync>;

}  // namespace felix::calc
