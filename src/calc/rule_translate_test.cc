// Table-driven tests for the rule scanner: every rule field carried over, and
// tag/selector references (source, destination, positive, negated) replaced
// by IP-set ids and reported for refcounting.
#include "calc/rule_translate.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "model/model.h"

namespace felix::calc {
namespace {

model::Rule Decode(const char* json) {
  model::Decoded d = model::DecodeRule(json);
  const model::Rule* r = model::DecodedRule(d);
  EXPECT_NE(r, nullptr) << json;
  return r ? *r : model::Rule{};
}

std::string Sid(const char* sel) { return selector::Parse(sel)->unique_id(); }
std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

struct RefCase {
  const char* description;
  const char* rule;
  std::string src, dst, not_src, not_dst;  // ids, comma-joined
};

const RefCase kRefCases[] = {
    {"no references", R"j({"action": "allow"})j", "", "", "", ""},
    {"src_tag", R"j({"action": "allow", "src_tag": "a"})j", "t:a", "", "", ""},
    {"dst_tag", R"j({"action": "allow", "dst_tag": "a"})j", "", "t:a", "", ""},
    {"!src_tag", R"j({"action": "allow", "!src_tag": "a"})j", "", "", "t:a", ""},
    {"!dst_tag", R"j({"action": "allow", "!dst_tag": "a"})j", "", "", "", "t:a"},
    {"src_selector", R"j({"action": "allow", "src_selector": "has(x)"})j", Sid("has(x)"), "", "",
     ""},
    {"dst_selector", R"j({"action": "allow", "dst_selector": "has(x)"})j", "", Sid("has(x)"), "",
     ""},
    {"!src_selector", R"j({"action": "allow", "!src_selector": "has(x)"})j", "", "", Sid("has(x)"),
     ""},
    {"!dst_selector", R"j({"action": "allow", "!dst_selector": "has(x)"})j", "", "", "",
     Sid("has(x)")},
    {"tag and selector: tag first",
     R"j({"action": "allow", "src_selector": "has(x)", "src_tag": "a"})j", "t:a," + Sid("has(x)"),
     "", "", ""},
};

TEST(RuleTranslateTest, IpSetReferences) {
  for (const RefCase& c : kRefCases) {
    model::Rule r = Decode(c.rule);
    Rule t = TranslateRule(r);
    EXPECT_EQ(Join(t.match.src_ip_set_ids), c.src) << c.description;
    EXPECT_EQ(Join(t.match.dst_ip_set_ids), c.dst) << c.description;
    EXPECT_EQ(Join(t.not_match.src_ip_set_ids), c.not_src) << c.description;
    EXPECT_EQ(Join(t.not_match.dst_ip_set_ids), c.not_dst) << c.description;
    std::vector<std::string> refs;
    ForEachIpSetRef(
        {r}, [&](const selector::Selector& s) { refs.push_back(s.unique_id()); },
        [&](const std::string& tag) { refs.push_back(TagIpSetId(tag)); });
    std::vector<std::string> want;
    for (const std::string* ids : {&c.src, &c.dst, &c.not_src, &c.not_dst}) {
      size_t start = 0;
      while (!ids->empty() && start <= ids->size()) {
        size_t end = ids->find(',', start);
        if (end == std::string::npos) end = ids->size();
        want.push_back(ids->substr(start, end - start));
        start = end + 1;
      }
    }
    std::sort(refs.begin(), refs.end());
    std::sort(want.begin(), want.end());
    EXPECT_EQ(refs, want) << c.description;
  }
}

TEST(RuleTranslateTest, OtherFieldsCarriedOver) {
  model::Rule r = Decode(R"j({"action": "deny", "ip_version": 4, "protocol": "tcp",
      "src_net": "10.0.0.0/8", "dst_net": "10.1.0.0/16", "src_ports": [80, "100:200"],
      "dst_ports": [443], "!protocol": "udp", "!src_net": "10.2.0.0/16",
      "!dst_ports": [22], "log_prefix": "pfx"})j");
  Rule t = TranslateRule(r);
  EXPECT_EQ(t.action, model::Action::kDeny);
  EXPECT_EQ(t.ip_version, 4);
  EXPECT_EQ(t.match.protocol, "tcp");
  EXPECT_EQ(t.match.src_net->ToString(), "10.0.0.0/8");
  EXPECT_EQ(t.match.dst_net->ToString(), "10.1.0.0/16");
  ASSERT_TRUE(t.match.src_ports.has_value());
  EXPECT_EQ(*t.match.src_ports, r.match.src_ports);
  EXPECT_EQ(t.match.dst_ports, r.match.dst_ports);
  EXPECT_EQ(t.not_match.protocol, "udp");
  EXPECT_EQ(t.not_match.src_net->ToString(), "10.2.0.0/16");
  EXPECT_EQ(t.not_match.dst_ports, r.not_match.dst_ports);
  EXPECT_EQ(t.log_prefix, "pfx");

  model::Rule icmp = Decode(R"j({"action": "allow", "protocol": "icmp", "icmp_type": 8,
      "icmp_code": 0, "src_nets": ["10.0.0.0/8"], "dst_nets": ["10.3.0.0/16"]})j");
  Rule ti = TranslateRule(icmp);
  EXPECT_EQ(ti.match.icmp_type, 8);
  EXPECT_EQ(ti.match.icmp_code, 0);
  EXPECT_EQ(ti.match.src_nets, icmp.match.src_nets);
  EXPECT_EQ(ti.match.dst_nets, icmp.match.dst_nets);
}

}  // namespace
}  // namespace felix::calc
