// Rule scanner implementation (see rule_translate.h).
#include "calc/rule_translate.h"

namespace felix::calc {
namespace {

RuleMatch TranslateMatch(const model::RuleMatch& m) {
  RuleMatch out;
  out.protocol = m.protocol;
  out.src_net = m.src_net;
  out.dst_net = m.dst_net;
  out.src_nets = m.src_nets;
  out.dst_nets = m.dst_nets;
  if (m.src_tag) out.src_ip_set_ids.push_back(TagIpSetId(*m.src_tag));
  if (m.src_selector) out.src_ip_set_ids.push_back(m.src_selector->unique_id());
  if (m.dst_tag) out.dst_ip_set_ids.push_back(TagIpSetId(*m.dst_tag));
  if (m.dst_selector) out.dst_ip_set_ids.push_back(m.dst_selector->unique_id());
  out.src_ports = m.src_ports;
  out.dst_ports = m.dst_ports;
  out.icmp_type = m.icmp_type;
  out.icmp_code = m.icmp_code;
  return out;
}

void ScanMatch(const model::RuleMatch& m,
               const std::function<void(const selector::Selector&)>& on_selector,
               const std::function<void(const std::string&)>& on_tag) {
  if (m.src_tag) on_tag(*m.src_tag);
  if (m.src_selector) on_selector(*m.src_selector);
  if (m.dst_tag) on_tag(*m.dst_tag);
  if (m.dst_selector) on_selector(*m.dst_selector);
}

}  // namespace

std::string TagIpSetId(const std::string& tag) { return "t:" + tag; }

Rule TranslateRule(const model::Rule& rule) {
  Rule out;
  out.action = rule.action;
  out.ip_version = rule.ip_version;
  out.match = TranslateMatch(rule.match);
  out.not_match = TranslateMatch(rule.not_match);
  out.log_prefix = rule.log_prefix;
  return out;
}

std::vector<Rule> TranslateRules(const std::vector<model::Rule>& rules) {
  std::vector<Rule> out;
  out.reserve(rules.size());
  for (const model::Rule& r : rules) out.push_back(TranslateRule(r));
  return out;
}

void ForEachIpSetRef(const std::vector<model::Rule>& rules,
                     const std::function<void(const selector::Selector&)>& on_selector,
                     const std::function<void(const std::string&)>& on_tag) {
  for (const model::Rule& r : rules) {
    ScanMatch(r.match, on_selector, on_tag);
    ScanMatch(r.not_match, on_selector, on_tag);
  }
}

}  // namespace felix::calc
