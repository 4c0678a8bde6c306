// State-sequence harness for the calc graph (STYLE rule 16; modelled on
// Felix's calc/state_test.go and calc_graph_fv_test.go). A State is a
// datastore snapshot (key path -> raw etcd value, decoded through the model
// layer, so invalid values arrive as deletions) plus what the dataplane must
// then hold. Replay() drives a fresh CalcGraph from state to state, applying
// only the differences, and after each state's last flush compares the
// DataplaneView rebuilt from the messages with the expectation.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "calc/dataplane_view.h"
#include "calc/messages.h"

namespace felix::calc::testing {

// The hostname Replay() gives the graph; endpoints of other hosts only feed
// IP sets.
inline constexpr const char* kLocalHost = "myhost";

// Key paths.
std::string HostEndpointPath(const std::string& host, const std::string& endpoint);
std::string WorkloadPath(const std::string& host, const std::string& orchestrator,
                         const std::string& workload, const std::string& endpoint);
std::string PolicyPath(const std::string& tier, const std::string& policy);
std::string TierPath(const std::string& tier);
std::string ProfileRulesPath(const std::string& profile);
std::string ProfileTagsPath(const std::string& profile);
std::string ProfileLabelsPath(const std::string& profile);

// IP-set ids: SelectorSet("role == 'db'") = the selector's unique_id();
// TagSet("web") = "t:web".
std::string SelectorSet(const std::string& selector_text);
std::string TagSet(const std::string& tag);

// Expected endpoint ids: "hep:<endpoint>" and "wep:<orch>/<workload>/<ep>".
std::string HepId(const std::string& endpoint);
std::string WepId(const std::string& orchestrator, const std::string& workload,
                  const std::string& endpoint);

// An extra check on the view; returns a failure text or nothing.
using ViewCheck = std::function<std::optional<std::string>(const DataplaneView&)>;

struct State {
  std::string name;
  std::map<std::string, std::string> kvs;  // key path -> raw value
  // Expected dataplane.
  std::map<std::string, std::set<std::string>> ip_sets;  // id -> members ("10.0.0.1/32")
  std::set<std::string> active_policies;                 // "tier/name"
  std::set<std::string> active_profiles;
  std::map<std::string, EndpointPolicy> endpoints;  // HepId/WepId -> policy
  std::vector<ViewCheck> checks;

  // Builders; each returns a modified copy so states derive from each other.
  State Named(std::string n) const;
  State With(const std::string& key, const std::string& raw) const;
  State Without(const std::string& key) const;
  State IpSet(const std::string& id, std::set<std::string> members) const;
  State NoIpSet(const std::string& id) const;
  State Policies(std::set<std::string> ids) const;
  State Profiles(std::set<std::string> ids) const;
  State Endpoint(const std::string& id, EndpointPolicy policy) const;
  State NoEndpoint(const std::string& id) const;
  State Check(ViewCheck check) const;
};

// EndpointPolicy shorthand: Ep({{"default", {"p1", "p2"}}}, {"prof1"}).
EndpointPolicy Ep(std::vector<TierInfo> tiers = {}, std::vector<std::string> profiles = {},
                  std::vector<TierInfo> untracked = {});

struct Sequence {
  std::string name;
  std::vector<State> states;
};

enum class FlushMode {
  kSplit,     // one flush after every single key update
  kSquashed,  // all updates of a state, then one flush
};

// Replays `states` on a fresh graph for kLocalHost (OnInSync after the first
// state's updates). Updates between states are applied in an order derived
// from `seed`. Returns failure texts (empty = all states matched and no
// contract violation occurred).
std::vector<std::string> Replay(const std::vector<State>& states, FlushMode mode, uint32_t seed);

// The differences between an expectation and a view ("" = equal).
std::vector<std::string> Compare(const State& expected, const DataplaneView& view);

// The replay variants of a sequence, as Felix runs them: forwards, reversed,
// with the empty state between every two states, and every ordered pair.
struct Variant {
  std::string name;
  std::vector<State> states;
};
std::vector<Variant> Variants(const Sequence& seq);

}  // namespace felix::calc::testing
