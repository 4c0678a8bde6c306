// Table-driven tests for Selector::RequiredLabels(): which conjuncts every
// match needs (used by the calc layer's selector index).
#include <string>

#include "gtest/gtest.h"
#include "selector/selector.h"

namespace felix::selector {
namespace {

struct RequiredCase {
  const char* description;
  const char* selector;
  const char* expected;  // "name" or "name=value" entries joined by ","
};

const RequiredCase kCases[] = {
    {"empty selects all", "", ""},
    {"all()", "all()", ""},
    {"global()", "global()", ""},
    {"has", "has(a)", "a"},
    {"==", "a == 'x'", "a=x"},
    {"== empty value", "a == ''", "a="},
    {"!=", "a != 'x'", ""},
    {"in, several", "a in {'x', 'y'}", "a"},
    {"in, one value", "a in {'x'}", "a=x"},
    {"in, empty set still needs the label", "a in {}", "a"},
    {"not in", "a not in {'x'}", ""},
    {"contains", "a contains 'x'", "a"},
    {"starts with", "a starts with 'x'", "a"},
    {"ends with", "a ends with 'x'", "a"},
    {"negated has", "!has(a)", ""},
    {"negated ==", "!(a == 'x')", ""},
    {"&& collects every conjunct", "has(b) && a == 'x' && c != 'y'", "a=x,b"},
    {"nested && flattened", "has(b) && (a == 'x' && has(c))", "a=x,b,c"},
    {"|| requires nothing", "has(a) || has(b)", ""},
    {"&& with a || inside", "has(a) && (has(b) || has(c))", "a"},
    {"duplicates removed", "has(a) && has(a)", "a"},
};

std::string Text(const Selector& s) {
  std::string out;
  for (const auto& [name, value] : s.RequiredLabels()) {
    if (!out.empty()) out += ",";
    out += name;
    if (value) out += "=" + *value;
  }
  return out;
}

TEST(RequiredLabelsTest, Table) {
  for (const RequiredCase& c : kCases) {
    auto sel = Parse(c.selector);
    ASSERT_TRUE(sel.ok()) << c.description;
    EXPECT_EQ(Text(*sel), c.expected) << c.description;
  }
}

// Soundness: a label set missing a required conjunct never matches.
TEST(RequiredLabelsTest, MissingConjunctNeverMatches) {
  const Labels kFull = {{"a", "x"}, {"b", "y"}, {"c", "z"}};
  for (const RequiredCase& c : kCases) {
    auto sel = Parse(c.selector);
    ASSERT_TRUE(sel.ok()) << c.description;
    for (const auto& [name, value] : sel->RequiredLabels()) {
      Labels without = kFull;
      without.erase(name);
      EXPECT_FALSE(sel->Evaluate(without)) << c.description << " without " << name;
      if (value) {
        Labels other = kFull;
        other[name] = *value + "-other";
        EXPECT_FALSE(sel->Evaluate(other)) << c.description << " with other " << name;
      }
    }
  }
}

}  // namespace
}  // namespace felix::selector
