// Helpers shared by the model layer's tests: decode by key path, render the
// single rule of a DecodeRule result.
#pragma once

#include <string>
#include <string_view>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "model/model.h"

namespace felix::model::testing {

inline Decoded DecodeAt(std::string_view path, std::string_view raw,
                        const ValidationContext& ctx = {}) {
  auto key = ParseKey(path);
  EXPECT_TRUE(key.has_value()) << path;
  if (!key) return {};
  return DecodeValue(*key, raw, ctx);
}

// The canonical JSON of a DecodeRule result's rule, or "" if rejected.
inline std::string RuleCanon(const Decoded& d) {
  if (!d.value) return "";
  auto j = nlohmann::json::parse(CanonicalJson(*d.value));
  return j["inbound_rules"][0].dump();
}

inline std::string Canon(const Decoded& d) { return d.value ? CanonicalJson(*d.value) : ""; }

}  // namespace felix::model::testing
