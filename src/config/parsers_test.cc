// Table tests for the scalar and list value parsers.
#include "config/parsers.h"

#include <gtest/gtest.h>

namespace felix::config {
namespace {

struct IntCase {
  const char* desc;
  const char* in;
  std::optional<int64_t> want;  // nullopt: rejected
};

TEST(ParseInt, Table) {
  const IntCase cases[] = {
      {"decimal", "30", 30},
      {"negative", "-5", -5},
      {"hex", "0xff000000", 0xff000000LL},
      {"hex upper", "0XFF", 255},
      {"legacy octal", "010", 8},
      {"surrounding space", " 42 ", 42},
      {"empty", "", std::nullopt},
      {"word", "abc", std::nullopt},
      {"float", "1.5", std::nullopt},
      {"trailing junk", "12abc", std::nullopt},
  };
  for (const IntCase& c : cases) {
    const Result<int64_t> r = ParseInt(c.in);
    if (c.want) {
      ASSERT_TRUE(r.ok()) << c.desc;
      EXPECT_EQ(*r, *c.want) << c.desc;
    } else {
      ASSERT_FALSE(r.ok()) << c.desc;
      EXPECT_EQ(r.status().message(), "not an integer") << c.desc;
    }
  }
}

TEST(ParseBool, Table) {
  const struct {
    const char* in;
    std::optional<bool> want;
  } cases[] = {
      {"true", true},     {"True", true},      {"1", true},          {"yes", true},
      {"Y", true},        {"t", true},         {"false", false},     {"FALSE", false},
      {"0", false},       {"no", false},       {"n", false},         {"F", false},
      {"", std::nullopt}, {"2", std::nullopt}, {"on", std::nullopt}, {"truee", std::nullopt},
  };
  for (const auto& c : cases) {
    const Result<bool> r = ParseBool(c.in);
    if (c.want) {
      ASSERT_TRUE(r.ok()) << c.in;
      EXPECT_EQ(*r, *c.want) << c.in;
    } else {
      ASSERT_FALSE(r.ok()) << c.in;
      EXPECT_EQ(r.status().message(), "not a valid boolean") << c.in;
    }
  }
}

TEST(ParsePort, Table) {
  EXPECT_EQ(*ParsePort("1"), 1);
  EXPECT_EQ(*ParsePort("65535"), 65535);
  EXPECT_EQ(*ParsePort("0x50"), 80);
  EXPECT_EQ(ParsePort("0").status().message(), "port out of range 1-65535");
  EXPECT_EQ(ParsePort("65536").status().message(), "port out of range 1-65535");
  EXPECT_EQ(ParsePort("http").status().message(), "not an integer");
}

TEST(NoneOr, Table) {
  EXPECT_EQ(NoneOr("none"), std::nullopt);
  EXPECT_EQ(NoneOr("NONE"), std::nullopt);
  EXPECT_EQ(NoneOr("/var/log/x.log"), std::optional<std::string>("/var/log/x.log"));
}

TEST(ParseInterfacePrefixes, Table) {
  const struct {
    const char* desc;
    const char* in;
    std::vector<std::string> want;
    const char* error;  // nullptr: accepted
  } cases[] = {
      {"single", "cali", {"cali"}, nullptr},
      {"list", "cali,tap", {"cali", "tap"}, nullptr},
      {"spaces and empty items", " cali , ,tap, ", {"cali", "tap"}, nullptr},
      {"dots dashes", "veth.1-_x", {"veth.1-_x"}, nullptr},
      {"15 chars", "abcdefghijklmno", {"abcdefghijklmno"}, nullptr},
      {"16 chars",
       "abcdefghijklmnop",
       {},
       "invalid interface prefix 'abcdefghijklmnop' (1-15 characters of A-Z a-z 0-9 _ . -)"},
      {"slash",
       "ca/li",
       {},
       "invalid interface prefix 'ca/li' (1-15 characters of A-Z a-z 0-9 _ . -)"},
      {"quote",
       "ca\"li",
       {},
       "invalid interface prefix 'ca\"li' (1-15 characters of A-Z a-z 0-9 _ . -)"},
      {"only commas", ",,", {}, "no interface prefix given"},
  };
  for (const auto& c : cases) {
    const auto r = ParseInterfacePrefixes(c.in);
    if (c.error == nullptr) {
      ASSERT_TRUE(r.ok()) << c.desc << ": " << r.status().ToString();
      EXPECT_EQ(*r, c.want) << c.desc;
    } else {
      ASSERT_FALSE(r.ok()) << c.desc;
      EXPECT_EQ(r.status().message(), c.error) << c.desc;
    }
  }
}

TEST(ParseEndpointToHostAction, AcceptsAnyCase) {
  EXPECT_EQ(*ParseEndpointToHostAction("DROP"), EndpointToHostAction::kDrop);
  EXPECT_EQ(*ParseEndpointToHostAction("return"), EndpointToHostAction::kReturn);
  EXPECT_EQ(*ParseEndpointToHostAction("Accept"), EndpointToHostAction::kAccept);
  EXPECT_EQ(ParseEndpointToHostAction("REJECT").status().message(),
            "must be one of DROP, RETURN, ACCEPT");
}

TEST(ParseDropActionOverride, Table) {
  EXPECT_EQ(ParseDropActionOverride("DROP"), DropActionOverride::kDrop);
  EXPECT_EQ(ParseDropActionOverride("LOG-and-DROP"), DropActionOverride::kLogAndDrop);
  EXPECT_EQ(ParseDropActionOverride("log-and-accept"), DropActionOverride::kLogAndAccept);
  EXPECT_EQ(ParseDropActionOverride("accept"), DropActionOverride::kAccept);
  EXPECT_EQ(ParseDropActionOverride("LOG"), std::nullopt);
}

TEST(ValidateHostPort, Table) {
  const struct {
    const char* in;
    const char* error;  // nullptr: ok
  } cases[] = {
      {"localhost:4001", nullptr},
      {"10.0.0.1:2379", nullptr},
      {"localhost", "must be hostname:port"},
      {"fd00::1:2379", "must be hostname:port"},
      {":2379", "blank host"},
      {"etcd:http", "invalid port 'http'"},
      {"etcd:0", "invalid port '0'"},
      {"etcd:70000", "invalid port '70000'"},
  };
  for (const auto& c : cases) {
    const Status st = ValidateHostPort(c.in);
    EXPECT_EQ(st.ok() ? std::string() : st.message(), c.error ? c.error : "") << c.in;
  }
}

TEST(ParseEtcdEndpoints, Table) {
  EXPECT_TRUE(ParseEtcdEndpoints("")->empty());
  EXPECT_EQ(*ParseEtcdEndpoints("https://1.2.3.4:2379, https://1.2.3.5:2379"),
            (std::vector<std::string>{"https://1.2.3.4:2379", "https://1.2.3.5:2379"}));
  EXPECT_EQ(ParseEtcdEndpoints("http://a:1,https://b:2").status().message(),
            "inconsistent protocols in EtcdEndpoints");
  EXPECT_EQ(ParseEtcdEndpoints("ftp://a:1").status().message(),
            "invalid protocol scheme 'ftp': must be http or https");
  EXPECT_EQ(ParseEtcdEndpoints("1.2.3.4:2379").status().message(),
            "invalid endpoint '1.2.3.4:2379': must be http[s]://ADDRESS:PORT");
  EXPECT_EQ(ParseEtcdEndpoints("http://etcd").status().message(),
            "invalid endpoint 'http://etcd': must be hostname:port");
}

TEST(CanonicalCidr, Table) {
  const struct {
    const char* in;
    std::optional<std::string> want;
  } cases[] = {
      {"10.0.0.0/8", "10.0.0.0/8"},  {"10.1.2.3/8", "10.0.0.0/8"}, {"10.1.2.3", "10.1.2.3/32"},
      {"0.0.0.0/0", "0.0.0.0/0"},    {"fd00::1/8", "fd00::/8"},    {"FD00:0::1", "fd00::1/128"},
      {"10.0.0.0/33", std::nullopt}, {"10.0.0/8", std::nullopt},   {"10.0.0.0/", std::nullopt},
      {"fd00::/129", std::nullopt},  {"host/8", std::nullopt},     {"", std::nullopt},
  };
  for (const auto& c : cases) EXPECT_EQ(CanonicalCidr(c.in), c.want) << c.in;
}

}  // namespace
}  // namespace felix::config
