// Table-driven tests of Parse() rejections: each row asserts the exact text
// (position is a 0-based byte offset), plus the nesting cap and large inputs.
#include <string>

#include "gtest/gtest.h"
#include "selector/selector.h"

namespace felix::selector {
namespace {

struct ErrorCase {
  const char* description;
  const char* input;
  const char* message;
};

const ErrorCase kErrorCases[] = {
    {"missing string after ==", "role == ",
     "expected a string after '==' at position 8 (found end of input)"},
    {"unquoted value", "role == web", "expected a string after '==' at position 8 (found 'web')"},
    {"missing string after !=", "role!=",
     "expected a string after '!=' at position 6 (found "
     "end of input)"},
    {"missing string after contains", "a contains x",
     "expected a string after 'contains' at position 11 (found 'x')"},
    {"missing string after starts with", "a starts with",
     "expected a string after 'starts with' at position 13 (found end of input)"},
    {"missing string after ends with", "a ends with {",
     "expected a string after 'ends with' at position 12 (found '{')"},
    {"starts without with", "a starts 'x'",
     "expected 'with' after 'starts' at position 9 (found "
     "\"'x'\")"},
    {"startswith glued", "a startswith 'x'",
     "expected an operator (==, !=, in, not in, contains, starts with, ends with) after label "
     "'a' at position 2 (found \"startswith 'x'\")"},
    {"not without in", "a not {'x'}",
     "expected 'in' after 'not' at position 6 (found "
     "\"{'x'}\")"},
    {"notin glued", "a notin {}",
     "expected an operator (==, !=, in, not in, contains, starts with, ends with) after label "
     "'a' at position 2 (found 'notin {}')"},
    {"label alone", "role",
     "expected an operator (==, !=, in, not in, contains, starts with, "
     "ends with) after label 'role' at position 4 (found end of input)"},
    {"single =", "role = 'x'",
     "expected an operator (==, !=, in, not in, contains, starts "
     "with, ends with) after label 'role' at position 5 (found \"= "
     "'x'\")"},
    {"in without set", "a in 'x'", "expected '{' after 'in' at position 5 (found \"'x'\")"},
    {"not in without set", "a not in",
     "expected '{' after 'not in' at position 8 (found end "
     "of input)"},
    {"unclosed set", "a in {'x'",
     "expected ',' or '}' in the set at position 9 (found end of "
     "input)"},
    {"set with bare word", "a in {x}",
     "expected a string or '}' in the set at position 6 "
     "(found 'x}')"},
    {"set with double comma", "a in {'x',,}",
     "expected a string or '}' in the set at position 10 (found ',}')"},
    {"set missing comma", "a in {'x' 'y'}",
     "expected ',' or '}' in the set at position 10 (found \"'y'}\")"},
    {"unterminated double-quoted string", "a == \"web",
     "unterminated string: expected a closing '\"' at position 9 (found end of input)"},
    {"unterminated single-quoted string", "a == 'web",
     "unterminated string: expected a closing \"'\" at position 9 (found end of input)"},
    {"has without label", "has()", "expected a label after 'has(' at position 4 (found ')')"},
    {"has unclosed", "has(a",
     "expected ')' after the label in 'has(' at position 5 (found end "
     "of input)"},
    {"has with two labels", "has(a b)",
     "expected ')' after the label in 'has(' at position 6 (found 'b)')"},
    {"all with argument", "all(x)", "expected ')' after 'all(' at position 4 (found 'x)')"},
    {"global with argument", "global(x)",
     "expected ')' after 'global(' at position 7 (found 'x)')"},
    {"has without parens", "has",
     "expected an operator (==, !=, in, not in, contains, starts "
     "with, ends with) after label 'has' at position 3 (found "
     "end of input)"},
    {"dangling &&", "has(a) &&",
     "expected a label, has(), all(), global(), '!' or '(' at position 9 (found end of input)"},
    {"dangling ||", "has(a) || ",
     "expected a label, has(), all(), global(), '!' or '(' at position 10 (found end of "
     "input)"},
    {"leading &&", "&& has(a)",
     "expected a label, has(), all(), global(), '!' or '(' at "
     "position 0 (found '&& has(a)')"},
    {"dangling !", "!",
     "expected a label, has(), all(), global(), '!' or '(' at position 1 "
     "(found end of input)"},
    {"!= at start", "!= 'x'",
     "expected a label, has(), all(), global(), '!' or '(' at "
     "position 0 (found \"!= 'x'\")"},
    {"single &", "has(a) & has(b)",
     "expected '&&', '||' or end of input at position 7 (found '& has(b)')"},
    {"two expressions", "has(a) has(b)",
     "expected '&&', '||' or end of input at position 7 (found 'has(b)')"},
    {"unclosed paren", "(has(a)",
     "expected '&&', '||' or ')' at position 7 (found end of "
     "input)"},
    {"extra close paren", "has(a))",
     "expected '&&', '||' or end of input at position 6 (found "
     "')')"},
    {"empty parens", "()",
     "expected a label, has(), all(), global(), '!' or '(' at position 1 "
     "(found ')')"},
    {"bad label char", "a$b == 'x'",
     "expected an operator (==, !=, in, not in, contains, starts with, ends with) after label "
     "'a' at position 1 (found \"$b == 'x'\")"},
    {"long remainder is cut", "has(a) xxxxxxxxxxxxxxxxxxxxxxxxxxxx",
     "expected '&&', '||' or end of input at position 7 (found 'xxxxxxxxxxxxxxxx'...)"},
    {"non-printable byte", "has(a) \x01",
     "expected '&&', '||' or end of input at position 7 (found '\\x01')"},
};

TEST(SelectorErrorTest, ExactMessages) {
  for (const auto& c : kErrorCases) {
    SCOPED_TRACE(c.description);
    auto sel = Parse(c.input);
    ASSERT_FALSE(sel.ok()) << "accepted: " << c.input;
    EXPECT_TRUE(sel.status().IsInvalidArgument());
    EXPECT_EQ(sel.status().message(), c.message);
  }
}

std::string Repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

TEST(SelectorErrorTest, NestingIsCappedAt256) {
  auto ok = Parse(Repeat("(", 256) + "has(a)" + Repeat(")", 256));
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  EXPECT_EQ(ok->canonical(), "has(a)");

  auto too_deep = Parse(Repeat("(", 257) + "has(a)" + Repeat(")", 257));
  ASSERT_FALSE(too_deep.ok());
  EXPECT_EQ(too_deep.status().message(),
            "expected at most 256 nested '(' at position 256 (found '(has(a))))))))))'...)");

  auto huge = Parse(Repeat("(", 100000));
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.status().message().substr(0, 50),
            "expected at most 256 nested '(' at position 256 (f");

