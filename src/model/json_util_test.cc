// The private JSON helpers: depth-limited parsing and Python 2 renderings.
#include "model/json_util.h"

#include <gtest/gtest.h>

#include <limits>

namespace felix::model::internal {
namespace {

TEST(ParseJsonTest, Table) {
  struct Case {
    const char* desc;
    std::string raw;
    bool ok;
  } cases[] = {
      {"object", R"({"a": 1})", true},
      {"scalar", "5", true},
      {"garbage", "nope", false},
      {"truncated", R"({"a": )", false},
      {"empty", "", false},
      {"invalid UTF-8 in a string", "\"\xff\"", false},
      {"depth at the limit", std::string(256, '[') + std::string(256, ']'), true},
      {"depth over the limit", std::string(257, '[') + std::string(257, ']'), false},
      {"brackets in strings ignored", "[\"" + std::string(1000, '{') + "\\\"\"]", true},
      {"number overflowing a double (Python: inf)", "1e400", false},
      {"2^64 becomes a float", "18446744073709551616", true},
      {"trailing comma in an object (the guide's endpoint)", "{\"a\": \"b\",\n }", true},
      {"trailing comma in an array", "[1, 2 ,]", true},
      {"trailing commas at two levels", "{\"a\": [1,],}", true},
      {"comma inside a string is kept", "[\",]\"]", true},
      {"lone comma in an array", "[,]", false},
      {"lone comma in an object", "{,}", false},
      {"double trailing comma", "[1,,]", false},
      {"leading comma", "[,1]", false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(ParseJson(c.raw, 256).has_value(), c.ok) << c.desc;
  }
}

TEST(ParseJsonTest, TrailingCommaDoesNotChangeValues) {
  auto j = ParseJson("{\"s\": \"x,}\", \"l\": [\"a\", \"b\",],}", 256);
  ASSERT_TRUE(j.has_value());
  EXPECT_EQ(j->dump(), R"({"s":"x,}","l":["a","b"]})");
}

TEST(ParseJsonTest, KeepsKeyOrderAndLastDuplicate) {
  auto j = ParseJson(R"({"b": 1, "a": 2, "b": 3})", 10);
  ASSERT_TRUE(j);
  EXPECT_EQ(PyRepr(*j), "{'b': 3, 'a': 2}");
}

TEST(PyReprTest, Table) {
  struct Case {
    const char* json;
    const char* repr;
    const char* str;
  } cases[] = {
      {"null", "None", "None"},
      {"true", "True", "True"},
      {"false", "False", "False"},
      {"5", "5", "5"},
      {"-5", "-5", "-5"},
      {"9223372036854775808", "9223372036854775808L", "9223372036854775808"},
      {"80.0", "80.0", "80.0"},
      {"1.5", "1.5", "1.5"},
      {"1e16", "1e+16", "1e+16"},
      {"1e15", "1000000000000000.0", "1000000000000000.0"},
      {"0.0001", "0.0001", "0.0001"},
      {"0.00001", "1e-05", "1e-05"},
      {"1e308", "1e+308", "1e+308"},
      {"-2.5e-7", "-2.5e-07", "-2.5e-07"},
      {"18446744073709551616", "1.8446744073709552e+19", "1.8446744073709552e+19"},
      {R"("tcp")", "'tcp'", "tcp"},
      {R"("it's")", "\"it's\"", "it's"},
      {R"(["a", 1, [true]])", "['a', 1, [True]]", "['a', 1, [True]]"},
      {R"({"protocol": "tcp", "dst_ports": [22]})", "{'protocol': 'tcp', 'dst_ports': [22]}",
       "{'protocol': 'tcp', 'dst_ports': [22]}"},
      {"{}", "{}", "{}"},
  };
  for (const auto& c : cases) {
    auto j = ParseJson(c.json, 10);
    ASSERT_TRUE(j) << c.json;
    EXPECT_EQ(PyRepr(*j), c.repr) << c.json;
    EXPECT_EQ(PyStr(*j), c.str) << c.json;
  }
}

TEST(PyReprTest, FloatSpecials) {
  EXPECT_EQ(PyFloatRepr(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(PyFloatRepr(-std::numeric_limits<double>::infinity()), "-inf");
  EXPECT_EQ(PyFloatRepr(123.0), "123.0");
  EXPECT_EQ(PyFloatRepr(0.1), "0.1");
}

TEST(PyReprTest, LongValuesAreCut) {
  Json big = std::string(100000, 'a');
  std::string r = PyRepr(big);
  EXPECT_LT(r.size(), 20000u);
  EXPECT_EQ(r.substr(r.size() - 3), "...");
}

TEST(PySemanticsTest, Table) {
  EXPECT_TRUE(IsPyInt(Json(true)));
  EXPECT_TRUE(IsPyInt(Json(5)));
  EXPECT_FALSE(IsPyInt(Json(5.0)));
  EXPECT_FALSE(IsPyInt(Json(uint64_t{1} << 63)));
  EXPECT_TRUE(PyEqualsInt(Json(4.0), 4));
  EXPECT_TRUE(PyEqualsInt(Json(true), 1));
  EXPECT_FALSE(PyEqualsInt(Json("4"), 4));
  EXPECT_TRUE(IsPyNumber(Json(false)));
  EXPECT_FALSE(IsPyNumber(Json("1")));
  EXPECT_FALSE(PyTruthy(Json()));
  EXPECT_FALSE(PyTruthy(Json::array()));
  EXPECT_FALSE(PyTruthy(Json("")));
  EXPECT_FALSE(PyTruthy(Json(0.0)));
  EXPECT_TRUE(PyTruthy(Json("x")));
  EXPECT_TRUE(PyTruthy(Json(-1)));
}

}  // namespace
}  // namespace felix::model::internal
