// ToNftScript: prints a Table as one `table inet calico { … }` block that
// `nft -f` accepts (sets and maps first, then chains; both in name order).
#include "rules/ir.h"
#include "fmt/format.h"

namespace felix::rules {
namespace {

void PrintSet(std::string& out, const std::string& name, const Set& s) {
  const bool is_map = s.data_type.has_value();
  out += fmt::format("\t{} {} {{\n", is_map ? "map" : "set", name);
  out += fmt::format("\t\ttype {}{}\n", s.key_type, is_map ? " : " + *s.data_type : "");
  if (!s.flags.empty()) {
    std::string flags;
    for (const auto& f : s.flags) flags += (flags.empty() ? "" : ",") + f;
    out += fmt::format("\t\tflags {}\n", flags);
  }
  if (!s.elements.empty()) {
    std::string elems;
    for (const auto& [k, v] : s.elements) {
      if (!elems.empty()) elems += ", ";
      elems += k;
      if (is_map) {
        elems += " : ";
        elems += v;
      }
    }
    out += fmt::format("\t\telements = {{ {} }}\n", elems);
  }
  out += "\t}\n";
}

void PrintChain(std::string& out, const std::string& name, const Chain& c) {
  out += fmt::format("\tchain {} {{\n", name);
  if (c.hook) {
    out += fmt::format("\t\ttype {} hook {} priority {}; policy {};\n", c.hook->type, c.hook->hook,
                       c.hook->priority, c.hook->policy);
  }
  for (const auto& r : c.rules) out += fmt::format("\t\t{}\n", r);
  out += "\t}\n";
}

}  // namespace

void PatchTable(Table& dst, const Table& src, const TableDelta& d) {
  if (d.all) {
    dst = src;
    return;
  }
  for (const auto& name : d.chains) {
    auto it = src.chains.find(name);
    if (it == src.chains.end()) {
      dst.chains.erase(name);
    } else {
      dst.chains[name] = it->second;
    }
  }
  auto copy_set = [&](const std::string& name) {
    auto it = src.sets.find(name);
    if (it == src.sets.end()) {
      dst.sets.erase(name);
    } else {
      dst.sets[name] = it->second;
    }
  };
  for (const auto& name : d.sets) copy_set(name);
  for (const auto& [name, keys] : d.elements) {
    if (d.sets.contains(name)) continue;
    auto s = src.sets.find(name);
    auto t = dst.sets.find(name);
    if (s == src.sets.end() || t == dst.sets.end()) {
      copy_set(name);
      continue;
    }
    for (const auto& k : keys) {
      auto e = s->second.elements.find(k);
      if (e == s->second.elements.end()) {
        t->second.elements.erase(k);
      } else {
        t->second.elements[k] = e->second;
      }
    }
  }
}

std::string ToNftScript(const Table& t) {
  std::string out = fmt::format("table {} {} {{\n", kTableFamily, kTableName);
  for (const auto& [name, s] : t.sets) PrintSet(out, name, s);
  for (const auto& [name, c] : t.chains) PrintChain(out, name, c);
  out += "}\n";
  return out;
}

}  // namespace felix::rules
