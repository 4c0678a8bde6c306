// DecodeValue: dispatch from a typed key to its validator, JSON parsing with
// the depth limit, and the WARNING line logged for a rejected value.
#include <fmt/format.h>

#include "base/overloaded.h"
#include "base/strings.h"
#include "model/validate.h"

namespace felix::model {
namespace {

using internal::Json;

// json.loads as [PY] used it: undecodable input becomes None (JSON null).
Json ParseOrNone(std::string_view raw) {
  auto j = internal::ParseJson(raw, kMaxJsonDepth);
  return j ? std::move(*j) : Json();
}

// The first id in the key that etcd v2 hides (a segment starting with '_':
// left out of recursive reads and watches), if any. Such an object would be
// enforced over v3 and silently missing over v2, so it is rejected on both.
std::optional<std::string> HiddenId(const Key& key) {
  for (const std::string& segment : Split(KeyPath(key), '/')) {
    if (segment.starts_with('_')) return segment;
  }
  return std::nullopt;
}

}  // namespace

std::string_view ActionName(Action a) {
  switch (a) {
    case Action::kAllow:
      return "allow";
    case Action::kDeny:
      return "deny";
    case Action::kNextTier:
      return "next-tier";
    case Action::kLog:
      return "log";
  }
  return "allow";
}

Decoded DecodeValue(const Key& key, std::string_view raw, const ValidationContext& ctx) {
  using namespace internal;  // NOLINT(google-build-using-namespace)
  if (std::optional<std::string> hidden = HiddenId(key)) {
    return Decoded{std::nullopt,
                   {fmt::format("Id {} starts with '_': etcd v2 hides such keys from the agent.",
                                PyRepr(*hidden))}};
  }
  try {
    return std::visit(
        Overloaded{
            [&](const ReadyKey&) { return Accepted(ReadyFlag{std::string(raw)}); },
            [&](const GlobalConfigKey&) { return Accepted(ConfigValue{std::string(raw)}); },
            [&](const HostConfigKey&) { return Accepted(ConfigValue{std::string(raw)}); },
            [&](const HostEndpointKey& k) { return DecodeHostEndpoint(k, ParseOrNone(raw), ctx); },
            [&](const WorkloadEndpointKey& k) {
              return DecodeWorkloadEndpoint(k, ParseOrNone(raw), ctx);
            },
            [&](const ProfileRulesKey& k) { return DecodeProfileRules(k, ParseOrNone(raw)); },
            [&](const ProfileTagsKey& k) { return DecodeProfileTags(k, ParseOrNone(raw)); },
            [&](const ProfileLabelsKey& k) { return DecodeProfileLabels(k, ParseOrNone(raw)); },
            [&](const TierMetadataKey& k) { return DecodeTierMetadata(k, ParseOrNone(raw)); },
            [&](const PolicyKey& k) { return DecodePolicy(k, ParseOrNone(raw)); },
            [&](const IpamPoolKey& k) { return DecodeIpamPool(k, ParseOrNone(raw)); },
            [&](const HostIpKey& k) { return DecodeHostIp(k, raw); },
            [&](const NetworkSetKey& k) { return DecodeNetworkSet(k, ParseOrNone(raw)); },
        },
        key);
  } catch (const std::exception& e) {  // defensive: nothing may escape the layer
    return Decoded{std::nullopt, {fmt::format("Internal error decoding value: {}", e.what())}};
  }
}

Decoded DecodeRule(std::string_view raw_json) {
  using namespace internal;  // NOLINT(google-build-using-namespace)
  try {
    Json rule = ParseOrNone(raw_json);
    Issues issues;
    if (!rule.is_object()) {
      issues.Add(fmt::format("Rule should be a dict: {}", PyRepr(rule)));
      return Rejected(issues);
    }
    auto r = ValidateRule(rule, issues);
    if (!r) return Rejected(issues);
    RuleList list;
    list.inbound.push_back(std::move(*r));
    return Accepted(std::move(list));
  } catch (const std::exception& e) {
    return Decoded{std::nullopt, {fmt::format("Internal error decoding rule: {}", e.what())}};
  }
}

const Rule* DecodedRule(const Decoded& d) {
  if (!d.value) return nullptr;
  const auto* list = std::get_if<RuleList>(&*d.value);
  if (!list || list->inbound.size() != 1 || !list->outbound.empty()) return nullptr;
  return &list->inbound.front();
}

std::string RejectionLogLine(const Key& key, const std::vector<std::string>& issues,
                             std::string_view raw) {
  const std::string tail =
      fmt::format(", treating as missing: {}; {}", fmt::join(issues, " "), felix::ShortRepr(raw));
  return std::visit(
      Overloaded{
          [&](const HostEndpointKey& k) {
            return fmt::format("Validation failed for host endpoint HostEndpointId<{}>{}",
                               k.endpoint, tail);
          },
          [&](const WorkloadEndpointKey& k) {
            return fmt::format("Validation failed for endpoint WloadEndpointId<{}>{}", k.endpoint,
                               tail);
          },
          [&](const ProfileRulesKey& k) {
            return fmt::format("Validation failed for profile {} rules{}", k.profile, tail);
          },
          [&](const ProfileTagsKey& k) {
            return fmt::format("Validation failed for profile {} tags{}", k.profile, tail);
          },
          [&](const ProfileLabelsKey& k) {
            return fmt::format("Validation failed for profile {} labels{}", k.profile, tail);
          },
          [&](const TierMetadataKey& k) {
            return fmt::format("Validation failed for tier data for tier {}{}", k.tier, tail);
          },
          [&](const PolicyKey& k) {
            return fmt::format("Validation failed for policy {}/{}{}", k.tier, k.policy, tail);
          },
          [&](const IpamPoolKey& k) {
            return fmt::format("Validation failed for ipam pool {}{}", k.pool_id, tail);
          },
          [&](const NetworkSetKey& k) {
            return fmt::format("Validation failed for network set {}{}", k.name, tail);
          },
          [&](const HostIpKey& k) {
            // [PY] fetcd's own text (value printed with %s, not repr).
            return fmt::format("Invalid IP for hostname {}: {}{}, treating as deletion", k.hostname,
                               raw.substr(0, felix::kLoggedValueBytes), felix::CutNote(raw.size()));
          },
          [&](const auto&) {
            return fmt::format("Validation failed for {}{}", KeyPath(key), tail);
          },
      },
      key);
}

}  // namespace felix::model
