// Network sets (/calico/v1/netset/<name>; libcalico-go's v1 NetworkSet:
// `nets`, `labels`, `profile_ids`, each optional). Nets of either family;
// a bare address is a /32 or /128; host bits are cleared (the set matches
// the network, as Calico's IP sets hold it); duplicates fold.
#include <fmt/format.h>

#include <algorithm>

#include "base/strings.h"
#include "model/validate.h"

namespace felix::model::internal {
Decoded DecodeNetworkSet(const NetworkSetKey& key, const Json& v) {
  Issues issues;
  if (!IsValidId(key.name)) {
    issues.Add(fmt::format("Invalid network set name {}.", felix::PyRepr(key.name)));
  }
  if (!v.is_object()) {
    issues.Add("Expected network set to be a dict.");
    return Rejected(issues);
  }
  NetworkSet out;
  if (auto it = v.find("nets"); it != v.end() && !it->is_null()) {
    if (!it->is_array()) {
      issues.Add("nets should be a list.");
    } else {
      for (const Json& n : *it) {
        auto cidr =
            n.is_string() ? ParseCidr(n.get_ref<const std::string&>(), 0) : std::optional<Cidr>();
        if (!cidr) {
          issues.Add(fmt::format("{} is not a valid CIDR.", PyRepr(n)));
          if (issues.full()) break;
          continue;
        }
        out.nets.push_back(cidr->Network());
      }
    }
  }
  std::sort(out.nets.begin(), out.nets.end());
  out.nets.erase(std::unique(out.nets.begin(), out.nets.end()), out.nets.end());
  if (auto it = v.find("labels"); it != v.end() && !it->is_null()) {
    ValidateLabelDict(*it, issues, out.labels);
  }
  if (auto it = v.find("profile_ids"); it != v.end() && !it->is_null()) {
    ValidateProfileIds(*it, issues, out.profile_ids);
  }
  if (!issues.empty()) return Rejected(issues);
  return Accepted(std::move(out));
}

}  // namespace felix::model::internal
