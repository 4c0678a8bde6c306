// Rule validation (spec §9; [PY] _validate_rules, _validate_rule_match_criteria,
// validate_rule_port) plus the [GO] 2.4 `src_nets`/`dst_nets` lists. The rule
// dict is mutated as [PY] mutated it (null keys dropped, protocol/nets/
// log_prefix canonicalised) because later issue texts print its current repr.
#include <array>
#include <set>

#include <fmt/format.h>

#include "model/validate.h"

namespace felix::model::internal {
namespace {

constexpr std::array<std::string_view, 13> kNegatableKeys = {
    "protocol",     "src_net",   "src_tag",   "src_selector", "src_ports", "dst_net", "dst_tag",
    "dst_selector", "dst_ports", "icmp_type", "icmp_code",    "src_nets",  "dst_nets"};

bool IsKnownRuleKey(std::string_view k) {
  if (k == "action" || k == "ip_version" || k == "log_prefix") return true;
  if (!k.empty() && k[0] == '!') k.remove_prefix(1);
  for (auto n : kNegatableKeys) {
    if (k == n) return true;
  }
  return false;
}

const Json* Get(const Json& obj, std::string_view key) {
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

bool IsStr(const Json* v, std::string_view s) {
  return v && v->is_string() && v->get_ref<const std::string&>() == s;
}

// KERNEL_PROTOCOLS membership; returns the canonical string. [PY] stored
// str(value), e.g. "6.0" for 6.0 and "True" for true; we store the number.
std::optional<std::string> KernelProtocol(const Json& v) {
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    for (auto n : {"tcp", "udp", "icmp", "icmpv6", "sctp", "udplite"}) {
      if (s == n) return s;
    }
    if (s.empty() || s.size() > 3 || s[0] == '0') return std::nullopt;
    int n = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return std::nullopt;
      n = n * 10 + (c - '0');
    }
    if (n >= 1 && n <= 255) return s;
    return std::nullopt;
  }
  if (!IsPyNumber(v)) return std::nullopt;
  for (int n = 1; n <= 255; ++n) {
    if (PyEqualsInt(v, n)) return std::to_string(n);
  }
  return std::nullopt;
}

// KERNEL_PORT_PROTOCOLS membership of the positive protocol.
bool IsPortProtocol(const Json* p) {
  if (!p) return false;
  if (p->is_string()) {
    for (auto n : {"tcp", "udp", "udplite", "sctp", "dccp", "6", "17", "136", "132", "33"}) {
      if (p->get_ref<const std::string&>() == n) return true;
    }
    return false;
  }
  for (int n : {6, 17, 136, 132, 33}) {
    if (PyEqualsInt(*p, n)) return true;
  }
  return false;
}

// Python int(s) for a str: surrounding whitespace, optional sign, digits.
std::optional<long long> PyIntOfString(std::string_view s) {
  auto ws = [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
  while (!s.empty() && ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && ws(s.back())) s.remove_suffix(1);
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return std::nullopt;
  long long n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    if (n < 1'000'000'000) n = n * 10 + (c - '0');  // saturates: only ranges matter
  }
  return neg ? -n : n;
}

// validate_rule_port: nullptr if valid (and fills *out).
const char* ValidateRulePort(const Json& port, PortRange* out) {
  if (IsPyInt(port)) {
    long long v = PyIntValue(port);
    if (v < 0 || v > 65535) return "integer out of range";
    *out = {static_cast<int>(v), static_cast<int>(v)};
    return nullptr;
  }
  if (!port.is_string()) return "neither integer nor string";
  std::string_view s = port.get_ref<const std::string&>();
  size_t colon = s.find(':');
  if (colon == std::string_view::npos || s.find(':', colon + 1) != std::string_view::npos) {
    return "range unparseable";
  }
  auto start = PyIntOfString(s.substr(0, colon));
  auto end = PyIntOfString(s.substr(colon + 1));
  if (!start || !end) return "range invalid";
  if (*start >= *end || *start < 0 || *end > 65535) return "range invalid";
  *out = {static_cast<int>(*start), static_cast<int>(*end)};
  return nullptr;
}

// INVALID_LOG_KEY_CHARS.sub("_", s)[:27] on a unicode string: one "_" per
// code point outside [a-zA-Z0-9_:-], then the first 27 code points.
std::string SanitizeLogPrefix(std::string_view s) {
  std::string out;
  size_t i = 0;
  int n = 0;
  while (i < s.size() && n < 27) {
    unsigned char c = s[i];
    size_t len = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
    bool ok = len == 1 && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                           (c >= '0' && c <= '9') || c == '_' || c == ':' || c == '-');
    out.push_back(ok ? static_cast<char>(c) : '_');
    i += len;
    ++n;
  }
  return out;
}

std::optional<Cidr> CidrOf(const Json& v, int version) {
  if (!v.is_string()) return std::nullopt;
  return ParseCidr(v.get_ref<const std::string&>(), version);
}

// One polarity of _validate_rule_match_criteria.
void ValidateCriteria(Json& rule, std::string_view neg, Issues& issues, Rule& r) {
  RuleMatch& m = neg.empty() ? r.match : r.not_match;
  auto key = [&](std::string_view k) { return std::string(neg) + std::string(k); };
  // The positive protocol as it is now (the "!" pass sees the canonical one).
  const Json protocol = rule.contains("protocol") ? rule["protocol"] : Json();
  const bool has_protocol = !protocol.is_null();

  const std::string proto_key = key("protocol");
  if (const Json* pv = Get(rule, proto_key)) {
    if (auto canon = KernelProtocol(*pv)) {
      rule[proto_key] = *canon;
      m.protocol = *canon;
    } else {
      issues.Add(fmt::format("Invalid {} {} in rule {}", proto_key, PyStr(*pv), PyRepr(rule)));
    }
  }

  const Json* ipv = Get(rule, "ip_version");
  const bool v4 = ipv && PyEqualsInt(*ipv, 4);
  const bool v6 = ipv && PyEqualsInt(*ipv, 6);
  if (v4 && IsStr(&protocol, "icmpv6")) {
    issues.Add(fmt::format("Using icmpv6 with IPv4 in rule {}.", PyRepr(rule)));
  }
  if (v6 && IsStr(&protocol, "icmp")) {
    issues.Add(fmt::format("Using icmp with IPv6 in rule {}.", PyRepr(rule)));
  }

  for (auto [k, dst] : {std::pair{"src_tag", &m.src_tag}, std::pair{"dst_tag", &m.dst_tag}}) {
    const std::string tk = key(k);
    if (const Json* t = Get(rule, tk)) {
      if (t->is_string() && IsValidId(t->get_ref<const std::string&>())) {
        *dst = t->get<std::string>();
      } else {
        issues.Add(fmt::format("Invalid {}: {}.", tk, PyRepr(*t)));
      }
    }
  }
  for (auto [k, dst] :
       {std::pair{"src_selector", &m.src_selector}, std::pair{"dst_selector", &m.dst_selector}}) {
    const std::string sk = key(k);
    if (const Json* s = Get(rule, sk)) {
      auto parsed = s->is_string() ? selector::Parse(s->get_ref<const std::string&>())
                                   : Result<selector::Selector>(Status::InvalidArgument(""));
      if (parsed.ok()) {
        *dst = *parsed;
      } else {
        issues.Add(fmt::format("Invalid {}: {}", sk, PyRepr(*s)));
      }
    }
  }

  if (const Json* lp = Get(rule, "log_prefix")) {
    if (!lp->is_string()) {
      issues.Add("Log prefix should be a string");
    } else {
      std::string clean = SanitizeLogPrefix(lp->get_ref<const std::string&>());
      rule["log_prefix"] = clean;
      r.log_prefix = clean;
    }
  }

  const int version = v4 ? 4 : v6 ? 6 : 0;
  const std::string version_str = ipv ? PyStr(*ipv) : "None";
  for (auto [k, dst] : {std::pair{"src_net", &m.src_net}, std::pair{"dst_net", &m.dst_net}}) {
    const std::string nk = key(k);
    if (const Json* n = Get(rule, nk)) {
      if (auto c = CidrOf(*n, version)) {
        rule[nk] = c->ToString();
        *dst = *c;
      } else {
        issues.Add(fmt::format("Invalid CIDR (version {}) in rule {}.", version_str, PyRepr(rule)));
      }
    }
  }
  // [GO] 2.4 lists; same texts as the single forms.
  for (auto [k, dst] : {std::pair{"src_nets", &m.src_nets}, std::pair{"dst_nets", &m.dst_nets}}) {
    const std::string nk = key(k);
    const Json* n = Get(rule, nk);
    if (!n) continue;
    if (!n->is_array()) {
      issues.Add(fmt::format("Expected {} to be a list in rule {}.", nk, PyRepr(rule)));
      continue;
    }
    std::vector<Cidr> cidrs;
    Json canon = Json::array();
    for (const Json& e : *n) {
      auto c = CidrOf(e, version);
      if (!c) break;
      cidrs.push_back(*c);
      canon.push_back(c->ToString());
    }
    if (cidrs.size() != n->size()) {
      issues.Add(fmt::format("Invalid CIDR (version {}) in rule {}.", version_str, PyRepr(rule)));
    } else {
      rule[nk] = std::move(canon);
      *dst = std::move(cidrs);
    }
  }

  for (auto [k, dst] :
       {std::pair{"src_ports", &m.src_ports}, std::pair{"dst_ports", &m.dst_ports}}) {
    const std::string pk = key(k);
    const Json* ports = Get(rule, pk);
    if (!ports) continue;
    if (!ports->is_array()) {
      issues.Add(fmt::format("Expected ports to be a list in rule {}.", PyRepr(rule)));
      continue;
    }
    if (!IsPortProtocol(has_protocol ? &protocol : nullptr)) {
      issues.Add(fmt::format("{} is not allowed for protocol {} in rule {}", pk,
                             has_protocol ? PyStr(protocol) : "None", PyRepr(rule)));
    }
    std::vector<PortRange> ranges;
    bool ok = true;
    for (const Json& port : *ports) {
      PortRange pr;
      if (const char* err = ValidateRulePort(port, &pr)) {
        ok = false;
        if (issues.full()) {  // rejected anyway; count it, render no more texts
          issues.Add("");
          break;
        }
        issues.Add(fmt::format("Invalid port {} ({}) in rule {}.", PyStr(port), err, PyRepr(rule)));
      } else {
        ranges.push_back(pr);
      }
    }
    if (ok) *dst = std::move(ranges);
  }

  if (const Json* action = Get(rule, key("action"))) {
    bool known = false;
    for (auto [name, a] : {std::pair{"allow", Action::kAllow}, std::pair{"deny", Action::kDeny},
                           std::pair{"next-tier", Action::kNextTier},
                           std::pair{"pass", Action::kNextTier}, std::pair{"log", Action::kLog}}) {
      if (IsStr(action, name)) {
        known = true;
        if (neg.empty()) r.action = a;
      }
    }
    if (!known) issues.Add(fmt::format("Invalid action in rule {}.", PyRepr(rule)));
  }

  const Json* icmp_type = Get(rule, key("icmp_type"));
  if (icmp_type) {
    if (!IsPyInt(*icmp_type)) {
      issues.Add(fmt::format("ICMP type is not an integer in rule {}.", PyRepr(rule)));
    } else if (long long t = PyIntValue(*icmp_type); t < 0 || t > 255) {
      issues.Add(fmt::format("ICMP type is out of range in rule {}.", PyRepr(rule)));
    } else {
      m.icmp_type = static_cast<int>(t);
    }
  }
  if (const Json* icmp_code = Get(rule, key("icmp_code"))) {
    if (!IsPyInt(*icmp_code)) {
      issues.Add(fmt::format("ICMP code is not an integer in rule {}.", PyRepr(rule)));
    } else if (long long c = PyIntValue(*icmp_code); c < 0 || c > 255) {
      issues.Add("ICMP code is out of range.");
    } else {
      m.icmp_code = static_cast<int>(c);
    }
    if (!icmp_type) issues.Add("ICMP code specified without ICMP type.");
  }
}

}  // namespace

