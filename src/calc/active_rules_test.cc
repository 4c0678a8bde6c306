// Tests for ActiveRulesCalculator: which policies and profiles are active for
// the local endpoints (untracked policy only through host endpoints, missing
// profile rules never active), and which endpoints' policy lists change.
#include "calc/active_rules.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace felix::calc {
namespace {

class Recorder final : public ActiveRulesCalculator::Output {
 public:
  void OnPolicyChanged(const PolicyId& id, const model::Policy* before,
                       const model::Policy* after) override {
    log.push_back(std::string(before ? "~" : "+") + (after ? "" : "-") + "policy " + id.name);
  }
  void OnProfileChanged(const std::string& id, const model::ProfileRules* before,
                        const model::ProfileRules* after) override {
    log.push_back(std::string(before ? "~" : "+") + (after ? "" : "-") + "profile " + id);
  }
  void OnEndpointPoliciesChanged(uint32_t ep) override { dirty.push_back(ep); }
  std::vector<std::string> Take() { return std::exchange(log, {}); }
  std::vector<std::string> log;
  std::vector<uint32_t> dirty;
};

model::Policy Pol(const char* sel, std::optional<double> order = {}, bool untracked = false) {
  model::Policy p{*selector::Parse(sel), order, {}, {}, untracked};
  return p;
}

using Log = std::vector<std::string>;

struct ActiveCase {
  const char* description;
  bool host;        // endpoint kind
  bool untracked;   // policy flag
  const char* sel;  // policy selector
  bool active;      // expected
};

const ActiveCase kActiveCases[] = {
    {"matching tracked policy, workload", false, false, "has(a)", true},
    {"matching tracked policy, host", true, false, "has(a)", true},
    {"matching untracked policy, host", true, true, "has(a)", true},
    {"untracked policy is not used by workloads", false, true, "has(a)", false},
    {"non-matching policy", true, false, "has(b)", false},
};

TEST(ActiveRulesTest, ActivenessTable) {
  for (const ActiveCase& c : kActiveCases) {
    Interner strings;
    Recorder rec;
    ActiveRulesCalculator calc(strings, rec);
    model::Policy p = Pol(c.sel, {}, c.untracked);
    calc.UpdatePolicy({"t", "p"}, &p);
    calc.UpdateEndpoint(0, c.host, {{"a", "1"}}, {});
    EXPECT_EQ(calc.ActivePolicy({"t", "p"}) != nullptr, c.active) << c.description;
    calc.RemoveEndpoint(0);
    EXPECT_EQ(calc.ActivePolicy({"t", "p"}), nullptr) << c.description;
    EXPECT_EQ(rec.Take(), c.active ? Log({"+policy p", "~-policy p"}) : Log{}) << c.description;
  }
}

TEST(ActiveRulesTest, PolicyLifecycle) {
  Interner strings;
  Recorder rec;
  ActiveRulesCalculator calc(strings, rec);
  calc.UpdateEndpoint(0, true, {{"a", "1"}}, {});
  calc.UpdateEndpoint(1, false, {{"a", "2"}}, {});
  model::Policy p = Pol("has(a)", 5);
  calc.UpdatePolicy({"t", "p"}, &p);
  EXPECT_EQ(rec.Take(), Log({"+policy p"})) << "active once, for two endpoints";
  EXPECT_EQ(rec.dirty, (std::vector<uint32_t>{0, 1}));
  rec.dirty.clear();
  model::Policy reordered = Pol("has(a)", 1);
  calc.UpdatePolicy({"t", "p"}, &reordered);
  EXPECT_EQ(rec.Take(), Log({"~policy p"})) << "content change while active";
  EXPECT_EQ(rec.dirty.size(), 2u) << "order change re-resolves its endpoints";
  model::Policy narrowed = Pol("a == '1'", 1);
  calc.UpdatePolicy({"t", "p"}, &narrowed);
  EXPECT_EQ(rec.Take(), Log({"~-policy p", "+policy p"})) << "selector change re-matches";
  calc.UpdateEndpoint(0, true, {{"a", "3"}}, {});
  EXPECT_EQ(rec.Take(), Log({"~-policy p"})) << "last user relabelled";
  calc.UpdatePolicy({"t", "p"}, nullptr);
  EXPECT_EQ(rec.Take(), Log{}) << "inactive policy deleted silently";
}

TEST(ActiveRulesTest, ProfilesNeedAUserAndRules) {
  Interner strings;
  Recorder rec;
  ActiveRulesCalculator calc(strings, rec);
  model::ProfileRules rules;
  calc.UpdateProfileRules("p", &rules);
  EXPECT_EQ(rec.Take(), Log{}) << "rules alone";
  calc.UpdateEndpoint(0, false, {}, {"p", "missing"});
  EXPECT_EQ(rec.Take(), Log({"+profile p"})) << "listed; the missing one never activates";
  EXPECT_EQ(calc.ActiveProfile("missing"), nullptr);
  calc.UpdateProfileRules("p", nullptr);
  EXPECT_EQ(rec.Take(), Log({"~-profile p"})) << "rules deleted (or invalid)";
  calc.UpdateProfileRules("p", &rules);
  EXPECT_EQ(rec.Take(), Log({"+profile p"})) << "rules back";
  calc.UpdateEndpoint(0, false, {}, {});
  EXPECT_EQ(rec.Take(), Log({"~-profile p"})) << "no longer listed";
}

TEST(ActiveRulesTest, ResolveUsesTierMetadataAndProfileLabels) {
  Interner strings;
  Recorder rec;
  ActiveRulesCalculator calc(strings, rec);
  model::Policy a = Pol("role == 'web'", 1), b = Pol("all()", 1);
  calc.UpdatePolicy({"t1", "a"}, &a);
  calc.UpdatePolicy({"t2", "b"}, &b);
  calc.UpdateEndpoint(0, true, {}, {"prof"});
  EndpointPolicy out;
  calc.Resolve(0, &out);
  ASSERT_EQ(out.tiers.size(), 1u);
  EXPECT_EQ(out.tiers[0].name, "t2");
  model::Labels web = {{"role", "web"}};
  calc.UpdateProfileLabels("prof", &web);
  model::TierMetadata t2{1}, t1{2};
  rec.dirty.clear();
  calc.UpdateTier("t2", &t2);
  calc.UpdateTier("t1", &t1);
  EXPECT_FALSE(rec.dirty.empty());
  calc.Resolve(0, &out);
  ASSERT_EQ(out.tiers.size(), 2u) << "profile label inherited";
  EXPECT_EQ(out.tiers[0].name, "t2");
  EXPECT_EQ(out.tiers[1].name, "t1");
}

}  // namespace
}  // namespace felix::calc
