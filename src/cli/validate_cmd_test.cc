#include <gtest/gtest.h>

#include <sstream>

#include "cli/commands.h"

namespace felix::cli {
namespace {

struct Row {
  const char* desc;
  ValidateOptions opts;
  int exit_code;
  const char* out;
};

ValidateOptions ByKey(std::string key, std::string value) {
  ValidateOptions o;
  o.key = std::move(key);
  o.value = std::move(value);
  return o;
}

ValidateOptions ByKind(std::string kind, std::string id, std::string value) {
  ValidateOptions o;
  o.kind = std::move(kind);
  o.id = std::move(id);
  o.value = std::move(value);
  return o;
}

TEST(ValidateTest, PrintsValidAndCanonicalJsonOrIssues) {
  ValidateOptions remote_workload =
      ByKind("workload-endpoint", "other/docker/c1/e1",
             R"({"state": "active", "name": "tap1", "ipv4_nets": ["10.65.0.2"]})");
  remote_workload.hostname = "this-host";
  ValidateOptions local_workload = remote_workload;
  local_workload.id = "this-host/docker/c1/e1";
  ValidateOptions tap_prefix = local_workload;
  tap_prefix.iface_prefix = "cali, tap";
  ValidateOptions pool6 = ByKind("ipam-pool", "fd00::-64", R"({"cidr": "fd00::/64"})");
  pool6.ip_version = 6;

  const Row rows[] = {
      {"guide host endpoint by name",
       ByKey(
           "/calico/v1/host/h/endpoint/data-1",
           R"({"name": "eth0", "expected_ipv4_addrs": ["10.0.0.1"], "labels": {"role": "webserver"}})"),
       0,
       "valid\n"
       R"({"expected_ipv4_addrs":["10.0.0.1"],"expected_ipv6_addrs":[],"labels":{"role":"webserver"},"name":"eth0","profile_ids":[]})"
       "\n"},
      {"guide invalid host endpoint",
       ByKey("/calico/v1/host/h/endpoint/eth0",
             R"({ "labels": {"foo": "bar"}, "profile_ids": ["prof1"]})"),
       1, "'name' or 'expected_ipvX_addrs' must be present.\n"},
      {"guide webserver policy by kind",
       ByKind(
           "policy", "default/webserver",
           R"({"selector": "role==\"webserver\"", "order": 100, "inbound_rules": [{"protocol": "tcp", "dst_ports": [80], "action": "allow"}]})"),
       0,
       "valid\n"
       R"({"inbound_rules":[{"action":"allow","dst_ports":[80],"protocol":"tcp"}],"order":100,"outbound_rules":[],"selector":"role == \"webserver\"","untracked":false})"
       "\n"},
      {"ready flag", ByKey("/calico/v1/Ready", "true"), 0, "valid\ntrue\n"},
      {"rule kind, ports without protocol", ByKind("rule", "", R"({"dst_ports": [80]})"), 1,
       nullptr},
      {"rule kind, valid", ByKind("rule", "", R"({"protocol": "udp", "dst_ports": ["1000:2000"]})"),
       0, nullptr},
      {"remote workload may use any prefix", remote_workload, 0, nullptr},
      {"local workload must use the prefix", local_workload, 1,
       "Interface 'tap1' does not start with any of ['cali'].\n"},
      {"--iface-prefix widens the prefixes", tap_prefix, 0, nullptr},
      {"ipv6 pool with --ip-version 6", pool6, 0, nullptr},
      {"tier order must be a number", ByKind("tier", "ops", R"({"order": "first"})"), 1,
       "Tier data \"order\" field should be number or \"default\"\n"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.desc);
    std::ostringstream out, err;
    EXPECT_EQ(Validate(r.opts, out, err), r.exit_code) << out.str() << err.str();
    if (r.out != nullptr) {
      EXPECT_EQ(out.str(), r.out);
    }
    if (r.exit_code == 0) {
      EXPECT_EQ(out.str().rfind("valid\n", 0), 0u);
    }
  }
}

TEST(ValidateTest, RejectionAlsoShowsTheAgentsLogLine) {
  std::ostringstream out, err;
  ASSERT_EQ(Validate(ByKey("/calico/v1/host/h/endpoint/eth0",
                           R"({ "labels": {"foo": "bar"}, "profile_ids": ["prof1"]})"),
                     out, err),
            1);
  EXPECT_EQ(err.str(),
            "agent log: Validation failed for host endpoint HostEndpointId<eth0>, treating as "
            "missing: 'name' or 'expected_ipvX_addrs' must be present.; "
            R"('{ "labels": {"foo": "bar"}, "profile_ids": ["prof1"]}')"
            "\n");
}

// Config values go through the agent's own parameter parsers (issue: every
// value used to be "valid", even ones the agent rejects).
TEST(ValidateTest, ConfigValuesUseTheAgentsParsers) {
  struct ConfigRow {
    const char* key;
    const char* value;
    int exit_code;
    const char* out;
  } rows[] = {
      {"/calico/v1/config/ReportingIntervalSecs", "thirty", 1,
       "Invalid value for ReportingIntervalSecs: 'thirty': not an integer\n"},
      {"/calico/v1/config/InterfacePrefix", "tap,cali", 0, "valid\n['tap', 'cali']\n"},
      {"/calico/v1/host/h/config/InterfacePrefix", "cali,abcdefghijklmnop", 1,
       "Invalid value for InterfacePrefix: 'cali,abcdefghijklmnop': invalid interface prefix "
       "'abcdefghijklmnop' (1-15 characters of A-Z a-z 0-9 _ . -)\n"},
      {"/calico/v1/config/reportingintervalsecs", "60", 0, "valid\n60\n"},
      {"/calico/v1/config/LogFilePath", "/root/.ssh/authorized_keys", 1,
       "LogFilePath is local-only (config file or environment): the agent ignores it in etcd\n"},
      {"/calico/v1/config/NoSuchThing", "1", 1,
       "NoSuchThing is not a Felix parameter: the agent ignores it with a warning\n"},
      {"/calico/v1/config/FailsafeInboundHostPorts", "", 0, "valid\n[]\n"},
      {"/calico/v1/config/MaxIpsetSize", "", 1,
       "empty: the agent treats MaxIpsetSize as not set\n"},
  };
  for (const auto& r : rows) {
    std::ostringstream out, err;
    EXPECT_EQ(Validate(ByKey(r.key, r.value), out, err), r.exit_code) << r.key << "=" << r.value;
    EXPECT_EQ(out.str(), r.out) << r.key << "=" << r.value;
  }
}

TEST(ValidateTest, KeysThatAreNotOursAreUsageErrors) {
  std::ostringstream out, err;
  EXPECT_EQ(Validate(ByKey("/calico/v1/host/h/metadata", "{}"), out, err), 2);
  EXPECT_EQ(err.str(),
            "felixctl: '/calico/v1/host/h/metadata' is not a /calico/v1 key that "
            "Felix reads\n");
}

TEST(ValidateTest, BadIdForKindIsAUsageError) {
  std::ostringstream out, err;
  EXPECT_EQ(Validate(ByKind("host-endpoint", "eth0", "{}"), out, err), 2);
  EXPECT_NE(err.str().find("HOST/ENDPOINT"), std::string::npos) << err.str();
}

}  // namespace
}  // namespace felix::cli