std::optional<Rule> ValidateRule(Json& rule, Issues& issues) {
  const size_t before = issues.count();
  // [PY] deletes keys whose value is None.
  Json cleaned = Json::object();
  for (auto& [k, v] : rule.items()) {
    if (!v.is_null()) cleaned[k] = std::move(v);
  }
  rule = std::move(cleaned);

  Rule r;
  if (const Json* ipv = Get(rule, "ip_version")) {
    if (!PyEqualsInt(*ipv, 4) && !PyEqualsInt(*ipv, 6)) {
      issues.Add(fmt::format("Invalid ip_version in rule {}.", PyRepr(rule)));
      return std::nullopt;  // further checks of this rule skipped
    }
    r.ip_version = PyEqualsInt(*ipv, 4) ? 4 : 6;
    rule["ip_version"] = *r.ip_version;
  }
  ValidateCriteria(rule, "", issues, r);
  ValidateCriteria(rule, "!", issues, r);

  std::set<std::string> unknown;
  for (const auto& [k, v] : rule.items()) {
    if (!IsKnownRuleKey(k)) unknown.insert(PyRepr(Json(k)));
  }
  if (!unknown.empty()) {
    // Python printed set([...]) in hash order; we print sorted.
    std::vector<std::string> names(unknown.begin(), unknown.end());
    issues.Add(fmt::format("Rule contains unknown keys: set([{}]).", fmt::join(names, ", ")));
  }
  if (issues.count() != before) return std::nullopt;
  return r;
}

void ValidateRules(Json& dict, Issues& issues, RuleList& out) {
  for (auto [dirn, dst] :
       {std::pair{"inbound_rules", &out.inbound}, std::pair{"outbound_rules", &out.outbound}}) {
    auto it = dict.find(dirn);
    if (it == dict.end()) continue;
    if (!it->is_array()) {
      issues.Add(fmt::format("Expected rules[{}] to be a list.", dirn));
      continue;
    }
    for (Json& rule : *it) {
      if (!rule.is_object()) {
        issues.Add(fmt::format("Rule should be a dict: {}", PyRepr(rule)));
        break;
      }
      if (auto r = ValidateRule(rule, issues)) dst->push_back(std::move(*r));
      if (issues.full()) break;
    }
  }
}

}  // namespace felix::model::internal
