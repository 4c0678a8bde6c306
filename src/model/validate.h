// Private to the model layer: the per-kind validators behind DecodeValue and
// the pieces they share (bounded issue list, [PY] id regexes, label dicts,
// rule lists). Each validator mirrors one Felix 1.4.9 calico/common.py
// function and appends its issue texts in the same order. Input JSON `null`
// is also how undecodable JSON arrives (json.loads failed => None in [PY]).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/json_util.h"
#include "model/model.h"

namespace felix::model::internal {

// Issue texts of one value. Bounded: past kMax issues further ones are only
// counted and one summary issue "(further issues not shown.)" is appended, so a value with a
// million bad entries cannot make the issue list grow without bound.
class Issues {
 public:
  static constexpr size_t kMax = 64;

  void Add(std::string text) {
    if (items_.size() >= kMax) {
      ++dropped_;
    } else {
      items_.push_back(std::move(text));
    }
  }
  // True once no further text will be kept: callers skip building texts.
  bool full() const { return items_.size() >= kMax; }
  // Issues seen so far, kept and dropped.
  size_t count() const { return items_.size() + dropped_; }
  bool empty() const { return count() == 0; }
  std::vector<std::string> Take();

 private:
  std::vector<std::string> items_;
  size_t dropped_ = 0;
};

Decoded Rejected(Issues& issues);
Decoded Accepted(Value v);

// ^[a-zA-Z0-9_\.\-]+$ : endpoint, profile, tier, policy ids and tags.
bool IsValidId(std::string_view s);
// ^[A-Za-z0-9_.\-/]+$ : label names (datamodel_v1.LABEL_CHARS).
bool IsValidLabelName(std::string_view s);
// ^[a-zA-Z0-9_.-]{1,15}$ : interface names. Deliberate difference from [PY]
// (no dot there): VLAN interfaces like eth0.100 are allowed (DESIGN §2).
bool IsValidInterfaceName(std::string_view s);

// _validate_label_dict: adds issues; fills `out` with the valid entries.
void ValidateLabelDict(const Json& labels, Issues& issues, Labels& out);

// A `profile_ids` list: adds issues; fills `out` with the valid ids.
void ValidateProfileIds(const Json& ids, Issues& issues, std::vector<std::string>& out);

// _validate_rules on a dict holding inbound_rules/outbound_rules (mutated as
// [PY] did: null rule keys removed, values canonicalised). Missing lists = [].
void ValidateRules(Json& dict, Issues& issues, RuleList& out);
// One rule dict (already known to be an object); empty if it added issues.
std::optional<Rule> ValidateRule(Json& rule, Issues& issues);

Decoded DecodeHostEndpoint(const HostEndpointKey& key, Json v, const ValidationContext& ctx);
Decoded DecodeWorkloadEndpoint(const WorkloadEndpointKey& key, Json v,
                               const ValidationContext& ctx);
Decoded DecodeProfileRules(const ProfileRulesKey& key, Json v);
Decoded DecodeProfileTags(const ProfileTagsKey& key, const Json& v);
Decoded DecodeProfileLabels(const ProfileLabelsKey& key, const Json& v);
Decoded DecodeTierMetadata(const TierMetadataKey& key, const Json& v);
Decoded DecodePolicy(const PolicyKey& key, Json v);
Decoded DecodeIpamPool(const IpamPoolKey& key, Json v);
Decoded DecodeHostIp(const HostIpKey& key, std::string_view raw);
Decoded DecodeNetworkSet(const NetworkSetKey& key, const Json& v);

// An order value ([PY] numbers.Number) as stored: +inf => empty, -inf =>
// lowest finite double.
std::optional<double> OrderFromNumber(double d);

}  // namespace felix::model::internal
