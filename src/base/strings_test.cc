#include "base/strings.h"

#include <gtest/gtest.h>

namespace felix {
namespace {

TEST(StringsTest, PyReprMatchesPython2) {
  struct Row {
    const char* desc;
    std::string in;
    const char* out;
  };
  const Row rows[] = {
      {"plain", "abc", "'abc'"},
      {"empty", "", "''"},
      {"json keeps double quotes", R"({ "a": "b"})", R"('{ "a": "b"}')"},
      {"single quote switches to double", "it's", R"("it's")"},
      {"both quotes escape single", R"(it's "x")", R"('it\'s "x"')"},
      {"backslash", R"(a\b)", R"('a\\b')"},
      {"newline tab cr", "a\nb\tc\r", R"('a\nb\tc\r')"},
      {"control and high bytes", std::string("\x01\xff", 2), R"('\x01\xff')"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.desc);
    EXPECT_EQ(PyRepr(r.in), r.out);
  }
}

TEST(StringsTest, EscapeControlKeepsTextAndUtf8) {
  EXPECT_EQ(EscapeControl("plain é {\"a\": 1} \\"), "plain é {\"a\": 1} \\");
  EXPECT_EQ(EscapeControl("a\nb\rc\td\x1b[31m\x7f"), "a\\nb\\rc\\td\\x1b[31m\\x7f");
  EXPECT_FALSE(HasControl("plain é"));
  EXPECT_TRUE(HasControl(std::string("nul\0", 4)));
}

TEST(StringsTest, ParseIntAutoBase) {
  struct Row {
    const char* in;
    std::optional<int64_t> out;
  };
  const Row rows[] = {
      {"0", 0},
      {"42", 42},
      {" 42 ", 42},
      {"-7", -7},
      {"+7", 7},
      {"0x10", 16},
      {"0XfF", 255},
      {"0o17", 15},
      {"0b101", 5},
      {"017", 15},
      {"00", 0},
      {"", std::nullopt},
      {"x", std::nullopt},
      {"12a", std::nullopt},
      {"0x", std::nullopt},
      {"09", std::nullopt},
      {"1 2", std::nullopt},
      {"-", std::nullopt},
      {"99999999999999999999", std::nullopt},
      {"0xff000000", 0xff000000},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.in);
    EXPECT_EQ(ParseIntAutoBase(r.in), r.out);
  }
}

TEST(StringsTest, SplitTrimJoinLower) {
  EXPECT_EQ(Split("a,,b", ','), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(Split("", ','), (std::vector<std::string>{""}));
  EXPECT_EQ(Trim(" \t x y \r\n"), "x y");
  EXPECT_EQ(Join({"a", "b", "c"}, ", "), "a, b, c");
  EXPECT_EQ(ToLower("FeLiX"), "felix");
  EXPECT_TRUE(EqualsIgnoreCase("InterfacePrefix", "INTERFACEPREFIX"));
  EXPECT_FALSE(EqualsIgnoreCase("abc", "abcd"));
}

}  // namespace
}  // namespace felix
