// Helpers for the rules layer's tests: terse builders for calc rules.
#pragma once

#include <string>
#include <vector>

#include "calc/messages.h"
#include "model/net.h"

namespace felix::rules::testing {

inline model::Cidr C(const char* text) { return *model::ParseCidr(text, 0); }

inline calc::Rule Allow() { return calc::Rule{}; }

inline calc::Rule WithAction(calc::Rule r, model::Action a) {
  r.action = a;
  return r;
}

inline calc::Rule Proto(const char* p, calc::Rule r = {}) {
  r.match.protocol = p;
  return r;
}

inline std::vector<model::PortRange> Ports(const std::vector<std::pair<int, int>>& ps) {
  std::vector<model::PortRange> out;
  out.reserve(ps.size());
  for (auto [lo, hi] : ps) out.push_back({lo, hi});
  return out;
}

}  // namespace felix::rules::testing
