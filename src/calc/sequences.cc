// The state-sequence harness: State builders, Replay() and Compare() (see
// sequences.h).
#include "calc/sequences.h"

#include <algorithm>
#include <utility>

#include "base/strings.h"
#include "model/model.h"
#include "selector/selector.h"

namespace felix::calc::testing {
namespace {

// FNV-1a over the seed and the key: a deterministic, seed-dependent order.
uint64_t Mix(uint32_t seed, const std::string& key) {
  uint64_t h = 1469598103934665603ull ^ seed;
  for (unsigned char c : key) h = (h ^ c) * 1099511628211ull;
  return (h ^ seed) * 1099511628211ull;
}

template <class T>
std::string SetText(const T& items) {
  return "{" + Join(std::vector<std::string>(items.begin(), items.end()), ", ") + "}";
}

}  // namespace

std::string HostEndpointPath(const std::string& host, const std::string& endpoint) {
  return "/calico/v1/host/" + host + "/endpoint/" + endpoint;
}
std::string WorkloadPath(const std::string& host, const std::string& orchestrator,
                         const std::string& workload, const std::string& endpoint) {
  return "/calico/v1/host/" + host + "/workload/" + orchestrator + "/" + workload + "/endpoint/" +
         endpoint;
}
std::string PolicyPath(const std::string& tier, const std::string& policy) {
  return "/calico/v1/policy/tier/" + tier + "/policy/" + policy;
}
std::string TierPath(const std::string& tier) {
  return "/calico/v1/policy/tier/" + tier + "/metadata";
}
std::string ProfileRulesPath(const std::string& p) {
  return "/calico/v1/policy/profile/" + p + "/rules";
}
std::string ProfileTagsPath(const std::string& p) {
  return "/calico/v1/policy/profile/" + p + "/tags";
}
std::string ProfileLabelsPath(const std::string& p) {
  return "/calico/v1/policy/profile/" + p + "/labels";
}

std::string SelectorSet(const std::string& selector_text) {
  auto sel = selector::Parse(selector_text);
  if (!sel.ok()) return "<bad selector " + selector_text + ">";
  return sel->unique_id();
}
std::string TagSet(const std::string& tag) { return "t:" + tag; }

std::string HepId(const std::string& endpoint) { return "hep:" + endpoint; }
std::string WepId(const std::string& orchestrator, const std::string& workload,
                  const std::string& endpoint) {
  return "wep:" + orchestrator + "/" + workload + "/" + endpoint;
}

State State::Named(std::string n) const {
  State s = *this;
  s.name = std::move(n);
  return s;
}
State State::With(const std::string& key, const std::string& raw) const {
  State s = *this;
  s.kvs[key] = raw;
  return s;
}
State State::Without(const std::string& key) const {
  State s = *this;
  s.kvs.erase(key);
  return s;
}
State State::IpSet(const std::string& id, std::set<std::string> members) const {
  State s = *this;
  s.ip_sets[id] = std::move(members);
  return s;
}
State State::NoIpSet(const std::string& id) const {
  State s = *this;
  s.ip_sets.erase(id);
  return s;
}
State State::Policies(std::set<std::string> ids) const {
  State s = *this;
  s.active_policies = std::move(ids);
  return s;
}
State State::Profiles(std::set<std::string> ids) const {
  State s = *this;
  s.active_profiles = std::move(ids);
  return s;
}
State State::Endpoint(const std::string& id, EndpointPolicy policy) const {
  State s = *this;
  s.endpoints[id] = std::move(policy);
  return s;
}
State State::NoEndpoint(const std::string& id) const {
  State s = *this;
  s.endpoints.erase(id);
  return s;
}
State State::Check(ViewCheck check) const {
  State s = *this;
  s.checks.push_back(std::move(check));
  return s;
}

EndpointPolicy Ep(std::vector<TierInfo> tiers, std::vector<std::string> profiles,
                  std::vector<TierInfo> untracked) {
  return EndpointPolicy{std::move(tiers), std::move(untracked), std::move(profiles)};
}

std::vector<std::string> Compare(const State& expected, const DataplaneView& view) {
  std::vector<std::string> out;
  // IP sets.
  std::map<std::string, std::set<std::string>> sets;
  for (const auto& [id, members] : view.ip_sets()) sets[id] = view.MembersAsText(id);
  for (const auto& [id, members] : expected.ip_sets) {
    auto it = sets.find(id);
    if (it == sets.end()) {
      out.push_back("missing IP set " + id + " " + SetText(members));
    } else if (it->second != members) {
      out.push_back("IP set " + id + " is " + SetText(it->second) + ", want " + SetText(members));
    }
  }
  for (const auto& [id, members] : sets) {
    if (!expected.ip_sets.contains(id))
      out.push_back("unexpected IP set " + id + " " + SetText(members));
  }
  // Active policies and profiles.
  std::set<std::string> policies;
  for (const auto& [id, p] : view.policies()) policies.insert(PolicyIdString(id));
  if (policies != expected.active_policies) {
    out.push_back("active policies " + SetText(policies) + ", want " +
                  SetText(expected.active_policies));
  }
  std::set<std::string> profiles;
  for (const auto& [id, p] : view.profiles()) profiles.insert(id);
  if (profiles != expected.active_profiles) {
    out.push_back("active profiles " + SetText(profiles) + ", want " +
                  SetText(expected.active_profiles));
  }
  // Local endpoints.
  std::map<std::string, EndpointPolicy> endpoints;
  for (const auto& [id, ep] : view.host_endpoints()) endpoints[HepId(id.endpoint)] = ep.policy;
  for (const auto& [id, ep] : view.workload_endpoints()) {
    endpoints[WepId(id.orchestrator, id.workload, id.endpoint)] = ep.policy;
  }
  for (const auto& [id, want] : expected.endpoints) {
    auto it = endpoints.find(id);
    if (it == endpoints.end()) {
      out.push_back("missing endpoint " + id + " " + DescribePolicy(want));
    } else if (!(it->second == want)) {
      out.push_back("endpoint " + id + " has " + DescribePolicy(it->second) + ", want " +
                    DescribePolicy(want));
    }
  }
  for (const auto& [id, got] : endpoints) {
    if (!expected.endpoints.contains(id)) {
      out.push_back("unexpected endpoint " + id + " " + DescribePolicy(got));
    }
  }
  for (const auto& check : expected.checks) {
    if (auto failure = check(view)) out.push_back(*failure);
  }
  return out;
}

std::vector<std::string> Replay(const std::vector<State>& states, FlushMode mode, uint32_t seed) {
  DataplaneConfig config;
  CalcGraph graph(kLocalHost, config);
  DataplaneView view;
  model::ValidationContext ctx{kLocalHost, config.interface_prefixes};
  std::map<std::string, std::string> current;
  std::vector<std::string> failures;
  size_t violations_seen = 0;

  for (size_t i = 0; i < states.size(); ++i) {
    const State& state = states[i];
    const std::string where = "state " + std::to_string(i) + " '" + state.name + "': ";
    std::vector<std::pair<std::string, std::optional<std::string>>> ops;
    for (const auto& [k, v] : state.kvs) {
      auto it = current.find(k);
      if (it == current.end() || it->second != v) ops.emplace_back(k, v);
    }
    for (const auto& [k, v] : current) {
      if (!state.kvs.contains(k)) ops.emplace_back(k, std::nullopt);
    }
    const uint32_t step_seed = seed * 7919u + static_cast<uint32_t>(i);
    std::sort(ops.begin(), ops.end(), [&](const auto& a, const auto& b) {
      return std::pair(Mix(step_seed, a.first), a.first) <
             std::pair(Mix(step_seed, b.first), b.first);
    });
    for (const auto& [path, raw] : ops) {
      auto key = model::ParseKey(path);
      if (!key) {
        failures.push_back(where + "not a key: ");
        failures.back() += path;
        continue;
      }
      std::optional<model::Value> value;
      if (raw) value = model::DecodeValue(*key, *raw, ctx).value;
      graph.OnUpdate(*key, value);
      if (mode == FlushMode::kSplit) view.Flush(graph);
    }
    if (i == 0) graph.OnInSync();
    view.Flush(graph);
    current = state.kvs;

    for (auto& d : Compare(state, view)) failures.push_back(where + d);
    if (!view.in_sync()) failures.push_back(where + "no InSync after the first flush");
    if (view.config() != config) failures.push_back(where + "no ConfigUpdate with the config");
    for (; violations_seen < view.violations().size(); ++violations_seen) {
      failures.push_back(where + "contract: " + view.violations()[violations_seen]);
    }
    if (failures.size() > 40) break;  // enough to debug
  }
  return failures;
}

std::vector<Variant> Variants(const Sequence& seq) {
  const State empty = State{}.Named("empty");
  std::vector<Variant> out;
  out.push_back({"forwards", seq.states});
  out.push_back({"reversed", {seq.states.rbegin(), seq.states.rend()}});
  Variant interleaved{"empty_between", {empty}};
  for (const auto& s : seq.states) {
    interleaved.states.push_back(s);
    interleaved.states.push_back(empty);
  }
  out.push_back(std::move(interleaved));
  Variant pairs{"all_pairs", {}};
  for (size_t a = 0; a < seq.states.size(); ++a) {
    for (size_t b = 0; b < seq.states.size(); ++b) {
      if (a == b) continue;
      pairs.states.push_back(seq.states[a]);
      pairs.states.push_back(seq.states[b]);
      pairs.states.push_back(empty);
    }
  }
  if (!pairs.states.empty()) out.push_back(std::move(pairs));
  return out;
}

}  // namespace felix::calc::testing
