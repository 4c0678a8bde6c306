// Drives the real command table (argument parsing included) in-process.
#include <gtest/gtest.h>

#include <sstream>
#include <vector>

#include "cli/cli.h"

namespace felix::cli {
namespace {

struct Run {
  int code;
  std::string out, err;
};

Run Felixctl(std::vector<const char*> args, const std::string& stdin_text = "") {
  args.insert(args.begin(), "felixctl");
  std::istringstream in(stdin_text);
  std::ostringstream out, err;
  const int code = RunFelixctl(static_cast<int>(args.size()), args.data(), in, out, err);
  return {code, out.str(), err.str()};
}

TEST(FelixctlTest, SelectorEvalFromArguments) {
  auto r = Felixctl(
      {"selector", "eval", "--labels", R"({"role": "webserver"})", R"(role == "webserver")"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "true\n");
}

TEST(FelixctlTest, SelectorEvalBatchFromStdin) {
  auto r =
      Felixctl({"selector", "eval", "--batch"}, R"j({"selector": "has(a)", "labels": {"a": ""}})j"
                                                "\n");
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "true\n");
}

TEST(FelixctlTest, ValueStartingWithDashAfterDoubleDash) {
  auto r = Felixctl({"validate", "--kind", "profile-tags", "--", "-1"});
  EXPECT_EQ(r.code, 1) << r.err;
}

TEST(FelixctlTest, UsageErrorsExitTwo) {
  EXPECT_EQ(Felixctl({}).code, 2);
  EXPECT_EQ(Felixctl({"nonsense"}).code, 2);
  EXPECT_EQ(Felixctl({"validate", "{}"}).code, 2);  // neither --key nor --kind
  EXPECT_EQ(Felixctl({"validate", "--key", "/calico/v1/Ready", "--kind", "tier", "{}"}).code, 2);
  EXPECT_EQ(Felixctl({"validate", "--kind", "tier", "--ip-version", "5", "{}"}).code, 2);
  EXPECT_EQ(Felixctl({"validate", "--key", "/not/ours", "{}"}).code, 2);
}

TEST(FelixctlTest, HelpExitsZero) {
  auto r = Felixctl({"--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("selector"), std::string::npos);
  EXPECT_NE(r.out.find("validate"), std::string::npos);
}

}  // namespace
}  // namespace felix::cli
