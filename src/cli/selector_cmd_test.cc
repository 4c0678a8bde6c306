#include <gtest/gtest.h>

#include <sstream>

#include "cli/commands.h"

namespace felix::cli {
namespace {

struct EvalRow {
  const char* desc;
  const char* labels;
  const char* selector;
  int exit_code;
  const char* out;
};

TEST(SelectorEvalTest, PrintsTrueFalseOrError) {
  const EvalRow rows[] = {
      {"equality matches", R"({"role": "webserver"})", R"(role == "webserver")", 0, "true\n"},
      {"equality differs", R"({"role": "db"})", R"(role == "webserver")", 0, "false\n"},
      {"all() on empty labels", "{}", "all()", 0, "true\n"},
      {"empty labels flag means {}", "", "!has(x)", 0, "true\n"},
      {"!= matches absent label", "{}", "role != 'x'", 0, "true\n"},
      {"guide selector without spaces", R"({"role": "webserver"})", R"(role=="webserver")", 0,
       "true\n"},
      {"bad selector", "{}", "role ==", 2, ""},
      {"labels not json", "{", "all()", 2, ""},
      {"labels not an object", "[1]", "all()", 2, ""},
      {"label value not a string", R"({"a": 1})", "all()", 2, ""},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.desc);
    std::ostringstream out, err;
    EXPECT_EQ(SelectorEval(r.labels, r.selector, out, err), r.exit_code);
    EXPECT_EQ(out.str(), r.out);
    EXPECT_EQ(err.str().empty(), r.exit_code == 0) << err.str();
  }
}

TEST(SelectorEvalTest, ParseErrorNamesPosition) {
  std::ostringstream out, err;
  ASSERT_EQ(SelectorEval("{}", "role == webserver", out, err), 2);
  EXPECT_NE(err.str().find("invalid selector"), std::string::npos) << err.str();
  EXPECT_NE(err.str().find("position 8"), std::string::npos) << err.str();
}

TEST(SelectorEvalBatchTest, OneLinePerCase) {
  std::istringstream in(R"({"selector": "role == \"web\"", "labels": {"role": "web"}})"
                        "\n"
                        R"({"selector": "role == \"web\"", "labels": {"role": "db"}})"
                        "\n"
                        "\n"  // blank lines are skipped
                        R"j({"selector": "has(a)"})j"
                        "\n"
                        R"({"selector": "role in {", "labels": {}})"
                        "\n"
                        R"({"labels": {}})"
                        "\n"
                        R"j({"selector": "all()", "labels": {"a": 5}})j"
                        "\n"
                        "not json\n");
  std::ostringstream out;
  EXPECT_EQ(SelectorEvalBatch(in, out), 0);
  std::istringstream lines(out.str());
  std::vector<std::string> got;
  for (std::string l; std::getline(lines, l);) got.push_back(l);
  ASSERT_EQ(got.size(), 7u) << out.str();
  EXPECT_EQ(got[0], "true");
  EXPECT_EQ(got[1], "false");
  EXPECT_EQ(got[2], "false");
  EXPECT_EQ(got[3].rfind("error: ", 0), 0u) << got[3];
  EXPECT_EQ(got[4], "error: \"selector\" must be a string");
  EXPECT_EQ(got[5], "error: label 'a' must have a string value");
  EXPECT_EQ(got[6], "error: input line is not a JSON object");
}

}  // namespace
}  // namespace felix::cli