  auto alternating = Parse(Repeat("!(", 100000) + "has(a)" + Repeat(")", 100000));
  ASSERT_FALSE(alternating.ok());
  EXPECT_EQ(alternating.status().message().substr(0, 50),
            "expected at most 256 nested '(' at position 513 (f");
}

TEST(SelectorErrorTest, LongRunsOfNotAreIterative) {
  auto even = Parse(Repeat("!", 100000) + "has(a)");
  ASSERT_TRUE(even.ok());
  EXPECT_EQ(even->canonical(), "has(a)");
  auto odd = Parse(Repeat("!", 100001) + "has(a)");
  ASSERT_TRUE(odd.ok());
  EXPECT_EQ(odd->canonical(), "!has(a)");
}

TEST(SelectorErrorTest, MegabyteInputsParse) {
  // ~1.4 MB of || terms and a 1 MB label value; both must parse (linearly).
  std::string wide = "has(a0)";
  for (int i = 1; i < 100000; ++i) wide += " || a" + std::to_string(i) + " == 'v'";
  auto sel = Parse(wide);
  ASSERT_TRUE(sel.ok()) << sel.status().message();
  EXPECT_EQ(sel->label_names().size(), 100000u);
  EXPECT_TRUE(sel->Evaluate(Labels{{"a99999", "v"}}));

  std::string big_value(1 << 20, 'x');
  auto eq = Parse("a == '" + big_value + "'");
  ASSERT_TRUE(eq.ok());
  EXPECT_TRUE(eq->Evaluate(Labels{{"a", big_value}}));

  std::string long_label(1 << 20, 'l');
  auto has = Parse("has(" + long_label + ")");
  ASSERT_TRUE(has.ok());
  EXPECT_EQ(has->label_names()[0].size(), 1u << 20);
}

}  // namespace
}  // namespace felix::selector
