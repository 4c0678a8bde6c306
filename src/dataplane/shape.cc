// Drift detection (pure): the shape of a Table (chains with their rule
// counts, sets and maps with their element counts), read from the IR or from
// `nft -j list table inet calico`. Comparing shapes finds a deleted table,
// chain, rule, set or element without parsing nft's rule text back.
#include <nlohmann/json.hpp>

#include "dataplane/dataplane.h"

namespace felix::dataplane {

TableShape ShapeOf(const rules::Table& t) {
  TableShape s;
  for (const auto& [name, c] : t.chains) s.chain_rules[name] = c.rules.size();
  for (const auto& [name, set] : t.sets) s.set_elements[name] = set.elements.size();
  return s;
}

Result<TableShape> ShapeFromNftJson(const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object() || !j.contains("nftables") || !j["nftables"].is_array()) {
    return Status::InvalidArgument("nft JSON listing is not an object with an nftables array");
  }
  TableShape s;
  for (const nlohmann::json& item : j["nftables"]) {
    if (!item.is_object()) continue;
    auto name_of = [](const nlohmann::json& o, const char* field) -> std::string {
      return o.contains(field) && o[field].is_string() ? o[field].get<std::string>() : "";
    };
    if (item.contains("chain")) {
      s.chain_rules.try_emplace(name_of(item["chain"], "name"), 0);
    } else if (item.contains("rule")) {
      ++s.chain_rules[name_of(item["rule"], "chain")];
    } else if (item.contains("set") || item.contains("map")) {
      const nlohmann::json& o = item.contains("set") ? item["set"] : item["map"];
      size_t n = o.contains("elem") && o["elem"].is_array() ? o["elem"].size() : 0;
      s.set_elements[name_of(o, "name")] = n;
    }
  }
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

}  // namespace felix::dataplane
