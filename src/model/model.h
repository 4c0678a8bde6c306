// Public header of the model layer: typed /calico/v1 keys (keys.h), netaddr-style
// addresses (net.h), and the decoding + validation of every value type into
// typed, canonical objects exactly as Felix 1.4.9 ([PY]) accepted and rejected
// them (spec §1-§10, DESIGN §2 "validation"), with [PY]'s issue texts.
//
//   auto key = model::ParseKey("/calico/v1/host/h1/endpoint/eth0");
//   model::Decoded d = model::DecodeValue(*key, raw, ctx);
//   if (!d.value) LOG_WARNING(model::RejectionLogLine(*key, d.issues, raw));
//
// Everything here is pure: no I/O, no globals, no exceptions escape.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "model/keys.h"  // IWYU pragma: export
#include "model/net.h"   // IWYU pragma: export
#include "selector/selector.h"

namespace felix::model {

using Labels = selector::Labels;

// What validation needs to know about the agent that reads the value.
struct ValidationContext {
  // This agent's FelixHostname; "" = every host is local (felixctl validate).
  std::string hostname;
  // InterfacePrefix list; local workload interface names must start with one.
  std::vector<std::string> interface_prefixes{"cali"};
};

// ---------------------------------------------------------------------------
// Rules (spec §9).

enum class Action { kAllow, kDeny, kNextTier, kLog };
std::string_view ActionName(Action a);  // "allow", "deny", "next-tier", "log"

// One entry of a ports list: a single port (lo == hi, from a JSON int) or a
// "lo:hi" range (lo < hi).
struct PortRange {
  int lo = 0;
  int hi = 0;
  bool IsSingle() const { return lo == hi; }
  friend bool operator==(const PortRange&, const PortRange&) = default;
};

// The match criteria of one polarity: the positive fields of a rule, or its
// "!"-prefixed twins. Absent fields are empty optionals.
struct RuleMatch {
  // Canonical protocol text: a name (tcp, udp, icmp, icmpv6, sctp, udplite) or
  // a decimal number "1".."255" (numbers are NOT mapped to names, as in [PY]).
  std::optional<std::string> protocol;
  std::optional<Cidr> src_net, dst_net;                 // host bits kept
  std::optional<std::vector<Cidr>> src_nets, dst_nets;  // [GO] 2.4 lists
  std::optional<std::string> src_tag, dst_tag;
  std::optional<selector::Selector> src_selector, dst_selector;
  std::optional<std::vector<PortRange>> src_ports, dst_ports;
  std::optional<int> icmp_type, icmp_code;

  friend bool operator==(const RuleMatch&, const RuleMatch&) = default;
};

struct Rule {
  Action action = Action::kAllow;
  std::optional<int> ip_version;          // 4 or 6
  RuleMatch match;                        // positive criteria
  RuleMatch not_match;                    // "!" criteria
  std::optional<std::string> log_prefix;  // sanitised: [a-zA-Z0-9_:-], <= 27 chars

  friend bool operator==(const Rule&, const Rule&) = default;
};

// ---------------------------------------------------------------------------
// Object values, one per key kind.

struct HostEndpoint {
  std::optional<std::string> name;  // interface name
  std::vector<IpAddr> expected_ipv4_addrs, expected_ipv6_addrs;
  std::vector<std::string> profile_ids;  // legacy `profile_id` folded in
  Labels labels;
  friend bool operator==(const HostEndpoint&, const HostEndpoint&) = default;
};

struct NatMapping {
  IpAddr int_ip, ext_ip;
  friend bool operator==(const NatMapping&, const NatMapping&) = default;
};

struct WorkloadEndpoint {
  std::string state;               // "active" or "inactive"
  std::string name;                // host-side interface
  std::optional<std::string> mac;  // canonical (netaddr unix dialect)
  std::vector<std::string> profile_ids;
  std::vector<Cidr> ipv4_nets, ipv6_nets;  // bare IPs became /32, /128
  std::optional<IpAddr> ipv4_gateway, ipv6_gateway;
  std::vector<NatMapping> ipv4_nat, ipv6_nat;
  Labels labels;
  bool active() const { return state == "active"; }
  friend bool operator==(const WorkloadEndpoint&, const WorkloadEndpoint&) = default;
};

// inbound = traffic arriving at the endpoint; outbound = traffic it sends.
struct RuleList {
  std::vector<Rule> inbound, outbound;
  friend bool operator==(const RuleList&, const RuleList&) = default;
};
using ProfileRules = RuleList;

struct ProfileTags {
  std::vector<std::string> tags;
  friend bool operator==(const ProfileTags&, const ProfileTags&) = default;
};

struct ProfileLabels {
  Labels labels;
  friend bool operator==(const ProfileLabels&, const ProfileLabels&) = default;
};

// Orders: empty = "default" (+infinity). A JSON number that overflows to +inf
// is also stored as empty; -inf is stored as the lowest finite double.
// What happens to a packet that a tier's policies apply to but none of
// them allowed, denied or passed: Calico's tier `defaultAction`.
enum class TierDefaultAction { kDeny, kPass };

struct TierMetadata {
  std::optional<double> order;
  // "default_action": "deny" (the default) or "pass" (case-insensitive).
  TierDefaultAction default_action = TierDefaultAction::kDeny;
  friend bool operator==(const TierMetadata&, const TierMetadata&) = default;
};

// A policy's `types` entry: the direction it governs.
enum class PolicyType { kIngress, kEgress };

struct Policy {
  selector::Selector selector;  // parsed; required ([PY])
  std::optional<double> order{};
  std::vector<Rule> inbound{}, outbound{};
  bool untracked = false;  // [PY]: Python truthiness of the JSON value
  // Calico's later fields (libcalico-go v1 model), each optional:
  // "pre_dnat": ingress-only policy evaluated before DNAT.
  bool pre_dnat = false;
  // "apply_on_forward"; absent keeps the v1 behaviour (see compatibility.md).
  std::optional<bool> apply_on_forward{};
  // "types": the directions governed, sorted, unique; empty (absent or []) =
  // both, as Felix reads v1 policies written before `types` existed.
  std::vector<PolicyType> types{};

