// Table-driven truth tables for Selector::Evaluate (spec §11.2), including
// absent labels for != and not in, precedence, and a LabelSource that layers
// two maps. Allocation-freedom is tested in alloc_test.cc.
#include <string>

#include "gtest/gtest.h"
#include "selector/selector.h"

namespace felix::selector {
namespace {

const Labels kWeb = {
    {"role", "web"}, {"tier", "frontend"}, {"empty", ""}, {"calico/k8s_ns", "prod-eu"}};
const Labels kDb = {{"role", "db"}, {"tier", "backend"}};
const Labels kNone = {};

struct EvalCase {
  const char* description;
  const char* selector;
  bool web, db, none;  // expected against kWeb, kDb, kNone
};

const EvalCase kEvalCases[] = {
    {"empty", "", true, true, true},
    {"all()", "all()", true, true, true},
    {"global()", "global()", true, true, true},
    {"!all()", "!all()", false, false, false},
    {"has", "has(empty)", true, false, false},
    {"has, absent", "has(nope)", false, false, false},
    {"!has", "!has(empty)", false, true, true},
    {"==", "role == 'web'", true, false, false},
    {"== empty value", "empty == ''", true, false, false},
    {"== absent never matches", "nope == ''", false, false, false},
    {"!= absent matches", "role != 'web'", false, true, true},
    {"!= empty value", "empty != ''", false, true, true},
    {"in", "role in {'web', 'db'}", true, true, false},
    {"in, empty set", "role in {}", false, false, false},
    {"not in, absent matches", "role not in {'web'}", false, true, true},
    {"not in, empty set", "role not in {}", true, true, true},
    {"contains", "calico/k8s_ns contains 'od-e'", true, false, false},
    {"contains empty string needs presence", "tier contains ''", true, true, false},
    {"starts with", "tier starts with 'front'", true, false, false},
    {"starts with whole value", "role starts with 'db'", false, true, false},
    {"ends with", "tier ends with 'end'", true, true, false},
    {"ends with, longer than value", "role ends with 'xweb'", false, false, false},
    {"!contains, absent matches", "!tier contains 'back'", true, false, true},
    {"&&", "role == 'web' && has(tier)", true, false, false},
    {"||", "role == 'web' || role == 'db'", true, true, false},
    {"a || b && c", "has(empty) || role == 'db' && tier == 'frontend'", true, false, false},
    {"(a || b) && c", "(has(empty) || role == 'db') && tier == 'backend'", false, true, false},
    {"!a && b", "!has(empty) && has(role)", false, true, false},
    {"!(a && b)", "!(has(empty) && has(role))", false, true, true},
    {"!! is identity", "!!has(role)", true, true, false},
    {"spec §10: role == \"mgmt\"", "role == \"mgmt\"", false, false, false},
    {"nested", "((role == 'web' || role == 'db') && !(tier in {'backend'})) || has(x)", true, false,
     false},
};

TEST(SelectorEvaluateTest, TruthTable) {
  for (const auto& c : kEvalCases) {
    SCOPED_TRACE(c.description);
    auto sel = Parse(c.selector);
    ASSERT_TRUE(sel.ok()) << sel.status().message();
    EXPECT_EQ(sel->Evaluate(kWeb), c.web);
    EXPECT_EQ(sel->Evaluate(kDb), c.db);
    EXPECT_EQ(sel->Evaluate(kNone), c.none);
    // The canonical form evaluates identically.
    auto canon = Parse(sel->canonical());
    ASSERT_TRUE(canon.ok());
    EXPECT_EQ(canon->Evaluate(kWeb), c.web);
    EXPECT_EQ(canon->Evaluate(kDb), c.db);
    EXPECT_EQ(canon->Evaluate(kNone), c.none);
  }
}

// An endpoint's own labels over its profile's, as calc/ will layer them.
class Layered final : public LabelSource {
 public:
  Layered(const Labels& own, const Labels& profile) : own_(own), profile_(profile) {}
  const std::string* Find(std::string_view name) const override {
    if (const std::string* v = own_.Find(name)) return v;
    return profile_.Find(name);
  }

 private:
  MapLabels own_, profile_;
};

TEST(SelectorEvaluateTest, LabelSourceLayering) {
  Labels own = {{"role", "web"}};
  Labels profile = {{"role", "db"}, {"tier", "infra"}};
  Layered layered(own, profile);
  EXPECT_TRUE(Parse("role == 'web' && tier == 'infra'")->Evaluate(layered));
  EXPECT_FALSE(Parse("role == 'db'")->Evaluate(layered));
}

TEST(SelectorEvaluateTest, SpecSection10Endpoints) {
  // Policy "ssh" selects role == "mgmt": the host endpoint "mgmt" but not
  // "data" nor the workload (whose profile "base" adds tier=infra).
  auto ssh = Parse("role == \"mgmt\"");
  ASSERT_TRUE(ssh.ok());
  EXPECT_TRUE(ssh->Evaluate(Labels{{"role", "mgmt"}}));
  EXPECT_FALSE(ssh->Evaluate(Labels{{"role", "data"}}));
  EXPECT_FALSE(ssh->Evaluate(Labels{{"app", "web"}, {"tier", "infra"}}));
}

}  // namespace
}  // namespace felix::selector
