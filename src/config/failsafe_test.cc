// Table tests for failsafe port lists: the three forms of DESIGN §2, the
// disable forms, and the rejected items with their exact error texts.
#include <gtest/gtest.h>

#include "config/parsers.h"

namespace felix::config {
namespace {

FailsafePort Tcp(int port, std::string net = "") { return {Protocol::kTcp, std::move(net), port}; }
FailsafePort Udp(int port, std::string net = "") { return {Protocol::kUdp, std::move(net), port}; }

struct Case {
  const char* desc;
  const char* in;
  std::vector<FailsafePort> want;
  const char* error;  // nullptr: accepted
};

TEST(ParseFailsafePorts, Table) {
  const Case cases[] = {
      {"PY default inbound", "22", {Tcp(22)}, nullptr},
      {"PY default outbound",
       "2379,2380,4001,7001",
       {Tcp(2379), Tcp(2380), Tcp(4001), Tcp(7001)},
       nullptr},
      {"plain list", "22,2222", {Tcp(22), Tcp(2222)}, nullptr},
      {"spaces and empty items", " 22 , ,2222,", {Tcp(22), Tcp(2222)}, nullptr},
      {"protocols", "tcp:22,udp:68", {Tcp(22), Udp(68)}, nullptr},
      {"protocol any case", "TCP:22,Udp:68", {Tcp(22), Udp(68)}, nullptr},
      {"mixed forms", "22,udp:53", {Tcp(22), Udp(53)}, nullptr},
      {"ipv4 cidr", "tcp:10.0.0.0/8:22", {Tcp(22, "10.0.0.0/8")}, nullptr},
      {"ipv4 cidr host bits cleared", "udp:10.1.2.3/16:53", {Udp(53, "10.1.0.0/16")}, nullptr},
      {"ipv4 address", "tcp:192.168.1.1:22", {Tcp(22, "192.168.1.1/32")}, nullptr},
      {"ipv6 bracketed", "tcp:[fd00::/8]:22", {Tcp(22, "fd00::/8")}, nullptr},
      {"ipv6 bare", "tcp:fd00::/8:22", {Tcp(22, "fd00::/8")}, nullptr},
      {"ipv6 address", "udp:[fd00::1]:547", {Udp(547, "fd00::1/128")}, nullptr},
      {"port bounds", "1,65535", {Tcp(1), Tcp(65535)}, nullptr},
      {"empty disables", "", {}, nullptr},
      {"blank disables", "  ", {}, nullptr},
      {"none disables", "none", {}, nullptr},
      {"NONE disables", " NONE ", {}, nullptr},
      {"word", "abc", {}, "invalid port 'abc'"},
      {"word in list", "22,ssh", {}, "invalid port 'ssh'"},
      {"port zero", "0", {}, "port '0' out of range 1-65535"},
      {"port too big", "65536", {}, "port '65536' out of range 1-65535"},
      {"huge number", "99999999999999999999", {}, "invalid port '99999999999999999999'"},
      {"negative", "-1", {}, "invalid port '-1'"},
      {"hex not allowed", "0x16", {}, "invalid port '0x16'"},
      {"bad protocol", "icmp:22", {}, "invalid protocol 'icmp' in 'icmp:22' (must be tcp or udp)"},
      {"missing protocol", ":22", {}, "invalid protocol '' in ':22' (must be tcp or udp)"},
      {"missing port", "tcp:", {}, "invalid port '' in 'tcp:'"},
      {"bad port with proto", "udp:99999", {}, "port '99999' out of range 1-65535 in 'udp:99999'"},
      {"bad cidr", "tcp:10.0.0.0/33:22", {}, "invalid CIDR '10.0.0.0/33' in 'tcp:10.0.0.0/33:22'"},
      {"hostname as net", "tcp:etcd:22", {}, "invalid CIDR 'etcd' in 'tcp:etcd:22'"},
      {"empty net", "tcp::22", {}, "invalid CIDR '' in 'tcp::22'"},
  };
  for (const Case& c : cases) {
    const Result<std::vector<FailsafePort>> r = ParseFailsafePorts(c.in);
    if (c.error == nullptr) {
      ASSERT_TRUE(r.ok()) << c.desc << ": " << r.status().ToString();
      EXPECT_EQ(*r, c.want) << c.desc;
    } else {
      ASSERT_FALSE(r.ok()) << c.desc;
      EXPECT_EQ(r.status().message(), c.error) << c.desc;
    }
  }
}

TEST(FailsafePortToString, Table) {
  EXPECT_EQ(Tcp(22).ToString(), "tcp:22");
  EXPECT_EQ(Udp(68).ToString(), "udp:68");
  EXPECT_EQ(Tcp(22, "10.0.0.0/8").ToString(), "tcp:10.0.0.0/8:22");
  EXPECT_EQ(Tcp(22, "fd00::/8").ToString(), "tcp:[fd00::/8]:22");
}

TEST(FailsafePortToString, RoundTrips) {
  for (const char* in : {"tcp:22", "udp:68", "tcp:10.0.0.0/8:22", "udp:[fd00::/8]:53"}) {
    const auto r = ParseFailsafePorts(in);
    ASSERT_TRUE(r.ok()) << in;
    ASSERT_EQ(r->size(), 1u) << in;
    EXPECT_EQ((*r)[0].ToString(), in);
  }
}

}  // namespace
}  // namespace felix::config
