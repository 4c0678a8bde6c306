// Network set values (/calico/v1/netset/<name>): what is accepted, how it is
// canonicalised, and what is rejected with which reason.
#include <gtest/gtest.h>

#include <string>

#include "model/model.h"
#include "model/model_test_util.h"

namespace felix::model {
namespace {

using testing::Canon;
using testing::DecodeAt;

struct Row {
  const char* desc;
  const char* raw;
  const char* canonical;  // "" = rejected
  const char* issue;      // first issue when rejected
};

class NetworkSetTest : public ::testing::TestWithParam<Row> {};

TEST_P(NetworkSetTest, Decodes) {
  const Row& r = GetParam();
  Decoded d = DecodeAt("/calico/v1/netset/ns1", r.raw);
  EXPECT_EQ(Canon(d), r.canonical) << r.desc;
  if (std::string(r.canonical).empty()) {
    ASSERT_FALSE(d.issues.empty()) << r.desc;
    EXPECT_EQ(d.issues.front(), r.issue) << r.desc;
  } else {
    EXPECT_TRUE(d.issues.empty()) << r.desc;
    // Canonical text decodes to the same value.
    Decoded again = DecodeAt("/calico/v1/netset/ns1", Canon(d));
    EXPECT_EQ(Canon(again), r.canonical) << r.desc;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Values, NetworkSetTest,
    ::testing::Values(
        Row{"empty object: no nets", "{}", R"j({"labels":{},"nets":[],"profile_ids":[]})j", ""},
        Row{"nulls are absent", R"j({"nets":null,"labels":null,"profile_ids":null})j",
            R"j({"labels":{},"nets":[],"profile_ids":[]})j", ""},
        Row{"both families, sorted, host bits cleared",
            R"j({"nets":["fd00::1/64","10.1.2.3/8","192.168.0.1"],"labels":{"a":"b"}})j",
            R"j({"labels":{"a":"b"},"nets":["10.0.0.0/8","192.168.0.1/32","fd00::/64"],"profile_ids":[]})j",
            ""},
        Row{"duplicates fold, overlaps kept",
            R"j({"nets":["10.0.0.0/8","10.0.0.0/8","10.1.0.0/16","10.9.9.9/8"]})j",
            R"j({"labels":{},"nets":["10.0.0.0/8","10.1.0.0/16"],"profile_ids":[]})j", ""},
        Row{"zero CIDRs allowed", R"j({"nets":["0.0.0.0/0","::/0"]})j",
            R"j({"labels":{},"nets":["0.0.0.0/0","::/0"],"profile_ids":[]})j", ""},
        Row{"profiles", R"j({"nets":["10.0.0.1"],"profile_ids":["p1","p2"]})j",
            R"j({"labels":{},"nets":["10.0.0.1/32"],"profile_ids":["p1","p2"]})j", ""},
        Row{"unknown fields ignored", R"j({"nets":[],"frobnicate":1})j",
            R"j({"labels":{},"nets":[],"profile_ids":[]})j", ""},
        Row{"not an object", "[]", "", "Expected network set to be a dict."},
        Row{"undecodable", "{", "", "Expected network set to be a dict."},
        Row{"nets not a list", R"j({"nets":"10.0.0.0/8"})j", "", "nets should be a list."},
        Row{"bad prefix", R"j({"nets":["10.0.0.0/33"]})j", "",
            "'10.0.0.0/33' is not a valid CIDR."},
        Row{"not a string", R"j({"nets":[10]})j", "", "10 is not a valid CIDR."},
        Row{"bad label", R"j({"labels":{"a b":"c"}})j", "", "Invalid label name 'a b'."},
        Row{"bad profile id", R"j({"profile_ids":["a b"]})j", "",
            "Invalid profile ID ''a b''."},  // [PY]'s '%r'
        Row{"profile ids not a list", R"j({"profile_ids":"p"})j", "",
            "Expected profile IDs to be a list."}));

TEST(NetworkSetKeyTest, InvalidNameRejected) {
  Decoded d = DecodeAt("/calico/v1/netset/a%2fb", R"({"nets":["10.0.0.0/8"]})");
  ASSERT_FALSE(d.value);
  EXPECT_EQ(d.issues.front(), "Invalid network set name 'a/b'.");
}

}  // namespace
}  // namespace felix::model
