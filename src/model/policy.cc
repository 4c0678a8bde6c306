// Profiles, tiers and tiered policies (spec §6-§7; [PY] validate_profile,
// validate_tags, validate_labels, validate_tier_data, validate_policy).
#include <fmt/format.h>

#include <algorithm>

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

// A JSON boolean field (absent or null = not given); adds an issue otherwise.
std::optional<bool> OptionalBool(const Json& obj, const char* name, Issues& issues) {
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) return std::nullopt;
  if (!it->is_boolean()) {
    issues.Add(fmt::format("Policy \"{}\" should be true or false, not {}", name, PyRepr(*it)));
    return std::nullopt;
  }
  return it->get<bool>();
}

// `types`, `pre_dnat`, `apply_on_forward` (libcalico-go's v1 Policy) and the
// combinations Calico's validator rejects, with its reasons in v1 spelling.
// One deliberate difference: `untracked` without `apply_on_forward` stays
// valid (every v1 untracked policy predates the field).
void ValidateLaterPolicyFields(const Json& v, Issues& issues, Policy& out) {
  if (auto it = v.find("types"); it != v.end() && !it->is_null()) {
    if (!it->is_array()) {
      issues.Add(fmt::format("Policy \"types\" should be a list, not {}", PyRepr(*it)));
    } else {
      for (const Json& t : *it) {
        const std::string name = t.is_string() ? ToLower(t.get<std::string>()) : "";
        std::optional<PolicyType> type;
        if (name == "ingress") type = PolicyType::kIngress;
        if (name == "egress") type = PolicyType::kEgress;
        if (!type) {
          issues.Add(
              fmt::format("Invalid policy type {}: expected \"ingress\" or \"egress\"", PyRepr(t)));
        } else if (std::find(out.types.begin(), out.types.end(), *type) != out.types.end()) {
          issues.Add(fmt::format("Duplicate policy type {}", PyRepr(t)));
        } else {
          out.types.push_back(*type);
        }
      }
      std::sort(out.types.begin(), out.types.end());
    }
  }
  out.pre_dnat = OptionalBool(v, "pre_dnat", issues).value_or(false);
  out.apply_on_forward = OptionalBool(v, "apply_on_forward", issues);
  if (out.pre_dnat) {
    if (out.untracked) issues.Add("pre_dnat and untracked cannot both be true");
    if (!out.outbound.empty()) issues.Add("pre_dnat policy cannot have any outbound rules");
    if (out.Governs(false) && !out.types.empty()) {
      issues.Add("pre_dnat policy cannot have the 'egress' type");
    }
    if (out.apply_on_forward != true) {
      issues.Add("apply_on_forward must be true if pre_dnat is true");
    }
  }
  if (out.untracked && out.apply_on_forward == false) {
    issues.Add("apply_on_forward must be true if untracked is true");
  }
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
  // A placeholder selector when it was invalid: the later fields are still
  // checked so that every issue is reported at once.
  Policy out{.selector = sel ? *sel : *selector::Parse("")};
  out.order = order;
  out.inbound = std::move(rules.inbound);
  out.outbound = std::move(rules.outbound);
  if (auto it = v.find("untracked"); it != v.end()) out.untracked = PyTruthy(*it);
  ValidateLaterPolicyFields(v, issues, out);
  if (!issues.empty()) return Rejected(issues);
  return Accepted(std::move(out));
}

}  // namespace felix::model::internal
