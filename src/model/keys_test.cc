// Table tests for keys.h: every /calico/v1 key form Felix reads, the escape
// rules, what is "not ours", the way back with KeyPath, and KeyForKind.
#include "model/keys.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace felix::model {
namespace {

struct ParseRow {
  const char* desc;
  std::string path;
  std::optional<Key> want;  // empty = not ours
  std::string canonical;    // KeyPath(want); empty = same as path
};

class ParseKeyTest : public testing::TestWithParam<ParseRow> {};

TEST_P(ParseKeyTest, Parses) {
  const ParseRow& row = GetParam();
  auto got = ParseKey(row.path);
  if (!row.want) {
    EXPECT_FALSE(got.has_value()) << row.desc << ": " << KeyPath(*got);
    return;
  }
  ASSERT_TRUE(got.has_value()) << row.desc;
  EXPECT_TRUE(*got == *row.want) << row.desc << ": " << KeyPath(*got);
  EXPECT_EQ(KeyPath(*got), row.canonical.empty() ? row.path : row.canonical) << row.desc;
  auto again = ParseKey(KeyPath(*got));
  ASSERT_TRUE(again.has_value()) << row.desc;
  EXPECT_TRUE(*again == *got) << row.desc;
}

INSTANTIATE_TEST_SUITE_P(
    Keys, ParseKeyTest,
    testing::Values(
        ParseRow{"ready", "/calico/v1/Ready", ReadyKey{}, ""},
        ParseRow{"leading slash optional", "calico/v1/Ready", ReadyKey{}, "/calico/v1/Ready"},
        ParseRow{"global config", "/calico/v1/config/LogSeverityScreen",
                 GlobalConfigKey{"LogSeverityScreen"}, ""},
        ParseRow{"per-host config", "/calico/v1/host/h1/config/InterfacePrefix",
                 HostConfigKey{"h1", "InterfacePrefix"}, ""},
        ParseRow{"host endpoint", "/calico/v1/host/h1/endpoint/eth0", HostEndpointKey{"h1", "eth0"},
                 ""},
        ParseRow{"workload endpoint", "/calico/v1/host/h1/workload/k8s/wl1/endpoint/ep1",
                 WorkloadEndpointKey{"h1", "k8s", "wl1", "ep1"}, ""},
        ParseRow{"bird ip", "/calico/v1/host/h1/bird_ip", HostIpKey{"h1"}, ""},
        ParseRow{"profile rules", "/calico/v1/policy/profile/p1/rules", ProfileRulesKey{"p1"}, ""},
        ParseRow{"profile tags", "/calico/v1/policy/profile/p1/tags", ProfileTagsKey{"p1"}, ""},
        ParseRow{"profile labels", "/calico/v1/policy/profile/p1/labels", ProfileLabelsKey{"p1"},
                 ""},
        ParseRow{"tier metadata", "/calico/v1/policy/tier/t1/metadata", TierMetadataKey{"t1"}, ""},
        ParseRow{"tiered policy", "/calico/v1/policy/tier/t1/policy/pol1", PolicyKey{"t1", "pol1"},
                 ""},
        ParseRow{"ipam v4 pool", "/calico/v1/ipam/v4/pool/10.0.0.0-8", IpamPoolKey{4, "10.0.0.0-8"},
                 ""},
        ParseRow{"ipam v6 pool", "/calico/v1/ipam/v6/pool/fd00::-64", IpamPoolKey{6, "fd00::-64"},
                 ""},
        ParseRow{"network set", "/calico/v1/netset/ns1", NetworkSetKey{"ns1"}, ""},
        ParseRow{"%2f in network set", "/calico/v1/netset/ns%2fa", NetworkSetKey{"ns/a"}, ""},
        ParseRow{"segment words usable as names", "/calico/v1/host/host/endpoint/endpoint",
                 HostEndpointKey{"host", "endpoint"}, ""},
        // Escapes.
        ParseRow{"%2f in workload", "/calico/v1/host/h1/workload/k8s/ns%2fpod/endpoint/eth0",
                 WorkloadEndpointKey{"h1", "k8s", "ns/pod", "eth0"}, ""},
        ParseRow{"%2f in orchestrator and endpoint",
                 "/calico/v1/host/h1/workload/o%2fx/w/endpoint/e%2f1",
                 WorkloadEndpointKey{"h1", "o/x", "w", "e/1"}, ""},
        ParseRow{"%2f in host endpoint id", "/calico/v1/host/h1/endpoint/a%2fb",
                 HostEndpointKey{"h1", "a/b"}, ""},
        ParseRow{"%25 in profile", "/calico/v1/policy/profile/a%25b/rules", ProfileRulesKey{"a%b"},
                 ""},
        ParseRow{"%252f is a literal %2f", "/calico/v1/policy/profile/a%252fb/tags",
                 ProfileTagsKey{"a%2fb"}, ""},
        ParseRow{"%2f decoded before %25", "/calico/v1/policy/profile/%%2f/labels",
                 ProfileLabelsKey{"%/"}, "/calico/v1/policy/profile/%25%2f/labels"},
        ParseRow{"upper-case %2F not decoded", "/calico/v1/policy/profile/a%2Fb/rules",
                 ProfileRulesKey{"a%2Fb"}, "/calico/v1/policy/profile/a%252Fb/rules"},
        ParseRow{"lone % kept", "/calico/v1/policy/profile/100%/rules", ProfileRulesKey{"100%"},
                 "/calico/v1/policy/profile/100%25/rules"},
        ParseRow{"%2f in tier and policy", "/calico/v1/policy/tier/a%2fb/policy/c%2fd",
                 PolicyKey{"a/b", "c/d"}, ""},
        ParseRow{"%2f in tier metadata", "/calico/v1/policy/tier/a%2fb/metadata",
                 TierMetadataKey{"a/b"}, ""},
        ParseRow{"hostname not unescaped", "/calico/v1/host/a%2fb/endpoint/e",
                 HostEndpointKey{"a%2fb", "e"}, ""},
        ParseRow{"config name not unescaped", "/calico/v1/config/a%2fb", GlobalConfigKey{"a%2fb"},
                 ""},
        ParseRow{"pool id not unescaped", "/calico/v1/ipam/v4/pool/a%2fb", IpamPoolKey{4, "a%2fb"},
                 ""},
        // Not ours.
        ParseRow{"host metadata", "/calico/v1/host/h1/metadata", std::nullopt, ""},
        ParseRow{"trailing slash", "/calico/v1/Ready/", std::nullopt, ""},
        ParseRow{"ready is case-sensitive", "/calico/v1/ready", std::nullopt, ""},
        ParseRow{"root only", "/calico/v1", std::nullopt, ""},
        ParseRow{"root with slash", "/calico/v1/", std::nullopt, ""},
        ParseRow{"empty", "", std::nullopt, ""}, ParseRow{"slash", "/", std::nullopt, ""},
        ParseRow{"double leading slash", "//calico/v1/Ready", std::nullopt, ""},
        ParseRow{"other version", "/calico/v2/Ready", std::nullopt, ""},
        ParseRow{"felix status tree", "/calico/felix/v1/host/h1/status", std::nullopt, ""},
        ParseRow{"config dir", "/calico/v1/config", std::nullopt, ""},
        ParseRow{"config too deep", "/calico/v1/config/a/b", std::nullopt, ""},
        ParseRow{"host dir", "/calico/v1/host/h1", std::nullopt, ""},
        ParseRow{"host endpoint dir", "/calico/v1/host/h1/endpoint", std::nullopt, ""},
        ParseRow{"host endpoint too deep", "/calico/v1/host/h1/endpoint/e/x", std::nullopt, ""},
        ParseRow{"empty hostname", "/calico/v1/host//endpoint/e", std::nullopt, ""},
        ParseRow{"empty endpoint", "/calico/v1/host/h1/endpoint/", std::nullopt, ""},
        ParseRow{"host config dir", "/calico/v1/host/h1/config", std::nullopt, ""},
        ParseRow{"bird_ip too deep", "/calico/v1/host/h1/bird_ip/x", std::nullopt, ""},
        ParseRow{"workload endpoint dir", "/calico/v1/host/h1/workload/o/w/endpoint", std::nullopt,
                 ""},
        ParseRow{"workload without endpoint word", "/calico/v1/host/h1/workload/o/w/x/e",
                 std::nullopt, ""},
        ParseRow{"workload too deep", "/calico/v1/host/h1/workload/o/w/endpoint/e/x", std::nullopt,
                 ""},
        ParseRow{"empty workload segment", "/calico/v1/host/h1/workload/o//endpoint/e",
                 std::nullopt, ""},
        ParseRow{"profile dir", "/calico/v1/policy/profile/p1", std::nullopt, ""},
        ParseRow{"unknown profile leaf", "/calico/v1/policy/profile/p1/other", std::nullopt, ""},
        ParseRow{"profile too deep", "/calico/v1/policy/profile/p1/rules/x", std::nullopt, ""},
        ParseRow{"tier dir", "/calico/v1/policy/tier/t1", std::nullopt, ""},
        ParseRow{"tier policy dir", "/calico/v1/policy/tier/t1/policy", std::nullopt, ""},
        ParseRow{"tier policy too deep", "/calico/v1/policy/tier/t1/policy/p/x", std::nullopt, ""},
        ParseRow{"unknown policy subtree", "/calico/v1/policy/other/x/rules", std::nullopt, ""},
        ParseRow{"ipam v5", "/calico/v1/ipam/v5/pool/x", std::nullopt, ""},
        ParseRow{"ipam pool dir", "/calico/v1/ipam/v4/pool", std::nullopt, ""},
        ParseRow{"ipam blocks", "/calico/v1/ipam/v4/block/x", std::nullopt, ""},
        ParseRow{"netset dir", "/calico/v1/netset", std::nullopt, ""},
        ParseRow{"netset too deep", "/calico/v1/netset/a/b", std::nullopt, ""},
        ParseRow{"unknown subtree", "/calico/v1/unknown/x", std::nullopt, ""}));

struct KindRow {
  const char* desc;
  std::string kind, id;
  int ip_version;
  std::optional<Key> want;
  std::string error;  // when want is empty
};

class KeyForKindTest : public testing::TestWithParam<KindRow> {};

TEST_P(KeyForKindTest, Builds) {
  const KindRow& row = GetParam();
  auto got = KeyForKind(row.kind, row.id, row.ip_version, "myhost");
  if (!row.want) {
    ASSERT_FALSE(got.ok()) << row.desc << ": " << KeyPath(*got);
    EXPECT_TRUE(got.status().IsInvalidArgument()) << row.desc;
    EXPECT_EQ(got.status().message(), row.error) << row.desc;
    return;
  }
  ASSERT_TRUE(got.ok()) << row.desc << ": " << got.status().ToString();
  EXPECT_TRUE(*got == *row.want) << row.desc << ": " << KeyPath(*got);
}

INSTANTIATE_TEST_SUITE_P(
    Keys, KeyForKindTest,
    testing::Values(
        KindRow{"host endpoint", "host-endpoint", "h1/eth0", 4, HostEndpointKey{"h1", "eth0"}, ""},
        KindRow{"host endpoint placeholder", "host-endpoint", "", 4,
                HostEndpointKey{"myhost", "endpoint"}, ""},
        KindRow{"host endpoint escaped id", "host-endpoint", "h1/a%2fb", 4,
                HostEndpointKey{"h1", "a/b"}, ""},
        KindRow{"braces in id are literal", "host-endpoint", "{1}/x", 4,
                HostEndpointKey{"{1}", "x"}, ""},
        KindRow{"host endpoint missing host", "host-endpoint", "eth0", 4, std::nullopt,
                "host endpoint id must be HOST/ENDPOINT, not 'eth0'"},
        KindRow{"host endpoint empty segment", "host-endpoint", "h1/", 4, std::nullopt,
                "host endpoint id must be HOST/ENDPOINT, not 'h1/'"},
        KindRow{"workload endpoint", "workload-endpoint", "h1/k8s/ns%2fpod/eth0", 4,
                WorkloadEndpointKey{"h1", "k8s", "ns/pod", "eth0"}, ""},
        KindRow{"workload endpoint placeholder", "workload-endpoint", "", 4,
                WorkloadEndpointKey{"myhost", "orchestrator", "workload", "endpoint"}, ""},
        KindRow{"workload endpoint too short", "workload-endpoint", "h1/k8s/w", 4, std::nullopt,
                "workload endpoint id must be HOST/ORCHESTRATOR/WORKLOAD/ENDPOINT, not "
                "'h1/k8s/w'"},
        KindRow{"profile rules", "profile-rules", "p1", 4, ProfileRulesKey{"p1"}, ""},
        KindRow{"profile tags", "profile-tags", "p1", 4, ProfileTagsKey{"p1"}, ""},
        KindRow{"profile labels", "profile-labels", "p1", 4, ProfileLabelsKey{"p1"}, ""},
        KindRow{"profile placeholder", "profile-rules", "", 4, ProfileRulesKey{"profile"}, ""},
        KindRow{"profile with slash", "profile-tags", "a/b", 4, std::nullopt,
                "profile id must be PROFILE, not 'a/b'"},
        KindRow{"tier", "tier", "t1", 4, TierMetadataKey{"t1"}, ""},
        KindRow{"tier placeholder", "tier", "", 4, TierMetadataKey{"default"}, ""},
        KindRow{"policy", "policy", "t1/p1", 4, PolicyKey{"t1", "p1"}, ""},
        KindRow{"policy placeholder", "policy", "", 4, PolicyKey{"default", "policy"}, ""},
        KindRow{"policy without tier", "policy", "p1", 4, std::nullopt,
                "policy id must be TIER/POLICY, not 'p1'"},
        KindRow{"ipam v4 pool", "ipam-pool", "10.0.0.0-8", 4, IpamPoolKey{4, "10.0.0.0-8"}, ""},
        KindRow{"ipam v6 pool", "ipam-pool", "fd00::-64", 6, IpamPoolKey{6, "fd00::-64"}, ""},
        KindRow{"ipam pool placeholder", "ipam-pool", "", 4, IpamPoolKey{4, "pool"}, ""},
        KindRow{"ipam bad version", "ipam-pool", "x", 5, std::nullopt,
                "ipam pool ip version must be 4 or 6, not 5"},
        KindRow{"network set", "network-set", "ns1", 4, NetworkSetKey{"ns1"}, ""},
        KindRow{"network set placeholder", "network-set", "", 4, NetworkSetKey{"netset"}, ""},
        KindRow{"unknown kind", "bogus", "x", 4, std::nullopt,
                "unknown kind 'bogus'; expected one of host-endpoint, workload-endpoint, "
                "profile-rules, profile-tags, profile-labels, tier, policy, ipam-pool, "
                "network-set"}));

TEST(KeysTest, KeyForKindPlaceholderNeedsAHostname) {
  auto got = KeyForKind("host-endpoint", "", 4, "");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().message(), "host endpoint id must be HOST/ENDPOINT, not '/endpoint'");
}

}  // namespace
}  // namespace felix::model
