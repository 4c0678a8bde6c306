// ParseDocuments: the JSON and YAML forms `felixctl apply` reads, the raw
// values they produce, and the positioned errors for bad input.
#include "cli/documents.h"

#include <gtest/gtest.h>

namespace felix::cli {
namespace {

using Docs = std::vector<Document>;

struct GoodCase {
  const char* description;
  std::string text;
  Docs want;
};

const GoodCase kGoodCases[] = {
    {"JSON: one object, string value written raw",
     R"({"key": "/calico/v1/Ready", "value": "true"})",
     {{"/calico/v1/Ready", "true"}}},
    {"JSON: object value serialized compactly",
     R"({"key": "/calico/v1/policy/profile/p/labels", "value": {"role": "web", "n": [1, 2]}})",
     {{"/calico/v1/policy/profile/p/labels", R"({"n":[1,2],"role":"web"})"}}},
    {"JSON: number and boolean values as JSON text",
     R"([{"key": "a", "value": 10}, {"key": "b", "value": false}])",
     {{"a", "10"}, {"b", "false"}}},
    {"JSON: a list keeps its order",
     "[\n {\"key\": \"/z\", \"value\": \"1\"},\n {\"key\": \"/a\", \"value\": [\"x\"]}\n]\n",
     {{"/z", "1"}, {"/a", R"(["x"])"}}},
    {"JSON lines, blank lines skipped",
     "{\"key\": \"/a\", \"value\": \"1\"}\n\n{\"key\": \"/b\", \"value\": {\"x\": 1}}\n",
     {{"/a", "1"}, {"/b", R"({"x":1})"}}},
    {"JSON: empty string value",
     R"({"key": "/calico/v1/config/FailsafeInboundHostPorts", "value": ""})",
     {{"/calico/v1/config/FailsafeInboundHostPorts", ""}}},
    {"YAML: multiple documents, trailing --- ignored",
     "---\nkey: /calico/v1/Ready\nvalue: true\n---\nkey: /calico/v1/host/h1/endpoint/eth0\n"
     "value:\n  name: eth0\n  labels: {role: web}\n  expected_ipv4_addrs: [\"10.0.0.1\"]\n---\n",
     {{"/calico/v1/Ready", "true"},
      {"/calico/v1/host/h1/endpoint/eth0",
       R"({"expected_ipv4_addrs":["10.0.0.1"],"labels":{"role":"web"},"name":"eth0"})"}}},
    {"YAML: nested plain scalars typed (int, float, bool, null), quoted stay strings",
     "key: /p\nvalue:\n  order: 10\n  f: 1.5\n  on: true\n  nothing: ~\n  q: \"22\"\n"
     "  ports: [22, \"8000:8080\", 8000:8080]\n  selector: role == 'web'\n",
     {{"/p", R"({"f":1.5,"nothing":null,"on":true,"order":10,"ports":[22,"8000:8080","8000:8080"],)"
             R"("q":"22","selector":"role == 'web'"})"}}},
    {"YAML: a top-level scalar value is its text",
     "key: /calico/v1/config/LogSeverityFile\nvalue: 1.10\n",
     {{"/calico/v1/config/LogSeverityFile", "1.10"}}},
    {"YAML: quoted empty value",
     "key: /calico/v1/config/FailsafeInboundHostPorts\nvalue: \"\"\n",
     {{"/calico/v1/config/FailsafeInboundHostPorts", ""}}},
    {"YAML: a sequence of documents",
     "- key: /a\n  value: x\n- key: /b\n  value: [1, two]\n",
     {{"/a", "x"}, {"/b", R"([1,"two"])"}}},
    {"YAML: comments and a document start",
     "# the ready flag\n---\nkey: /calico/v1/Ready  # comment\nvalue: \"true\"\n",
     {{"/calico/v1/Ready", "true"}}},
};

class GoodDocumentsTest : public testing::TestWithParam<GoodCase> {};

TEST_P(GoodDocumentsTest, Parses) {
  const GoodCase& c = GetParam();
  auto docs = ParseDocuments(c.text, "in");
  ASSERT_TRUE(docs.ok()) << c.description << ": " << docs.status().message();
  EXPECT_EQ(*docs, c.want) << c.description;
}

INSTANTIATE_TEST_SUITE_P(Cases, GoodDocumentsTest, testing::ValuesIn(kGoodCases));

struct BadCase {
  const char* description;
  std::string text;
  std::string error;
};

const BadCase kBadCases[] = {
    {"empty input", " \n\n", "in: no documents"},
    {"YAML with only document markers", "---\n---\n", "in: no documents"},
    {"JSON syntax error, position in the text", "{\"key\": \"/a\",\n \"value\": }",
     "in:2:11: invalid JSON: syntax error while parsing value - unexpected '}'; expected '[', "
     "'{', or a literal"},
    {"JSON lines: the bad line is named",
     "{\"key\": \"/a\", \"value\": \"1\"}\n{\"key\": \"/b\", \"value\": tru}\n",
     "in:2:27: invalid JSON: syntax error while parsing value - invalid literal; last read: "
     "'\"value\": tru}'"},
    {"JSON lines: a line that is not a document",
     "{\"key\": \"/a\", \"value\": \"1\"}\n{\"value\": \"1\"}\n", "in:2: missing \"key\""},
    {"JSON list: element without value", R"([{"key": "/a", "value": 1}, {"key": "/b"}])",
     "in: document 2: missing \"value\""},
    {"JSON: unexpected field", R"({"key": "/a", "value": 1, "ttl": 5})",
     "in: document 1: unexpected field \"ttl\" (only \"key\" and \"value\")"},
    {"JSON: key not a string", R"({"key": 5, "value": 1})",
     "in: document 1: \"key\" must be a non-empty string"},
    {"JSON: empty key", R"({"key": "", "value": 1})",
     "in: document 1: \"key\" must be a non-empty string"},
    {"JSON: null value", R"({"key": "/a", "value": null})",
     "in: document 1: \"value\" must not be null"},
    {"JSON: list element not an object", R"([{"key": "/a", "value": 1}, "x"])",
     "in: document 2: expected an object with \"key\" and \"value\""},
    {"YAML syntax error", "key: /a\nvalue: [1, 2\n",
     "in:3:1: invalid YAML: end of sequence flow not found"},
    {"YAML: second document without key", "key: /a\nvalue: 1\n---\nvalue: 2\n",
     "in:4:1: missing \"key\""},
    {"YAML: empty value", "key: /a\nvalue:\n", "in:1:1: \"value\" must not be null"},
    {"YAML: a document that is a scalar", "just text\n",
     "in:1:1: expected a mapping with key and value"},
    {"YAML: a sequence item that is not a mapping", "- key: /a\n  value: 1\n- oops\n",
     "in:3:3: expected a mapping with key and value"},
};

class BadDocumentsTest : public testing::TestWithParam<BadCase> {};

TEST_P(BadDocumentsTest, ReportsWhere) {
  const BadCase& c = GetParam();
  auto docs = ParseDocuments(c.text, "in");
  ASSERT_FALSE(docs.ok()) << c.description;
  EXPECT_EQ(docs.status().message(), c.error) << c.description;
}

INSTANTIATE_TEST_SUITE_P(Cases, BadDocumentsTest, testing::ValuesIn(kBadCases));

}  // namespace
}  // namespace felix::cli
