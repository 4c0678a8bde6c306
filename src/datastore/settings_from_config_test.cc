#include <gtest/gtest.h>

#include "datastore/datastore.h"

namespace felix::datastore {
namespace {

EtcdSettings From(std::map<std::string, std::string> env) {
  config::ConfigInputs in;
  in.env = std::move(env);
  in.default_hostname = "h";
  auto r = config::ResolveConfig(in);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return SettingsFromConfig(*r);
}

TEST(SettingsFromConfigTest, Table) {
  struct Row {
    const char* desc;
    std::map<std::string, std::string> env;
    std::vector<std::string> endpoints;
    EtcdApi api;
    std::string ca_file;
  };
  const Row rows[] = {
      {"defaults try 2379 then Felix's 4001",
       {},
       {"http://localhost:2379", "http://localhost:4001"},
       EtcdApi::kV2,
       "/etc/ssl/certs/ca-certificates.crt"},
      {"explicit EtcdAddr is used alone",
       {{"FELIX_ETCDADDR", "127.0.0.1:2379"}},
       {"http://127.0.0.1:2379"},
       EtcdApi::kV2,
       "/etc/ssl/certs/ca-certificates.crt"},
      {"EtcdEndpoints win",
       {{"FELIX_ETCDENDPOINTS", "http://a:1,http://b:2"}, {"FELIX_ETCDAPI", "v3"}},
       {"http://a:1", "http://b:2"},
       EtcdApi::kV3,
       "/etc/ssl/certs/ca-certificates.crt"},
      {"CA none turns verification off",
       {{"FELIX_ETCDCAFILE", "none"}, {"FELIX_ETCDADDR", "x:1"}},
       {"http://x:1"},
       EtcdApi::kV2,
       "none"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.desc);
    EtcdSettings s = From(r.env);
    EXPECT_EQ(s.endpoints, r.endpoints);
    EXPECT_EQ(s.api, r.api);
    EXPECT_EQ(s.ca_file, r.ca_file);
  }
}

}  // namespace
}  // namespace felix::datastore
