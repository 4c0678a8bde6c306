// Profiles, tiers and tiered policies (spec §6-§7; [PY] validate_profile,
// validate_tags, validate_labels, validate_tier_data, validate_policy).
#include <fmt/format.h>

#include "base/strings.h"
#include "model/validate.h"

namespace felix::model::internal {
namespace {

// [PY] `order` handling shared by tiers and policies: absent or "default" =
// +inf; any number (incl. true/false, Python bools being ints) is accepted.
// Returns false if the value is of another type.
bool ParseOrder(const Json& obj, std::optional<double>& out) {
  auto it = obj.find("order");
  if (it == obj.end() || *it == "default") {
    out.reset();
    return true;
  }
  if (!IsPyNumber(*it)) return false;
  out = OrderFromNumber(PyNumberValue(*it));
  return true;
}

}  // namespace

Decoded DecodeProfileRules(const ProfileRulesKey& key, Json v) {
  Issues issues;
  if (!v.is_object()) {
    issues.Add(fmt::format("Expected profile {} to be a dict, not {}.", felix::PyRepr(key.profile),
                           PyRepr(v)));
    return Rejected(issues);
  }
  if (!IsValidId(key.profile)) {
    issues.Add(fmt::format("Invalid profile ID '{}'.", felix::PyRepr(key.profile)));
  }
  RuleList rules;
  ValidateRules(v, issues, rules);
  if (!issues.empty()) return Rejected(issues);
  return Accepted(std::move(rules));
}

Decoded DecodeProfileTags(const ProfileTagsKey& key, const Json& v) {
  Issues issues;
  if (!IsValidId(key.profile)) {
    issues.Add(fmt::format("Invalid profile_id '{}'.", felix::PyRepr(key.profile)));
  }
  ProfileTags out;
  if (!v.is_array()) {
    issues.Add("Expected tags to be a list.");
  } else {
    for (const Json& tag : v) {
      if (!tag.is_string()) {
        issues.Add(fmt::format("Expected tag '{}' to be a string.", PyStr(tag)));
        break;
      }
      if (!IsValidId(tag.get_ref<const std::string&>())) {
        issues.Add(fmt::format("Invalid tag '{}'.", PyRepr(tag)));
        if (issues.full()) break;
      } else {
        out.tags.push_back(tag.get<std::string>());
      }
    }
  }
  if (!issues.empty()) return Rejected(issues);
  return Accepted(std::move(out));
}

Decoded DecodeProfileLabels(const ProfileLabelsKey& key, const Json& v) {
  Issues issues;
  if (!IsValidId(key.profile)) {
    issues.Add(fmt::format("Invalid profile_id {}.", felix::PyRepr(key.profile)));
  }
  ProfileLabels out;
  ValidateLabelDict(v, issues, out.labels);
  if (!issues.empty()) return Rejected(issues);
  return Accepted(std::move(out));
}

Decoded DecodeTierMetadata(const TierMetadataKey& key, const Json& v) {
  Issues issues;
  if (!v.is_object()) {  // raised before the id issue is reported
    issues.Add(fmt::format("Expected tier data to be a dict not {}", PyRepr(v)));
    return Rejected(issues);
  }
  if (!IsValidId(key.tier)) {
    issues.Add(fmt::format("Invalid profile_id '{}'.", felix::PyRepr(key.tier)));
  }
  TierMetadata out;
  if (!ParseOrder(v, out.order)) {
    issues.Add("Tier data \"order\" field should be number or \"default\"");
  }
  if (const auto it = v.find("default_action"); it != v.end()) {
    const std::string a = it->is_string() ? ToLower(it->get<std::string>()) : "";
    if (a == "pass") {
      out.default_action = TierDefaultAction::kPass;
    } else if (a != "deny") {
      issues.Add(fmt::format("Tier data \"default_action\" should be \"deny\" or \"pass\", not {}",
                             PyRepr(*it)));
    }
  }
  if (!issues.empty()) return Rejected(issues);
  return Accepted(out);
}

Decoded DecodePolicy(const PolicyKey& key, Json v) {
  Issues issues;
  const std::string policy_id = key.tier + "/" + key.policy;
  if (!v.is_object()) {
    issues.Add(fmt::format("Expected policy '{}' to be a dict, not {}.", policy_id, PyRepr(v)));
    return Rejected(issues);
  }
  for (const std::string* part : {&key.tier, &key.policy}) {
    if (!IsValidId(*part)) {
      // [PY] printed the repr of the whole TieredPolicyId namedtuple.
      issues.Add(fmt::format("Invalid profile ID 'TieredPolicyId(tier={}, policy_id={})'.",
                             felix::PyRepr(key.tier), felix::PyRepr(key.policy)));
    }
  }
  RuleList rules;
  ValidateRules(v, issues, rules);

  std::optional<selector::Selector> sel;
  if (auto it = v.find("selector"); it != v.end()) {
    auto parsed = it->is_string() ? selector::Parse(it->get_ref<const std::string&>())
                                  : Result<selector::Selector>(Status::InvalidArgument(""));
    if (parsed.ok()) {
      sel = *parsed;
    } else {
      issues.Add(fmt::format("Failed to parse selector {}", PyStr(*it)));
    }
  } else {
    issues.Add("Profile missing required selector field");
  }

  std::optional<double> order;
  if (!ParseOrder(v, order)) {
    issues.Add(fmt::format("Order should be a number, or \"default\", not {}", PyStr(v["order"])));
  }
  if (!issues.empty()) return Rejected(issues);
  bool untracked = false;
  if (auto it = v.find("untracked"); it != v.end()) untracked = PyTruthy(*it);
  return Accepted(
      Policy{*sel, order, std::move(rules.inbound), std::move(rules.outbound), untracked});
}

}  // namespace felix::model::internal
