// Tests for the Etcd* connection settings, URL escaping and the endpoint
// failover order.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/strings.h"
#include "datastore/datastore.h"
#include "datastore/http.h"

namespace felix::datastore {
namespace {

TEST(ParseEndpoints, Table) {
  struct Case {
    const char* desc;
    const char* endpoints;
    const char* scheme;
    const char* addr;
    std::string want;  // joined with " " or the error
  };
  const Case cases[] = {
      {"defaults", "", "", "", "http://127.0.0.1:2379"},
      {"scheme and addr", "", "https", "etcd.local:4001", "https://etcd.local:4001"},
      {"endpoints win over addr", "http://a:1,https://b:2/", "http", "c:3",
       "http://a:1 https://b:2"},
      {"spaces and empty items", " http://a:1 ,, http://b:2", "", "", "http://a:1 http://b:2"},
      {"scheme is case-insensitive", "HTTP://a:1", "", "", "http://a:1"},
      {"ipv6 literal", "http://[::1]:2379", "", "", "http://[::1]:2379"},
      {"bad scheme", "ftp://a:1", "", "",
       "Invalid argument: invalid etcd endpoint 'ftp://a:1': scheme must be http or https"},
      {"no scheme", "a:1", "", "",
       "Invalid argument: invalid etcd endpoint 'a:1': expected scheme://host:port"},
      {"no port", "http://a", "", "",
       "Invalid argument: invalid etcd endpoint 'http://a': missing port"},
      {"ipv6 without port", "http://[::1]", "", "",
       "Invalid argument: invalid etcd endpoint 'http://[::1]': missing port"},
      {"bad port", "http://a:99999", "", "",
       "Invalid argument: invalid etcd endpoint 'http://a:99999': port must be 1-65535"},
      {"no host", "http://:1", "", "",
       "Invalid argument: invalid etcd endpoint 'http://:1': missing host"},
      {"path", "http://a:1/v2", "", "",
       "Invalid argument: invalid etcd endpoint 'http://a:1/v2': port must be 1-65535"},
      {"bad addr", "", "http", "nohostport",
       "Invalid argument: invalid etcd endpoint 'http://nohostport': missing port"},
      {"only commas", ",,", "", "", "Invalid argument: EtcdEndpoints lists no endpoint"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.desc);
    auto got = ParseEndpoints(c.endpoints, c.scheme, c.addr);
    EXPECT_EQ(got.ok() ? Join(*got, " ") : got.status().ToString(), c.want);
  }
}

TEST(ParseEtcdApi, Table) {
  EXPECT_EQ(*ParseEtcdApi("v2"), EtcdApi::kV2);
  EXPECT_EQ(*ParseEtcdApi(" V3 "), EtcdApi::kV3);
  EXPECT_EQ(ParseEtcdApi("v4").status().ToString(),
            "Invalid argument: invalid etcd API 'v4': expected v2 or v3");
}

TEST(EndpointRing, FailsOverInOrderAndWraps) {
  EndpointRing ring({"http://a:1", "http://b:2", "http://c:3"});
  std::vector<std::string> seen;
  for (int i = 0; i < 4; ++i) {
    seen.push_back(ring.Current());
    ring.Fail();
  }
  EXPECT_EQ(seen,
            (std::vector<std::string>{"http://a:1", "http://b:2", "http://c:3", "http://a:1"}));
}

TEST(CurlTransport, FailsOverToTheNextEndpointOnConnectionErrors) {
  // Port 1 on loopback refuses connections; every endpoint is tried once.
  EtcdSettings s;
  s.endpoints = {"http://127.0.0.1:1", "http://127.0.0.2:1"};
  auto http = MakeCurlTransport(s);
  auto resp = http->Do(MakeRequest("GET", "/health"));
  ASSERT_FALSE(resp.ok());
  std::string msg = resp.status().message();
  EXPECT_THAT(msg, ::testing::MatchesRegex(
                       "etcd request GET failed: http://127.0.0.1:1 \\(Failed to connect to "
                       "127.0.0.1 port 1 after [0-9]+ ms: Couldn't connect to server\\); "
                       "http://127.0.0.2:1 \\(Failed to connect to 127.0.0.2 port 1 after [0-9]+ "
                       "ms: Couldn't connect to server\\)"));
}

TEST(Escape, KeysAndForms) {
  EXPECT_EQ(EscapeKeyPath("/calico/v1/policy/profile/a%2fb/rules"),
            "/calico/v1/policy/profile/a%252fb/rules");
  EXPECT_EQ(EscapeKeyPath("/a b?c#"), "/a%20b%3Fc%23");
  EXPECT_EQ(FormEscape(R"({"a": 1&b=/})"), "%7B%22a%22%3A%201%26b%3D%2F%7D");
}

}  // namespace
}  // namespace felix::datastore
