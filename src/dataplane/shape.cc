// Drift detection (pure): the shape of a Table (chains with their rule
// counts, sets and maps with their element counts), from the IR here and
// from the kernel by NftBackend::ReadShape. Comparing shapes finds a deleted
// table, chain, rule, set or element without parsing nft's rule text back.
#include "dataplane/dataplane.h"

namespace felix::dataplane {

TableShape ShapeOf(const rules::Table& t) {
  TableShape s;
  for (const auto& [name, c] : t.chains) s.chain_rules[name] = c.rules.size();
  for (const auto& [name, set] : t.sets) s.set_elements[name] = set.elements.size();
  return s;
}

std::vector<std::string> DescribeDrift(const TableShape& want, const TableShape& got) {
  std::vector<std::string> out;
  for (const auto& [name, n] : want.chain_rules) {
    auto it = got.chain_rules.find(name);
    if (it == got.chain_rules.end()) {
      out.push_back(fmt::format("missing chain {}", name));
    } else if (it->second != n) {
      out.push_back(fmt::format("chain {} has {} rules, expected {}", name, it->second, n));
    }
  }
  for (const auto& [name, n] : got.chain_rules) {
    if (!want.chain_rules.contains(name)) out.push_back(fmt::format("unexpected chain {}", name));
  }
  for (const auto& [name, n] : want.set_elements) {
    auto it = got.set_elements.find(name);
    if (it == got.set_elements.end()) {
      out.push_back(fmt::format("missing set {}", name));
    } else if (it->second != n) {
      out.push_back(fmt::format("set {} has {} elements, expected {}", name, it->second, n));
    }
  }
  for (const auto& [name, n] : got.set_elements) {
    if (!want.set_elements.contains(name)) out.push_back(fmt::format("unexpected set {}", name));
  }
  return out;
}

DriftedObjects DriftedIn(const TableShape& want, const TableShape& got) {
  DriftedObjects d;
  for (const auto& [name, n] : want.chain_rules) {
    auto it = got.chain_rules.find(name);
    if (it == got.chain_rules.end() || it->second != n) d.chains.insert(name);
  }
  for (const auto& [name, n] : got.chain_rules) {
    if (!want.chain_rules.contains(name)) d.extra_chains.insert(name);
  }
  for (const auto& [name, n] : want.set_elements) {
    auto it = got.set_elements.find(name);
    if (it == got.set_elements.end() || it->second != n) d.sets.insert(name);
  }
  for (const auto& [name, n] : got.set_elements) {
    if (!want.set_elements.contains(name)) d.extra_sets.insert(name);
  }
  return d;
}

}  // namespace felix::dataplane
