// ToNftScript and naming tests.
#include <gtest/gtest.h>

#include "rules/ir.h"
#include "rules/names.h"
#include "rules/rules.h"
#include "rules/test_util.h"

namespace felix::rules {
namespace {

using namespace testing;  // NOLINT

TEST(ToNftScriptTest, PrintsSetsMapsThenChains) {
  Table t;
  t.sets["cali4-x"] =
      Set{"ipv4_addr", std::nullopt, {"interval"}, {{"10.0.0.0/8", ""}, {"10.1.0.1", ""}}};
  t.sets["cali-fh-map"] = Set{"ifname", "verdict", {}, {{"\"eth0\"", "goto cali-fh-a"}}};
  t.sets["cali6-x"] = Set{"ipv6_addr", std::nullopt, {"interval"}, {}};
  t.chains["cali-input"] = Chain{Hook{"filter", "input", 0, "accept"}, {"jump cali-fh-a"}};
  t.chains["cali-fh-a"] = Chain{std::nullopt, {"drop"}};
  EXPECT_EQ(ToNftScript(t),
            "table inet calico {\n"
            "\tmap cali-fh-map {\n"
            "\t\ttype ifname : verdict\n"
            "\t\telements = { \"eth0\" : goto cali-fh-a }\n"
            "\t}\n"
            "\tset cali4-x {\n"
            "\t\ttype ipv4_addr\n"
            "\t\tflags interval\n"
            "\t\telements = { 10.0.0.0/8, 10.1.0.1 }\n"
            "\t}\n"
            "\tset cali6-x {\n"
            "\t\ttype ipv6_addr\n"
            "\t\tflags interval\n"
            "\t}\n"
            "\tchain cali-fh-a {\n"
            "\t\tdrop\n"
            "\t}\n"
            "\tchain cali-input {\n"
            "\t\ttype filter hook input priority 0; policy accept;\n"
            "\t\tjump cali-fh-a\n"
            "\t}\n"
            "}\n");
}

TEST(ToNftScriptTest, EmptyTable) { EXPECT_EQ(ToNftScript(Table{}), "table inet calico {\n}\n"); }

struct NameCase {
  const char* desc;
  std::string got, want;
};

TEST(NamesTest, Table) {
  const NameCase cases[] = {
      {"plain id kept", NamePart("eth0.100"), "eth0.100"},
      {"unsafe chars hashed", NamePart("a b"), NamePart("a b")},
      {"leading underscore hashed", NamePart("_x").substr(0, 1), "_"},
      {"41 chars hashed", std::to_string(NamePart(std::string(41, 'a')).size()), "17"},
      {"40 chars kept", NamePart(std::string(40, 'a')), std::string(40, 'a')},
      {"policy chain", PolicyChainName({"default", "allow-ssh"}, true),
       "cali-pi-default/allow-ssh"},
      {"policy out chain", PolicyChainName({"t", "p"}, false), "cali-po-t/p"},
      {"profile chain", ProfileChainName("prof-1", true), "cali-pri-prof-1"},
      {"profile out chain", ProfileChainName("prof-1", false), "cali-pro-prof-1"},
      {"workload chain", WorkloadChainName("fw", "cali12345"), "cali-fw-cali12345"},
      {"host chain", HostChainName("th", {"eth0-ep"}), "cali-th-eth0-ep"},
      {"set v4", IpSetName("t:tag", 4).substr(0, 7), "cali4-_"},
      {"set v6 plain", IpSetName("abc", 6), "cali6-abc"},
      {"cidr masked", NftCidr(C("10.1.2.3/16")), "10.1.0.0/16"},
      {"cidr /32 bare", NftCidr(C("10.1.2.3/32")), "10.1.2.3"},
      {"cidr /0", NftCidr(C("10.1.2.3/0")), "0.0.0.0/0"},
      {"cidr v6 masked", NftCidr(C("fd00:1:2::7/33")), "fd00:1::/33"},
      {"cidr v6 /128", NftCidr(C("fd00::7/128")), "fd00::7"},
      {"quote iface wildcard", QuoteIface("cali", true), "\"cali*\""},
      {"wildcard of 14", QuoteIface("abcdefghijklmn", true), "\"abcdefghijklmn*\""},
      // nft rejects "abcdefghijklmno*"; the only name it could match is itself.
      {"prefix of 15 is exact", QuoteIface("abcdefghijklmno", true), "\"abcdefghijklmno\""},
  };
  for (const auto& c : cases) EXPECT_EQ(c.got, c.want) << c.desc;
  EXPECT_NE(NamePart("a b"), NamePart("a c"));
}

}  // namespace
}  // namespace felix::rules
