// Table tests for the INI reader used for the Felix config file.
#include "config/ini.h"

#include <gtest/gtest.h>

namespace felix::config {
namespace {

using Map = std::map<std::string, std::string>;

TEST(ParseIni, Accepts) {
  const struct {
    const char* desc;
    const char* text;
    Map want;
  } cases[] = {
      {"empty file", "", {}},
      {"shipped example",
       "[global]\nEtcdAddr = localhost:4001\nFelixHostname = host1\n",
       {{"etcdaddr", "localhost:4001"}, {"felixhostname", "host1"}}},
      {"DEFAULT section", "[DEFAULT]\nLogSeverityScreen=info\n", {{"logseverityscreen", "info"}}},
      {"sections merged, later wins", "[a]\nX = 1\nY = 2\n[b]\nx = 3\n", {{"x", "3"}, {"y", "2"}}},
      {"colon separator", "[s]\nMetadataPort: 8775\n", {{"metadataport", "8775"}}},
      {"first separator wins", "[s]\nEtcdAddr = host:4001\n", {{"etcdaddr", "host:4001"}}},
      {"comments", "# top\n; also\n[s]\n  # indented\nA = 1\n", {{"a", "1"}}},
      {"inline ; comment", "[s]\nA = 1 ; one\nB = x;y\n", {{"a", "1"}, {"b", "x;y"}}},
      {"hash is not inline comment", "[s]\nA = 1 # one\n", {{"a", "1 # one"}}},
      {"empty value", "[s]\nFailsafeInboundHostPorts =\n", {{"failsafeinboundhostports", ""}}},
      {"quoted empty value", "[s]\nA = \"\"\n", {{"a", ""}}},
      {"CRLF", "[s]\r\nA = 1\r\n", {{"a", "1"}}},
      {"BOM", "\xEF\xBB\xBF[s]\nA = 1\n", {{"a", "1"}}},
      {"key before section", "A = 1\n", {{"a", "1"}}},
      {"no trailing newline", "[s]\nA=1", {{"a", "1"}}},
  };
  for (const auto& c : cases) {
    const auto r = ParseIni(c.text);
    ASSERT_TRUE(r.ok()) << c.desc << ": " << r.status().ToString();
    EXPECT_EQ(*r, c.want) << c.desc;
  }
}

TEST(ParseIni, Rejects) {
  const struct {
    const char* desc;
    const char* text;
    const char* error;
  } cases[] = {
      {"bare word", "[s]\ngarbage\n", "line 2: expected 'key = value': 'garbage'"},
      {"missing key", "[s]\n= 1\n", "line 2: expected 'key = value': '= 1'"},
      {"unclosed section", "[global\nA = 1\n", "line 1: malformed section header: '[global'"},
      {"empty section name", "[]\n", "line 1: malformed section header: '[]'"},
  };
  for (const auto& c : cases) {
    const auto r = ParseIni(c.text);
    ASSERT_FALSE(r.ok()) << c.desc;
    EXPECT_EQ(r.status().message(), c.error) << c.desc;
  }
}

}  // namespace
}  // namespace felix::config
