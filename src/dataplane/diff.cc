// Diff of two nft IR Tables into the minimal nft script (pure). The script is
// one transaction; its commands come in a fixed order so that every object
// exists before anything references it and is deleted only after every
// reference is gone:
//   1. new chains (empty; base chains with their hook)
//   2. new sets and maps (declarations)
//   3. element deletes, then element adds (changed verdict-map entries are a
//      delete plus an add)
//   4. flush of changed chains and of chains about to be deleted
//   5. rules of changed and new chains
//   6. delete removed chains, then removed sets and maps
#include <string>
#include <vector>

#include <fmt/format.h>

#include "dataplane/dataplane.h"

namespace felix::dataplane {
namespace {

constexpr char kTable[] = "inet calico";

std::string ChainDecl(const std::string& name, const rules::Chain& c) {
  if (!c.hook) return fmt::format("add chain {} {}\n", kTable, name);
  return fmt::format("add chain {} {} {{ type {} hook {} priority {}; policy {}; }}\n", kTable,
                     name, c.hook->type, c.hook->hook, c.hook->priority, c.hook->policy);
}

bool IsMap(const rules::Set& s) { return s.data_type.has_value(); }

std::string SetDecl(const std::string& name, const rules::Set& s) {
  std::string body = IsMap(s) ? fmt::format("type {} : {};", s.key_type, *s.data_type)
                              : fmt::format("type {};", s.key_type);
  if (!s.flags.empty()) body += fmt::format(" flags {};", fmt::join(s.flags, ","));
  return fmt::format("add {} {} {} {{ {} }}\n", IsMap(s) ? "map" : "set", kTable, name, body);
}

// `verb element inet calico name { ... }` for the given keys (with their
// data when `with_data` and the set is a map). Nothing if `keys` is empty.
void AppendElements(std::string& out, const char* verb, const std::string& name,
                    const rules::Set& s, const std::vector<std::string>& keys, bool with_data) {
  if (keys.empty()) return;
  out += fmt::format("{} element {} {} {{ ", verb, kTable, name);
  for (size_t i = 0; i < keys.size(); ++i) {
    if (i) out += ", ";
    out += keys[i];
    if (with_data && IsMap(s)) out += " : " + s.elements.at(keys[i]);
  }
  out += " }\n";
}

std::vector<std::string> AllKeys(const rules::Set& s) {
  std::vector<std::string> keys;
  keys.reserve(s.elements.size());
  for (const auto& [k, v] : s.elements) keys.push_back(k);
  return keys;
}

void AppendRules(std::string& out, const std::string& name, const rules::Chain& c) {
  for (const std::string& r : c.rules) out += fmt::format("add rule {} {} {}\n", kTable, name, r);
}

// True if the change cannot be expressed element-wise / by flushing (type,
// flags or hook changed): the caller then replaces the whole table.
bool NeedsReplace(const rules::Table& a, const rules::Table& b) {
  for (const auto& [name, s] : b.sets) {
    auto it = a.sets.find(name);
    if (it == a.sets.end()) continue;
    const rules::Set& old = it->second;
    if (old.key_type != s.key_type || old.data_type != s.data_type || old.flags != s.flags) {
      return true;
    }
  }
  for (const auto& [name, c] : b.chains) {
    auto it = a.chains.find(name);
    if (it != a.chains.end() && it->second.hook != c.hook) return true;
  }
  return false;
}

}  // namespace

std::string FullReplaceScript(const rules::Table& desired) {
  std::string out =
      fmt::format("add table {}\ndelete table {}\nadd table {}\n", kTable, kTable, kTable);
  return out + Diff(rules::Table{}, desired);
}

std::string Diff(const rules::Table& a, const rules::Table& b) {
  if (NeedsReplace(a, b)) return FullReplaceScript(b);
  std::string out;
  // 1. New chains, empty.
  for (const auto& [name, c] : b.chains) {
    if (!a.chains.contains(name)) out += ChainDecl(name, c);
  }
  // 2. New sets and maps.
  for (const auto& [name, s] : b.sets) {
    if (!a.sets.contains(name)) out += SetDecl(name, s);
  }
  // 3. Elements: deletes first (a changed map entry is deleted, then added).
  for (const auto& [name, s] : b.sets) {
    auto it = a.sets.find(name);
    if (it == a.sets.end()) continue;
    std::vector<std::string> gone;
    for (const auto& [k, v] : it->second.elements) {
      auto n = s.elements.find(k);
      if (n == s.elements.end() || n->second != v) gone.push_back(k);
    }
    AppendElements(out, "delete", name, s, gone, false);
  }
  for (const auto& [name, s] : b.sets) {
    auto it = a.sets.find(name);
    if (it == a.sets.end()) {
      AppendElements(out, "add", name, s, AllKeys(s), true);
      continue;
    }
    std::vector<std::string> added;
    for (const auto& [k, v] : s.elements) {
      auto o = it->second.elements.find(k);
      if (o == it->second.elements.end() || o->second != v) added.push_back(k);
    }
    AppendElements(out, "add", name, s, added, true);
  }
  // 4. Flush changed chains and chains to delete, so no reference remains.
  for (const auto& [name, c] : a.chains) {
    auto it = b.chains.find(name);
    if (c.rules.empty()) continue;
    if (it == b.chains.end() || it->second.rules != c.rules) {
      out += fmt::format("flush chain {} {}\n", kTable, name);
    }
  }
  // 5. Rules of new and changed chains.
  for (const auto& [name, c] : b.chains) {
    auto it = a.chains.find(name);
    if (it == a.chains.end() || it->second.rules != c.rules) AppendRules(out, name, c);
  }
  // 6. Deletes: chains, then sets and maps.
  for (const auto& [name, c] : a.chains) {
    if (!b.chains.contains(name)) out += fmt::format("delete chain {} {}\n", kTable, name);
  }
  for (const auto& [name, s] : a.sets) {
    if (!b.sets.contains(name)) {
      out += fmt::format("delete {} {} {}\n", IsMap(s) ? "map" : "set", kTable, name);
    }
  }
  return out;
}

}  // namespace felix::dataplane
