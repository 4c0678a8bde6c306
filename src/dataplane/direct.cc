// DirectChanges (dataplane.h): the delta of two Tables as a DirectChange,
// visiting the same keys in the same order as DiffDelta (diff_scope.h), and
// its equivalent nft script.
#include <fmt/format.h>

#include "dataplane/dataplane.h"
#include "dataplane/diff_scope.h"
#include "dataplane/nft_expr.h"

namespace felix::dataplane {
namespace {

constexpr char kTable[] = "inet calico";

// 4 or 6 for a plain IP set (no flags, not a map), 0 otherwise.
int PlainIpFamily(const rules::Set& s) {
  if (IsMap(s) || !s.flags.empty()) return 0;
  if (s.key_type == "ipv4_addr") return 4;
  if (s.key_type == "ipv6_addr") return 6;
  return 0;
}

bool AllCompile(const std::vector<std::string>& rules) {
  for (const auto& r : rules) {
    if (!CompileRule(r)) return false;
  }
  return true;
}

// Fills `out` from the chains in scope; false when one does not qualify.
bool ChainChanges(const rules::Table& a, const rules::Table& b, const Scope& sc,
                  DirectChange& out) {
  bool ok = true;
  ForKeys(b.chains, sc.chains, [&](const std::string& name, const rules::Chain& c) {
    auto it = a.chains.find(name);
    if (it == a.chains.end()) {
      if (c.hook) ok = false;  // base chains are declared with their hook by libnftables
      out.new_chains.push_back(name);
    } else if (it->second.hook != c.hook) {
      ok = false;
    }
  });
  ForKeys(a.chains, sc.chains, [&](const std::string& name, const rules::Chain& c) {
    auto it = b.chains.find(name);
    if (c.rules.empty()) return;
    if (it == b.chains.end() || it->second.rules != c.rules) out.flush_chains.push_back(name);
  });
  ForKeys(b.chains, sc.chains, [&](const std::string& name, const rules::Chain& c) {
    auto it = a.chains.find(name);
    if (it != a.chains.end() && it->second.rules == c.rules) return;
    if (c.rules.empty()) return;
    if (!AllCompile(c.rules)) ok = false;
    out.rules.push_back({name, c.rules});
  });
  ForKeys(a.chains, sc.chains, [&](const std::string& name, const rules::Chain&) {
    if (!b.chains.contains(name)) out.delete_chains.push_back(name);
  });
  return ok;
}

// Fills `out` from the sets in scope; false when one does not qualify.
bool SetChanges(const rules::Table& a, const rules::Table& b, const Scope& sc, DirectChange& out) {
  bool ok = true;
  std::vector<ElementOps> ops;
  ForKeys(b.sets, sc.sets, [&](const std::string& name, const rules::Set& s) {
    const int family = PlainIpFamily(s);
    auto it = a.sets.find(name);
    if (it != a.sets.end() && it->second == s) return;  // in scope, unchanged (any kind)
    if (family == 0 || (it != a.sets.end() && it->second != s && PlainIpFamily(it->second) == 0) ||
        (it != a.sets.end() && it->second.key_type != s.key_type)) {
      ok = false;
      return;
    }
    if (it == a.sets.end()) {
      DirectChange::NewSet n{name, family, {}};
      for (const auto& [k, v] : s.elements) n.elements.push_back(k);
      out.new_sets.push_back(std::move(n));
      return;
    }
    ElementOps o{name, family, {}, {}};
    ForKeys(it->second.elements, sc.Elements(name), [&](const std::string& k, const std::string&) {
      if (!s.elements.contains(k)) o.del.push_back(k);
    });
    ForKeys(s.elements, sc.Elements(name), [&](const std::string& k, const std::string&) {
      if (!it->second.elements.contains(k)) o.add.push_back(k);
    });
    if (!o.del.empty() || !o.add.empty()) ops.push_back(std::move(o));
  });
  ForKeys(a.sets, sc.sets, [&](const std::string& name, const rules::Set&) {
    if (!b.sets.contains(name)) out.delete_sets.push_back(name);
  });
  out.elements = std::move(ops);
  return ok;
}

}  // namespace

std::optional<DirectChange> DirectChanges(const rules::Table& a, const rules::Table& b,
                                          const rules::TableDelta& d) {
  if (d.all) return std::nullopt;
  std::set<std::string> sets = d.sets;
  for (const auto& [name, keys] : d.elements) sets.insert(name);
  const Scope sc{&d.chains, &sets, &d};
  DirectChange out;
  if (!SetChanges(a, b, sc, out) || !ChainChanges(a, b, sc, out)) return std::nullopt;
  return out;
}

bool FullProgramIsDirect(const rules::Table& t) {
  static const std::set<std::string> kHooks = {"prerouting", "input", "forward", "output",
                                               "postrouting"};
  for (const auto& [name, chain] : t.chains) {
    if (chain.hook && (chain.hook->type != "filter" || !kHooks.contains(chain.hook->hook) ||
                       (chain.hook->policy != "accept" && chain.hook->policy != "drop"))) {
      return false;
    }
    if (!AllCompile(chain.rules)) return false;
  }
  for (const auto& [name, s] : t.sets) {
    if (PlainIpFamily(s) != 0) continue;
    const bool vmap = s.key_type == "ifname" && s.data_type == "verdict" && s.flags.empty();
    if (!vmap) return false;
    for (const auto& [key, verdict] : s.elements) {
      if (key.size() < 3 || key.front() != '"' || key.back() != '"') return false;
      if (!CompileRule(verdict)) return false;  // a verdict alone is a rule CompileRule takes
    }
  }
  return true;
}

std::string DirectChangeScript(const DirectChange& c) {
  if (c.replace != nullptr) return FullReplaceScript(*c.replace);
  std::string out;
  for (const auto& name : c.new_chains) out += fmt::format("add chain {} {}\n", kTable, name);
  for (const auto& s : c.new_sets) {
    out += fmt::format("add set {} {} {{ type {}; }}\n", kTable, s.name,
                       s.family == 4 ? "ipv4_addr" : "ipv6_addr");
    if (!s.elements.empty()) {
      out +=
          fmt::format("add element {} {} {{ {} }}\n", kTable, s.name, fmt::join(s.elements, ", "));
    }
  }
  for (const auto& o : c.elements) {
    if (!o.del.empty()) {
      out += fmt::format("delete element {} {} {{ {} }}\n", kTable, o.set, fmt::join(o.del, ", "));
    }
  }
  for (const auto& o : c.elements) {
    if (!o.add.empty()) {
      out += fmt::format("add element {} {} {{ {} }}\n", kTable, o.set, fmt::join(o.add, ", "));
    }
  }
  for (const auto& name : c.flush_chains) out += fmt::format("flush chain {} {}\n", kTable, name);
  for (const auto& r : c.rules) {
    for (const auto& text : r.rules)
      out += fmt::format("add rule {} {} {}\n", kTable, r.chain, text);
  }
  for (const auto& name : c.delete_chains) out += fmt::format("delete chain {} {}\n", kTable, name);
  for (const auto& name : c.delete_sets) out += fmt::format("delete set {} {}\n", kTable, name);
  return out;
}

}  // namespace felix::dataplane
