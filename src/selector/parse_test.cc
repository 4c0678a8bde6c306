// Table-driven tests of Parse(): accepted spellings and their canonical form,
// equivalent spellings sharing one id, label_names(), and the exact error
// texts felixctl shows to users.
#include <algorithm>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "selector/selector.h"

namespace felix::selector {
namespace {

struct CanonicalCase {
  const char* description;
  const char* input;
  const char* canonical;
};

const CanonicalCase kCanonicalCases[] = {
    {"empty selects all", "", "all()"},
    {"whitespace only selects all", " \t\n ", "all()"},
    {"all()", "all()", "all()"},
    {"all( ) with spaces inside", "all( )", "all()"},
    {"global()", "global()", "global()"},
    {"global with spaces", " global (  ) ", "global()"},
    {"has", "has(role)", "has(role)"},
    {"has with spaces inside", "has( role )", "has(role)"},
    {"has with a path-like label", "has(calico/k8s_ns.x-y)", "has(calico/k8s_ns.x-y)"},
    {"== single quotes", "role=='web'", "role == \"web\""},
    {"== double quotes", "role == \"web\"", "role == \"web\""},
    {"!=", "role != 'web'", "role != \"web\""},
    {"empty string value", "role == ''", "role == \"\""},
    {"value holding a double quote keeps single quotes", "a == 'say \"hi\"'", "a == 'say \"hi\"'"},
    {"value holding a single quote uses double quotes", "a == \"it's\"", "a == \"it's\""},
    {"value holding spaces and symbols", "a == ' x && y || !z '", "a == \" x && y || !z \""},
    {"in, sorted and de-duplicated", "a in {'z', \"x\", 'z'}", "a in {\"x\", \"z\"}"},
    {"in, one element", "a in {'x'}", "a in {\"x\"}"},
    {"in, empty set", "a in {}", "a in {}"},
    {"in, trailing comma", "a in {'x',}", "a in {\"x\"}"},
    {"in, no spaces", "a in{'x','y'}", "a in {\"x\", \"y\"}"},
    {"not in", "a not in {'y', 'x'}", "a not in {\"x\", \"y\"}"},
    {"not in with several spaces", "a  not \t in {}", "a not in {}"},
    {"contains", "a contains 'b'", "a contains \"b\""},
    {"starts with", "a starts with 'b'", "a starts with \"b\""},
    {"ends with", "a   ends  with 'b'", "a ends with \"b\""},
    {"label named like a keyword", "in == 'x' && has == 'y'", "(in == \"x\" && has == \"y\")"},
    {"&&", "a == 'x' && has(b)", "(a == \"x\" && has(b))"},
    {"||", "a == 'x' || has(b)", "(a == \"x\" || has(b))"},
    {"&& binds tighter than ||", "has(a) || has(b) && has(c)", "(has(a) || (has(b) && has(c)))"},
    {"&& binds tighter than || (left)", "has(a) && has(b) || has(c)",
     "((has(a) && has(b)) || has(c))"},
    {"parentheses override precedence", "(has(a) || has(b)) && has(c)",
     "((has(a) || has(b)) && has(c))"},
    {"! binds to a primary", "!has(a) && has(b)", "(!has(a) && has(b))"},
    {"! of a group", "!(has(a) && has(b))", "!(has(a) && has(b))"},
    {"!! cancels", "!!has(a)", "has(a)"},
    {"!!! is one !", "! ! !has(a)", "!has(a)"},
    {"!(!x) cancels", "!(!has(a))", "has(a)"},
    {"!== is !=", "!a == 'x'", "a != \"x\""},
    {"!!= is ==", "!a != 'x'", "a == \"x\""},
    {"!in is not in", "!a in {'x'}", "a not in {\"x\"}"},
    {"!not in is in", "!(a not in {'x'})", "a in {\"x\"}"},
    {"! of contains kept", "!a contains 'x'", "!a contains \"x\""},
    {"!all()", "!all()", "!all()"},
    {"redundant parentheses", "((has(a)))", "has(a)"},
    {"nested && flattened", "has(a) && (has(b) && has(c))", "(has(a) && has(b) && has(c))"},
    {"nested || flattened", "(has(a) || has(b)) || has(c)", "(has(a) || has(b) || has(c))"},
    {"no whitespace at all", "a=='x'&&!has(b)||c!='y'", "((a == \"x\" && !has(b)) || c != \"y\")"},
    {"tabs and newlines between tokens", "a\t==\n'x'\r\n&&\thas(b)", "(a == \"x\" && has(b))"},
    {"spec §10 example", "role == \"mgmt\"", "role == \"mgmt\""},
};

TEST(SelectorParseTest, CanonicalForms) {
  for (const auto& c : kCanonicalCases) {
    SCOPED_TRACE(c.description);
    auto sel = Parse(c.input);
    ASSERT_TRUE(sel.ok()) << sel.status().message();
    EXPECT_EQ(sel->canonical(), c.canonical);
    // The canonical form is a fixed point with the same id.
    auto again = Parse(sel->canonical());
    ASSERT_TRUE(again.ok()) << again.status().message();
    EXPECT_EQ(again->canonical(), sel->canonical());
    EXPECT_EQ(again->unique_id(), sel->unique_id());
  }
}

struct EquivalentCase {
  const char* description;
  std::vector<const char*> spellings;
};

const EquivalentCase kEquivalentCases[] = {
    {"quotes and spaces", {"a=='b'", "a == \"b\"", " a  ==  'b' ", "(a == 'b')", "!!a=='b'"}},
    {"empty and all()", {"", "all()", "  all( )  "}},
    {"set order", {"a in {'x', 'y'}", "a in {'y','x','x',}", "!(a not in {'y', 'x'})"}},
    {"double negation", {"!has(a)", "!!!has(a)", "!(!(!has(a)))"}},
    {"associativity", {"has(a) && has(b) && has(c)", "(has(a) && has(b)) && has(c)"}},
};

TEST(SelectorParseTest, EquivalentSpellingsShareId) {
  for (const auto& c : kEquivalentCases) {
    SCOPED_TRACE(c.description);
    auto first = Parse(c.spellings[0]);
    ASSERT_TRUE(first.ok());
    for (const char* s : c.spellings) {
      auto sel = Parse(s);
      ASSERT_TRUE(sel.ok()) << s << ": " << sel.status().message();
      EXPECT_EQ(sel->unique_id(), first->unique_id()) << s;
      EXPECT_TRUE(*sel == *first) << s;
    }
  }
}

TEST(SelectorParseTest, DifferentSelectorsHaveDifferentIds) {
  const char* kDistinct[] = {"all()",           "global()",         "has(a)",
                             "!has(a)",         "a == 'x'",         "a != 'x'",
                             "a in {'x'}",      "a contains 'x'",   "a starts with 'x'",
                             "a ends with 'x'", "has(a) && has(b)", "has(a) || has(b)"};
  std::vector<std::string> ids;
  for (const char* s : kDistinct) ids.push_back(Parse(s)->unique_id());
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(std::unique(ids.begin(), ids.end()), ids.end());
}

TEST(SelectorParseTest, UniqueIdIsGoStyleSha224) {
  // "s:" + unpadded base64url(SHA-224("s:" + canonical)), as libcalico-go's
  // hash.MakeUniqueID("s", canonical); values computed with Python hashlib.
  struct {
    const char* input;
    const char* id;
  } cases[] = {
      {"", "s:5y5I3VdRZfDU01O--xXAPx2yxCQQqMf0M6IWug"},
      {"role=='web'", "s:MR9Dy5iWW0UxNKyRkM6UiRI3iZzQ2k0xiUotow"},
  };
  for (const auto& c : cases) {
    auto sel = Parse(c.input);
    ASSERT_TRUE(sel.ok());
    EXPECT_EQ(sel->unique_id(), c.id) << c.input;
  }
}

TEST(SelectorParseTest, LabelNames) {
  struct {
    const char* input;
    std::vector<std::string> names;
  } cases[] = {
      {"", {}},
      {"global()", {}},
      {"has(b) && a == 'x' || !(c in {}) && b != 'y'", {"a", "b", "c"}},
      {"z contains 'q' || y starts with 'r' || x ends with 's' || w not in {'1'}",
       {"w", "x", "y", "z"}},
  };
  for (const auto& c : cases) {
    auto sel = Parse(c.input);
    ASSERT_TRUE(sel.ok());
    EXPECT_EQ(sel->label_names(), c.names) << c.input;
  }
}

}  // namespace
}  // namespace felix::selector
