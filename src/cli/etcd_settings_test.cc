// ResolveCtlSettings: felixctl takes the agent's Etcd* settings from FELIX_*
// and the config file, with --etcd-endpoints / --etcd-api on top.
#include "cli/etcd_settings.h"

#include <gtest/gtest.h>

namespace felix::cli {
namespace {

using Env = std::map<std::string, std::string>;
using Strings = std::vector<std::string>;

EtcdOptions Flags(std::string endpoints, std::string api) {
  EtcdOptions o;
  o.endpoints = std::move(endpoints);
  o.api = std::move(api);
  return o;
}

struct Case {
  const char* description;
  EtcdOptions opts;
  Env env;
  std::optional<std::string> file;
  Strings endpoints;
  datastore::EtcdApi api;
  Strings prefixes;
};

const Case kCases[] = {
    {"the agent's defaults: localhost:2379, then EtcdAddr's default localhost:4001",
     {},
     {},
     std::nullopt,
     {"http://localhost:2379", "http://localhost:4001"},
     datastore::EtcdApi::kV2,
     {"cali"}},
    {"env EtcdAddr/EtcdScheme and EtcdApi",
     {},
     {{"FELIX_ETCDADDR", "10.0.0.5:4001"}, {"FELIX_ETCDSCHEME", "https"}, {"FELIX_ETCDAPI", "v3"}},
     std::nullopt,
     {"https://10.0.0.5:4001"},
     datastore::EtcdApi::kV3,
     {"cali"}},
    {"config file EtcdEndpoints and InterfacePrefix",
     {},
     {},
     "[global]\nEtcdEndpoints = http://a:2379,http://b:2379\nInterfacePrefix = tap,cali\n",
     {"http://a:2379", "http://b:2379"},
     datastore::EtcdApi::kV2,
     {"tap", "cali"}},
    {"env beats the file",
     {},
     {{"FELIX_ETCDENDPOINTS", "http://env:1"}},
     "[global]\nEtcdEndpoints = http://file:2\n",
     {"http://env:1"},
     datastore::EtcdApi::kV2,
     {"cali"}},
    {"flags beat env and file",
     Flags("http://flag:3,http://flag2:4", "V3"),
     {{"FELIX_ETCDENDPOINTS", "http://env:1"}, {"FELIX_ETCDAPI", "v2"}},
     "[global]\nEtcdApi = v2\n",
     {"http://flag:3", "http://flag2:4"},
     datastore::EtcdApi::kV3,
     {"cali"}},
};

class CtlSettingsTest : public testing::TestWithParam<Case> {};

TEST_P(CtlSettingsTest, Resolves) {
  const Case& c = GetParam();
  auto s = ResolveCtlSettings(c.opts, c.env, c.file);
  ASSERT_TRUE(s.ok()) << c.description << ": " << s.status().message();
  EXPECT_EQ(s->etcd.endpoints, c.endpoints) << c.description;
  EXPECT_EQ(s->etcd.api, c.api) << c.description;
  EXPECT_EQ(s->interface_prefixes, c.prefixes) << c.description;
}

INSTANTIATE_TEST_SUITE_P(Cases, CtlSettingsTest, testing::ValuesIn(kCases));

TEST(CtlSettingsTest, TlsFilesFromTheConfig) {
  auto s = ResolveCtlSettings({},
                              {{"FELIX_ETCDKEYFILE", "/k.pem"},
                               {"FELIX_ETCDCERTFILE", "/c.pem"},
                               {"FELIX_ETCDCAFILE", "/ca.pem"}},
                              std::nullopt);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->etcd.key_file, "/k.pem");
  EXPECT_EQ(s->etcd.cert_file, "/c.pem");
  EXPECT_EQ(s->etcd.ca_file, "/ca.pem");
}

struct ErrorCase {
  const char* description;
  EtcdOptions opts;
  Env env;
  std::string error;
};

const ErrorCase kErrorCases[] = {
    {"bad --etcd-endpoints",
     Flags("ftp://x:1", ""),
     {},
     "invalid etcd endpoint 'ftp://x:1': scheme must be http or https"},
    {"bad --etcd-api", Flags("", "v4"), {}, "invalid etcd API 'v4': expected v2 or v3"},
};

class CtlSettingsErrorTest : public testing::TestWithParam<ErrorCase> {};

TEST_P(CtlSettingsErrorTest, Rejects) {
  const ErrorCase& c = GetParam();
  auto s = ResolveCtlSettings(c.opts, c.env, std::nullopt);
  ASSERT_FALSE(s.ok()) << c.description;
  EXPECT_EQ(s.status().message(), c.error) << c.description;
}

INSTANTIATE_TEST_SUITE_P(Cases, CtlSettingsErrorTest, testing::ValuesIn(kErrorCases));

TEST(CtlSettingsTest, BadConfigValueIsTheConfigLayersError) {
  auto s = ResolveCtlSettings({}, {{"FELIX_ETCDAPI", "v9"}}, std::nullopt);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("EtcdApi"), std::string::npos) << s.status().message();
}

}  // namespace
}  // namespace felix::cli
