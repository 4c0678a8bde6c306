// Shared pieces of the validators: the bounded issue list, the [PY] id and
// label-name regexes, and label dict validation (_validate_label_dict).
#include "model/validate.h"

#include <fmt/format.h>

#include <limits>

#include "base/strings.h"

namespace felix::model::internal {
namespace {

bool AllOf(std::string_view s, std::string_view extra) {
  if (s.empty()) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              extra.find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::vector<std::string> Issues::Take() {
  std::vector<std::string> out = std::move(items_);
  if (dropped_ > 0) out.push_back("(further issues not shown.)");
  items_.clear();
  dropped_ = 0;
  return out;
}

Decoded Rejected(Issues& issues) { return Decoded{std::nullopt, issues.Take()}; }
Decoded Accepted(Value v) { return Decoded{std::move(v), {}}; }

bool IsValidId(std::string_view s) { return AllOf(s, "_.-"); }
bool IsValidLabelName(std::string_view s) { return AllOf(s, "_.-/"); }
bool IsValidInterfaceName(std::string_view s) { return s.size() <= 15 && AllOf(s, "_.-"); }

void ValidateLabelDict(const Json& labels, Issues& issues, Labels& out) {
  if (!labels.is_object()) {
    issues.Add(fmt::format("Expected labels to be a dict, not {}.", PyRepr(labels)));
    return;
  }
  for (const auto& [name, value] : labels.items()) {
    if (issues.full()) {
      issues.Add("");
      return;
    }
    bool ok = true;
    if (!IsValidLabelName(name)) {
      issues.Add(fmt::format("Invalid label name {}.", felix::PyRepr(name)));
      ok = false;
    }
    if (!value.is_string()) {
      issues.Add(fmt::format("Invalid label value {}.", PyRepr(value)));
      ok = false;
    }
    if (ok) out[name] = value.get<std::string>();
  }
}

void ValidateProfileIds(const Json& ids, Issues& issues, std::vector<std::string>& out) {
  if (!ids.is_array()) {
    issues.Add("Expected profile IDs to be a list.");
    return;
  }
  for (const Json& id : ids) {
    if (!id.is_string()) {
      issues.Add("Expected profile IDs to be strings.");
      return;
    }
    if (!IsValidId(id.get_ref<const std::string&>())) {
      issues.Add(fmt::format("Invalid profile ID '{}'.", PyRepr(id)));
    } else {
      out.push_back(id.get<std::string>());
    }
    if (issues.full()) return;
  }
}

std::optional<double> OrderFromNumber(double d) {
  if (d == std::numeric_limits<double>::infinity()) return std::nullopt;
  if (d == -std::numeric_limits<double>::infinity()) return std::numeric_limits<double>::lowest();
  return d;
}

}  // namespace felix::model::internal

namespace felix::model {

bool IsInterfaceTemplate(std::string_view s) {
  if (s == "*") return true;
  if (s.size() < 2 || !s.ends_with('*')) return false;
  s.remove_suffix(1);
  return s.size() <= 14 && internal::IsValidInterfaceName(s);
}

}  // namespace felix::model
