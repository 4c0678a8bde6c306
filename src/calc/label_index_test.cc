// Table-driven tests for LabelIndex: selector and tag matching over effective
// labels (own labels win; the first listed profile wins among profiles), and
// the started/stopped reports as items, parents and matchers change.
#include "calc/label_index.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace felix::calc {
namespace {

// Records reports as "+m/i" and "-m/i".
class Recorder final : public LabelIndex::Observer {
 public:
  void OnMatchStarted(uint32_t m, uint32_t i) override {
    log.push_back("+" + std::to_string(m) + "/" + std::to_string(i));
  }
  void OnMatchStopped(uint32_t m, uint32_t i) override {
    log.push_back("-" + std::to_string(m) + "/" + std::to_string(i));
  }
  std::vector<std::string> Take() { return std::exchange(log, {}); }
  std::vector<std::string> log;
};

selector::Selector Sel(const char* text) { return *selector::Parse(text); }

struct InheritCase {
  const char* description;
  selector::Labels own;
  std::vector<std::string> parents;
  const char* selector;
  bool match;
};

// Parent "p1" has {role: p1, env: prod}; "p2" has {role: p2, zone: z2}.
const InheritCase kInheritCases[] = {
    {"own label", {{"role", "web"}}, {}, "role == 'web'", true},
    {"inherited label", {}, {"p1"}, "env == 'prod'", true},
    {"own label wins over profile", {{"role", "web"}}, {"p1"}, "role == 'web'", true},
    {"profile value hidden by own", {{"role", "web"}}, {"p1"}, "role == 'p1'", false},
    {"first profile wins", {}, {"p1", "p2"}, "role == 'p1'", true},
    {"later profile loses", {}, {"p1", "p2"}, "role == 'p2'", false},
    {"later profile's other labels count", {}, {"p1", "p2"}, "has(zone) && has(env)", true},
    {"missing profile adds nothing", {}, {"nope"}, "has(role)", false},
    {"negation sees inherited", {}, {"p1"}, "!has(env)", false},
    {"all() matches everything", {}, {}, "all()", true},
    {"tags are not labels", {}, {"p1"}, "has(t1)", false},
    // Selectors that are exactly their index bucket (matched unevaluated).
    {"exact has() on own label", {{"role", "web"}}, {}, "has(role)", true},
    {"exact has() on inherited label", {}, {"p1"}, "has(env)", true},
    {"exact has() on later profile's label", {}, {"p1", "p2"}, "has(zone)", true},
    {"exact has() absent", {{"role", "web"}}, {"p1"}, "has(zone)", false},
    {"exact == with a quote in the value", {{"role", "a\"b"}}, {}, "role == 'a\"b'", true},
    {"exact == with a quote, other value", {{"role", "ab"}}, {}, "role == 'a\"b'", false},
};

TEST(LabelIndexTest, InheritanceTable) {
  for (const InheritCase& c : kInheritCases) {
    Interner strings;
    Recorder rec;
    LabelIndex index(strings, rec);
    selector::Labels p1 = {{"role", "p1"}, {"env", "prod"}};
    selector::Labels p2 = {{"role", "p2"}, {"zone", "z2"}};
    std::vector<std::string> tags = {"t1"};
    index.SetParentLabels("p1", &p1);
    index.SetParentLabels("p2", &p2);
    index.SetParentTags("p1", &tags);
    // Matcher before the item and after it must agree.
    index.AddSelector(7, Sel(c.selector));
    index.UpdateItem(1, c.own, c.parents);
    index.AddSelector(8, Sel(c.selector));
    std::vector<uint32_t> want;
    if (c.match) want = {7, 8};
    EXPECT_EQ(index.MatchesOf(1), want) << c.description;
  }
}

TEST(LabelIndexTest, ReportsStartAndStopOnEveryChange) {
  Interner strings;
  Recorder rec;
  LabelIndex index(strings, rec);
  index.AddSelector(1, Sel("env == 'prod'"));
  index.AddSelector(2, Sel("!has(env)"));
  index.AddTag(3, "t1");
  index.UpdateItem(10, {}, {"p"});
  EXPECT_EQ(rec.Take(), (std::vector<std::string>{"+2/10"})) << "no labels yet";
  selector::Labels prod = {{"env", "prod"}};
  index.SetParentLabels("p", &prod);
  EXPECT_EQ(rec.Take(), (std::vector<std::string>{"-2/10", "+1/10"})) << "profile labels";
  std::vector<std::string> tags = {"t1", "t1"};
  index.SetParentTags("p", &tags);
  EXPECT_EQ(rec.Take(), (std::vector<std::string>{"+3/10"})) << "profile tag";
  index.UpdateItem(10, {{"env", "dev"}}, {"p"});
  EXPECT_EQ(rec.Take(), (std::vector<std::string>{"-1/10"})) << "own label overrides";
  index.UpdateItem(10, {{"env", "dev"}}, {"p"});
  EXPECT_EQ(rec.Take(), (std::vector<std::string>{})) << "no-op update";
  index.SetParentTags("p", nullptr);
  EXPECT_EQ(rec.Take(), (std::vector<std::string>{"-3/10"})) << "tags deleted";
  index.UpdateItem(11, {{"env", "prod"}}, {});
  EXPECT_EQ(rec.Take(), (std::vector<std::string>{"+1/11"})) << "second item";
  index.RemoveMatcher(1);
  EXPECT_EQ(rec.Take(), (std::vector<std::string>{"-1/11"})) << "matcher removed";
  index.RemoveItem(10);
  index.RemoveItem(11);
  EXPECT_EQ(rec.Take(), (std::vector<std::string>{})) << "items removed";
  index.RemoveMatcher(2);
  index.RemoveMatcher(3);
  index.SetParentLabels("p", nullptr);
  EXPECT_EQ(strings.size(), 1u) << "only the index's own \"\" stays interned";
}

// Items only reachable through the value index and the name index.
TEST(LabelIndexTest, IndexedBucketsFindCandidates) {
  Interner strings;
  Recorder rec;
  LabelIndex index(strings, rec);
  index.UpdateItem(1, {{"a", "x"}}, {});
  index.UpdateItem(2, {{"a", "y"}}, {});
  index.UpdateItem(3, {{"b", "x"}}, {});
  index.AddSelector(10, Sel("a == 'x'"));
  index.AddSelector(11, Sel("has(a) && a != 'x'"));
  index.AddSelector(12, Sel("a == 'x' || has(b)"));
  EXPECT_EQ(rec.Take(), (std::vector<std::string>{"+10/1", "+11/2", "+12/1", "+12/3"}));
  index.UpdateItem(2, {{"a", "x"}}, {});
  EXPECT_EQ(rec.Take(), (std::vector<std::string>{"-11/2", "+10/2", "+12/2"}));
}

}  // namespace
}  // namespace felix::calc