  bool Governs(bool inbound) const {
    if (types.empty()) return true;
    for (PolicyType t : types) {
      if ((t == PolicyType::kIngress) == inbound) return true;
    }
    return false;
  }
  friend bool operator==(const Policy&, const Policy&) = default;
};

struct IpamPool {
  Cidr cidr;  // of the key's IP version, host bits kept
  bool masquerade = false;
  friend bool operator==(const IpamPool&, const IpamPool&) = default;
};

struct HostIp {
  IpAddr bird_ip;  // IPv4
  friend bool operator==(const HostIp&, const HostIp&) = default;
};

// /calico/v1/Ready: never rejected; ready iff the raw value is exactly "true".
struct ReadyFlag {
  std::string raw;
  bool ready() const { return raw == "true"; }
  friend bool operator==(const ReadyFlag&, const ReadyFlag&) = default;
};

// Global and per-host config: the raw string (the config layer parses it).
struct ConfigValue {
  std::string raw;
  friend bool operator==(const ConfigValue&, const ConfigValue&) = default;
};

// A network set (libcalico-go's v1 NetworkSet): CIDRs that rule selectors
// match through the set's labels (own over its profiles'), as endpoints'
// addresses are; policy selectors never select it.
struct NetworkSet {
  std::vector<Cidr> nets;  // host bits cleared; bare addresses /32, /128; unique, sorted
  Labels labels;
  std::vector<std::string> profile_ids;
  friend bool operator==(const NetworkSet&, const NetworkSet&) = default;
};

using Value =
    std::variant<HostEndpoint, WorkloadEndpoint, ProfileRules, ProfileTags, ProfileLabels,
                 TierMetadata, Policy, IpamPool, HostIp, ReadyFlag, ConfigValue, NetworkSet>;

// ---------------------------------------------------------------------------
// Decoding.

struct Decoded {
  std::optional<Value> value;       // empty = rejected (treated as missing)
  std::vector<std::string> issues;  // non-empty iff rejected; [PY] texts
};

// Decodes and validates the raw etcd value of `key`. Undecodable JSON (incl.
// nesting deeper than kMaxJsonDepth) is treated as [PY] treated it: as None,
// which then fails the object's type check ("Expected endpoint to be a dict.").
Decoded DecodeValue(const Key& key, std::string_view raw, const ValidationContext& ctx);

// Decodes one rule object (felixctl validate --kind rule).
Decoded DecodeRule(std::string_view raw_json);
// The Rule of a successful DecodeRule; other values give nullptr.
const Rule* DecodedRule(const Decoded& d);
// DecodeRule keeps the rule in a one-rule inbound RuleList.

// The canonical etcd value text: compact JSON (keys sorted) for JSON kinds;
// the canonical raw text itself for Ready, config and bird_ip. Invariant:
// DecodeValue(key, CanonicalJson(v)) gives v back.
std::string CanonicalJson(const Value& v);

// The WARNING line the agent logs for a rejected value (without log prefix):
//   host endpoint: `Validation failed for host endpoint HostEndpointId<ID>,
//                   treating as missing: ISSUES; RAW`
//   workload:      `Validation failed for endpoint WloadEndpointId<ID>, ...`
//   profile:       `Validation failed for profile <id> rules|tags|labels, ...`
//   tier:          `Validation failed for tier data for tier <t>, ...`
//   policy:        `Validation failed for policy <tier>/<policy>, ...`
//   pool:          `Validation failed for ipam pool <id>, ...`
//   network set:   `Validation failed for network set <name>, ...`
//   bird_ip:       `Invalid IP for hostname <h>: <raw>, treating as deletion` ([PY])
// ISSUES = issues joined with one space; RAW = felix::PyRepr(raw), of at most
// its first 1,024 bytes, then "... (N bytes)".
std::string RejectionLogLine(const Key& key, const std::vector<std::string>& issues,
                             std::string_view raw);

// A host endpoint `name` that is an interface template: "*" (every host
// interface) or a valid interface name of 1-14 characters and '*' (every
// interface whose name starts with it).
bool IsInterfaceTemplate(std::string_view name);

// Maximum JSON nesting accepted by the decoder (deeper = undecodable).
inline constexpr int kMaxJsonDepth = 256;

}  // namespace felix::model
