// felixctl counters: what the kernel counted on our rules (nft `counter`
// statements, comments naming the tier/policy/rule), from nft's JSON listing.
#include <nlohmann/json.hpp>
#include <ostream>
#include <set>

#include <fmt/format.h>

#include "cli/commands.h"

namespace felix::cli {
namespace {

using nlohmann::json;

struct Listing {
  std::vector<std::string> chains;                       // listing order
  std::map<std::string, std::vector<json>> rules;        // chain -> rules
  std::map<std::string, std::vector<std::string>> maps;  // iface -> verdict targets
};

Result<Listing> Parse(const std::string& text) {
  const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("nftables") || !j["nftables"].is_array()) {
    return Status::InvalidArgument("not an nft JSON listing");
  }
  Listing l;
  for (const json& item : j["nftables"]) {
    if (!item.is_object()) continue;
    if (const auto c = item.find("chain"); c != item.end() && c->contains("name")) {
      l.chains.push_back(c->value("name", ""));
    } else if (const auto r = item.find("rule"); r != item.end()) {
      l.rules[r->value("chain", "")].push_back(*r);
    } else if (const auto m = item.find("map"); m != item.end() && m->contains("elem")) {
      for (const json& e : (*m)["elem"]) {
        if (!e.is_array() || e.size() != 2 || !e[0].is_string() || !e[1].is_object()) continue;
        for (const char* verdict : {"goto", "jump"}) {
          if (e[1].contains(verdict) && e[1][verdict].contains("target")) {
            l.maps[e[0].get<std::string>()].push_back(e[1][verdict]["target"]);
          }
        }
      }
    }
  }
  return l;
}

const json& Exprs(const json& rule) {
  static const json kNone = json::array();
  const auto it = rule.find("expr");
  return it != rule.end() && it->is_array() ? *it : kNone;
}

// The chains a rule jumps or goes to.
std::vector<std::string> Targets(const json& rule) {
  std::vector<std::string> out;
  for (const json& e : Exprs(rule)) {
    for (const char* verdict : {"goto", "jump"}) {
      if (e.contains(verdict) && e[verdict].contains("target")) out.push_back(e[verdict]["target"]);
    }
  }
  return out;
}

std::set<std::string> Reachable(const Listing& l, const std::string& iface) {
  std::set<std::string> seen;
  std::vector<std::string> todo;
  if (const auto it = l.maps.find(iface); it != l.maps.end()) todo = it->second;
  while (!todo.empty()) {
    std::string c = std::move(todo.back());
    todo.pop_back();
    if (!seen.insert(c).second) continue;
    if (const auto it = l.rules.find(c); it != l.rules.end()) {
      for (const json& r : it->second) {
        for (auto& t : Targets(r)) todo.push_back(std::move(t));
      }
    }
  }
  return seen;
}

std::vector<CounterRow> Rows(const Listing& l, const std::string& iface) {
  const std::set<std::string> only = iface.empty() ? std::set<std::string>{} : Reachable(l, iface);
  std::vector<CounterRow> rows;
  std::map<std::pair<std::string, std::string>, size_t> index;  // (what, chain) -> row
  for (const std::string& chain : l.chains) {
    if (!iface.empty() && !only.contains(chain)) continue;
    const auto it = l.rules.find(chain);
    if (it == l.rules.end()) continue;
    for (const json& r : it->second) {
      const json* counter = nullptr;
      for (const json& e : Exprs(r)) {
        if (e.is_object() && e.contains("counter") && e["counter"].is_object()) {
          counter = &e["counter"];
        }
      }
      if (counter == nullptr) continue;
      std::string what = r.value("comment", "");
      if (what.empty()) {
        what =
            Targets(r).empty() ? "counted rule" : fmt::format("endpoint {} reached policy", chain);
      }
      auto [slot, fresh] = index.try_emplace(std::make_pair(what, chain), rows.size());
      if (fresh) rows.push_back({what, chain, 0, 0});
      CounterRow& row = rows[slot->second];
      row.packets += counter->value("packets", uint64_t{0});
      row.bytes += counter->value("bytes", uint64_t{0});
    }
  }
  return rows;
}

}  // namespace

Result<std::vector<CounterRow>> CounterRows(const std::string& nft_json, const std::string& iface) {
  try {
    auto listing = Parse(nft_json);
    if (!listing.ok()) return listing.status();
    return Rows(*listing, iface);
  } catch (const json::exception& e) {  // a field of an unexpected type
    return Status::InvalidArgument(fmt::format("unexpected nft JSON listing: {}", e.what()));
  }
}

int Counters(const CountersOptions& opts, const std::function<Result<std::string>()>& list_table,
             std::ostream& out, std::ostream& err) {
  if (opts.output != "text" && opts.output != "json") {
    err << "felixctl: -o must be text or json\n";
    return kExitUsage;
  }
  auto listing = list_table();
  if (!listing.ok()) {
    err << "felixctl: " << listing.status().message() << "\n";
    return kExitUsage;
  }
  auto rows = CounterRows(*listing, opts.iface);
  if (!rows.ok()) {
    err << "felixctl: " << rows.status().message() << "\n";
    return kExitUsage;
  }
  if (opts.output == "json") {
    json j = json::array();
    for (const auto& r : *rows) {
      j.push_back(
          {{"what", r.what}, {"chain", r.chain}, {"packets", r.packets}, {"bytes", r.bytes}});
    }
    out << j.dump(2) << "\n";
    return kExitOk;
  }
  out << fmt::format("{:>12} {:>14}  {}\n", "PACKETS", "BYTES", "RULE");
  for (const auto& r : *rows) {
    out << fmt::format("{:>12} {:>14}  {} ({})\n", r.packets, r.bytes, r.what, r.chain);
  }
  return kExitOk;
}

}  // namespace felix::cli
