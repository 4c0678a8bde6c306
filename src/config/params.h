// The parameter table (private to the config layer): one row per parameter
// with its public info, its parser and its renderer. Rows are in the order of
// the start-of-day lines: [PY]'s order of definition, then our additions.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "config/config.h"

namespace felix::config {

struct ParamSpec {
  ParameterInfo info;
  // True if an empty value is a value (Failsafe*: disables) rather than
  // "not set".
  bool empty_is_value = false;
  // Parses the trimmed raw text into `cfg`. May append warnings (values that
  // [PY] replaced by a default). Error: the bare reason.
  Status (*parse)(std::string_view raw, Config& cfg, std::vector<std::string>& warnings);
  // The value in `cfg` in Python repr, as the start-of-day line shows it.
  std::string (*render)(const Config& cfg);
};

std::span<const ParamSpec> ParamTable();
// Index of the row named `name` (case-insensitively), if any.
std::optional<size_t> FindParamIndex(std::string_view name);

// A failure of a cross-parameter check: which parameter to blame and why.
struct ParamError {
  std::string_view name;
  std::string reason;
};

// Cross-parameter fix-ups and checks, run after every parameter is parsed:
// [PY]'s reporting interval/TTL rules, https key/certificate pairing.
std::optional<ParamError> Finalize(Config& cfg, std::vector<std::string>& warnings);

}  // namespace felix::config
