// What a restricted diff looks at (private to the layer): the keys of a
// TableDelta, or everything. Shared by Diff (diff.cc) and DirectChanges
// (direct.cc), so both visit the same objects in the same order.
#pragma once

#include <map>
#include <set>
#include <string>

#include "rules/ir.h"

namespace felix::dataplane {

inline bool IsMap(const rules::Set& s) { return s.data_type.has_value(); }

// Calls f(name, value) for the entries of `m` named in `keys` (all entries
// when `keys` is null), in name order: a Diff restricted to some keys emits
// exactly the lines the full Diff would emit for them.
template <typename T, typename F>
void ForKeys(const std::map<std::string, T>& m, const std::set<std::string>* keys, F f) {
  if (keys == nullptr) {
    for (const auto& [name, v] : m) f(name, v);
    return;
  }
  for (const auto& name : *keys) {
    auto it = m.find(name);
    if (it != m.end()) f(name, it->second);
  }
}

// The keys a diff looks at: all (null members) or those of a TableDelta.
struct Scope {
  const std::set<std::string>* chains = nullptr;
  const std::set<std::string>* sets = nullptr;  // sets compared whole or by element
  const rules::TableDelta* delta = nullptr;     // element scopes
  // Element keys of set `name` to compare; null: all of them.
  const std::set<std::string>* Elements(const std::string& name) const {
    if (delta == nullptr || delta->sets.contains(name)) return nullptr;
    auto it = delta->elements.find(name);
    return it == delta->elements.end() ? nullptr : &it->second;
  }
};

}  // namespace felix::dataplane
