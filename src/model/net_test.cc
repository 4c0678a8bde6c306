// Table tests for net.h: what Felix 1.4.9 (netaddr 0.7.x, Python 2.7, glibc)
// accepted as an address, CIDR or MAC, and the canonical text it printed.
#include "model/net.h"

#include <gtest/gtest.h>

#include <string>

namespace felix::model {
namespace {

// expected empty = rejected.
struct Row {
  const char* desc;
  std::string text;
  int version;
  std::string expected;
};

class IpAddrTest : public testing::TestWithParam<Row> {};

TEST_P(IpAddrTest, ParsesLikeNetaddr) {
  const Row& row = GetParam();
  auto got = ParseIpAddr(row.text, row.version);
  if (row.expected.empty()) {
    EXPECT_FALSE(got.has_value()) << row.desc << ": " << got->ToString();
    return;
  }
  ASSERT_TRUE(got.has_value()) << row.desc;
  EXPECT_EQ(got->ToString(), row.expected) << row.desc;
  EXPECT_EQ(got->family, row.expected.find(':') == std::string::npos ? 4 : 6);
  // The canonical form parses back to the same value.
  auto again = ParseIpAddr(got->ToString(), got->family);
  ASSERT_TRUE(again.has_value()) << row.desc;
  EXPECT_EQ(*again, *got) << row.desc;
}

INSTANTIATE_TEST_SUITE_P(
    Net, IpAddrTest,
    testing::Values(
        // IPv4 via inet_aton.
        Row{"dotted quad", "10.0.0.1", 4, "10.0.0.1"},
        Row{"three parts, last is 16 bits", "10.0.1", 4, "10.0.0.1"},
        Row{"two parts, last is 24 bits", "10.1", 4, "10.0.0.1"},
        Row{"one part is 32 bits", "1", 4, "0.0.0.1"}, Row{"zero", "0", 4, "0.0.0.0"},
        Row{"octal zero", "00", 4, "0.0.0.0"}, Row{"hex part", "0x7f.1", 4, "127.0.0.1"},
        Row{"upper-case hex prefix", "0X0A.0.0.1", 4, "10.0.0.1"},
        Row{"leading zero is octal", "010.0.0.1", 4, "8.0.0.1"},
        Row{"max single part", "4294967295", 4, "255.255.255.255"},
        Row{"max hex single part", "0xffffffff", 4, "255.255.255.255"},
        Row{"max 24-bit tail", "1.16777215", 4, "1.255.255.255"},
        Row{"max 16-bit tail", "1.2.65535", 4, "1.2.255.255"},
        Row{"broadcast", "255.255.255.255", 4, "255.255.255.255"},
        Row{"whitespace ends the address", "1.2.3.4 trailing", 4, "1.2.3.4"},
        Row{"trailing tab", "1.2.3.4\t", 4, "1.2.3.4"},
        Row{"trailing newline", "1.2.3.4\n", 4, "1.2.3.4"},
        Row{"either version picks v4", "10.1", 0, "10.0.0.1"}, Row{"empty", "", 4, ""},
        Row{"leading space", " 1.2.3.4", 4, ""}, Row{"trailing dot", "1.2.3.4.", 4, ""},
        Row{"trailing dot short form", "1.2.", 4, ""}, Row{"leading dot", ".1.2.3", 4, ""},
        Row{"empty part", "1..2", 4, ""}, Row{"five parts", "1.2.3.4.5", 4, ""},
        Row{"octet over 255", "256.0.0.1", 4, ""}, Row{"last octet over 255", "1.2.3.256", 4, ""},
        Row{"single part over 32 bits", "4294967296", 4, ""},
        Row{"24-bit tail too big", "1.16777216", 4, ""},
        Row{"16-bit tail too big", "1.2.65536", 4, ""}, Row{"8 is not octal", "08", 4, ""},
        Row{"9 is not octal", "09.1.1.1", 4, ""}, Row{"bare hex prefix", "0x", 4, ""},
        Row{"hex prefix before dot", "0x.1", 4, ""},
        Row{"garbage after address", "1.2.3.4x", 4, ""}, Row{"letters", "a.b.c.d", 4, ""},
        Row{"prefix", "1.2.3.4/32", 4, ""}, Row{"slash after whitespace", "1.2.3.4 /32", 4, ""},
        Row{"sign", "+1", 4, ""}, Row{"negative", "-1", 4, ""},
        Row{"non-ASCII after whitespace", "1.2.3.4 \xc3\xa9", 4, ""},
        Row{"NUL after whitespace", std::string("1.2.3.4 \0", 9), 4, ""},
        Row{"v6 text for v4", "::1", 4, ""}, Row{"bad version", "1.2.3.4", 5, ""},
        // IPv6 via inet_pton, printed like inet_ntop.
        Row{"loopback", "::1", 6, "::1"}, Row{"unspecified", "::", 6, "::"},
        Row{"upper case", "2001:DB8::1", 6, "2001:db8::1"},
        Row{"full form compressed", "2001:0db8:0000:0000:0000:0000:0000:0001", 6, "2001:db8::1"},
        Row{"v4-mapped", "::ffff:1.2.3.4", 6, "::ffff:1.2.3.4"},
        Row{"v4-mapped hex", "::ffff:102:304", 6, "::ffff:1.2.3.4"},
        Row{"v4-compatible", "::1.2.3.4", 6, "::1.2.3.4"}, Row{"::2 stays hex", "::2", 6, "::2"},
        Row{"mapped zero", "::ffff:0:0", 6, "::ffff:0.0.0.0"},
        Row{"longest zero run", "1:0:0:1:0:0:0:1", 6, "1:0:0:1::1"},
        Row{"first of equal runs", "1:0:0:0:1:0:0:1", 6, "1::1:0:0:1"},
        Row{"single zero not compressed", "1:0:2:3:4:5:6:7", 6, "1:0:2:3:4:5:6:7"},
        Row{"trailing run", "fe80:0:0:0:0:0:0:0", 6, "fe80::"}, Row{"trailing ::", "1::", 6, "1::"},
        Row{"no zeros", "1:2:3:4:5:6:7:8", 6, "1:2:3:4:5:6:7:8"},
        Row{"embedded quad after six groups", "1:2:3:4:5:6:1.2.3.4", 6, "1:2:3:4:5:6:102:304"},
        Row{"either version picks v6", "::1", 0, "::1"},
        Row{"nine groups", "1:2:3:4:5:6:7:8:9", 6, ""}, Row{"seven groups", "1:2:3:4:5:6:7", 6, ""},
        Row{"two ::", "1::2::3", 6, ""}, Row{"leading single colon", ":1", 6, ""},
        Row{"trailing single colon", "1:", 6, ""}, Row{"triple colon", ":::", 6, ""},
        Row{"five hex digits", "12345::", 6, ""}, Row{"zero-padded five digits", "00001::", 6, ""},
        Row{"embedded quad leading zero", "::01.2.3.4", 6, ""},
        Row{"embedded quad too short", "::1.2.3", 6, ""}, Row{"non-hex", "g::", 6, ""},
        Row{"v4 text for v6", "1.2.3.4", 6, ""}, Row{"leading space v6", " ::1", 6, ""},
        Row{"trailing space v6", "::1 ", 6, ""}, Row{"zone id", "fe80::1%eth0", 6, ""},
        Row{"full form plus ::", "1:2:3:4:5:6:7:8::", 6, ""}, Row{"neither family", "foo", 0, ""}));

class CidrTest : public testing::TestWithParam<Row> {};

TEST_P(CidrTest, ParsesLikeIpNetwork) {
  const Row& row = GetParam();
  auto got = ParseCidr(row.text, row.version);
  if (row.expected.empty()) {
    EXPECT_FALSE(got.has_value()) << row.desc << ": " << got->ToString();
    return;
  }
  ASSERT_TRUE(got.has_value()) << row.desc;
  EXPECT_EQ(got->ToString(), row.expected) << row.desc;
  auto again = ParseCidr(got->ToString(), got->addr.family);
  ASSERT_TRUE(again.has_value()) << row.desc;
  EXPECT_EQ(*again, *got) << row.desc;
}

INSTANTIATE_TEST_SUITE_P(
    Net, CidrTest,
    testing::Values(
        Row{"plain", "10.0.0.0/8", 4, "10.0.0.0/8"},
        Row{"abbreviated with prefix", "10/8", 4, "10.0.0.0/8"},
        Row{"three octets padded", "10.0.1/32", 4, "10.0.1.0/32"},
        Row{"two octets padded", "192.168/16", 4, "192.168.0.0/16"},
        Row{"host bits kept", "10.0.0.5/8", 4, "10.0.0.5/8"},
        Row{"bare address gets /32", "10.0.0.1", 4, "10.0.0.1/32"},
        Row{"bare abbreviation, no classful prefix", "10", 4, "10.0.0.0/32"},
        Row{"bare two octets", "192.168", 4, "192.168.0.0/32"},
        Row{"leading zero is decimal here", "010.0.0.1/32", 4, "10.0.0.1/32"},
        Row{"int() strips spaces in octets", " 10 .0.0.1", 4, "10.0.0.1/32"},
        Row{"negative zero octet", "-0.0.0.0/8", 4, "0.0.0.0/8"},
        Row{"zero network", "0/0", 4, "0.0.0.0/0"},
        Row{"netmask", "10.0.0.0/255.0.0.0", 4, "10.0.0.0/8"},
        Row{"hostmask", "10.0.0.0/0.0.0.255", 4, "10.0.0.0/24"},
        Row{"all-zero mask is a netmask", "10.0.0.0/0.0.0.0", 4, "10.0.0.0/0"},
        Row{"all-ones mask", "10.0.0.0/255.255.255.255", 4, "10.0.0.0/32"},
        Row{"prefix with spaces", "10.0.0.0/ 8 ", 4, "10.0.0.0/8"},
        Row{"prefix with plus", "10.0.0.0/+8", 4, "10.0.0.0/8"},
        Row{"prefix with leading zero", "10.0.0.0/08", 4, "10.0.0.0/8"},
        Row{"prefix minus zero", "10.0.0.0/-0", 4, "10.0.0.0/0"},
        Row{"either version, v4", "10/8", 0, "10.0.0.0/8"},
        Row{"prefix too long", "10.0.0.0/33", 4, ""}, Row{"negative prefix", "10.0.0.0/-1", 4, ""},
        Row{"empty prefix", "10.0.0.0/", 4, ""}, Row{"empty address", "/8", 4, ""},
        Row{"empty", "", 0, ""}, Row{"not a mask", "10.0.0.0/255.0.255.0", 4, ""},
        Row{"mask with leading zero", "10.0.0.0/255.0.0.00", 4, ""},
        Row{"abbreviated mask", "10.0.0.0/255", 4, ""}, Row{"two slashes", "10.0.0.0/8/9", 4, ""},
        Row{"octet over 255", "256.0.0.0/8", 4, ""}, Row{"empty octet", "10..0/8", 4, ""},
        Row{"trailing dot", "10.0.0./8", 4, ""}, Row{"five octets", "10.0.0.0.0/8", 4, ""},
        Row{"hex octet", "0x0a.0.0.0/8", 4, ""}, Row{"hex prefix", "10.0.0.0/0x8", 4, ""},
        Row{"negative octet", "-1.0.0.0/8", 4, ""},
        Row{"garbage after whitespace", "1.2.3.4 x", 4, ""}, Row{"v6 for v4", "::/0", 4, ""},
        Row{"non-ASCII", "10.0.0.0/8\xc2\xa0", 4, ""},
        Row{"v6 network", "2001:db8::/32", 6, "2001:db8::/32"},
        Row{"v6 host bits kept, lower-cased", "2001:DB8::1/64", 6, "2001:db8::1/64"},
        Row{"v6 bare gets /128", "::1", 6, "::1/128"}, Row{"v6 default", "::/0", 6, "::/0"},
        Row{"v6 netmask", "fe80::/ffc0::", 6, "fe80::/10"},
        Row{"v6 hostmask", "::/::ffff", 6, "::/112"},
        Row{"either version, v6", "::ffff:1.2.3.4/120", 0, "::ffff:1.2.3.4/120"},
        Row{"v6 prefix too long", "2001:db8::/129", 6, ""},
        Row{"v6 not a mask", "::/ffff::ffff", 6, ""},
        Row{"v6 abbreviation not expanded", "2001/16", 6, ""},
        Row{"v4 for v6", "10.0.0.0/8", 6, ""},
        Row{"v4 address with v6 prefix", "1.2.3.4/64", 0, ""},
        Row{"bad version", "10.0.0.0/8", 5, ""}));

class MacTest : public testing::TestWithParam<Row> {};

TEST_P(MacTest, CanonicalisesToUnixDialect) {
  const Row& row = GetParam();
  auto got = CanonicalMac(row.text);
  if (row.expected.empty()) {
    EXPECT_FALSE(got.has_value()) << row.desc << ": " << *got;
    return;
  }
  ASSERT_TRUE(got.has_value()) << row.desc;
  EXPECT_EQ(*got, row.expected) << row.desc;
  EXPECT_EQ(CanonicalMac(*got), *got) << row.desc;
}

INSTANTIATE_TEST_SUITE_P(
    Net, MacTest,
    testing::Values(Row{"colons", "00:11:22:33:44:55", 0, "0:11:22:33:44:55"},
                    Row{"dashes", "00-11-22-33-44-55", 0, "0:11:22:33:44:55"},
                    Row{"single digits", "0:1:2:3:4:5", 0, "0:1:2:3:4:5"},
                    Row{"upper case", "AA:BB:CC:DD:EE:FF", 0, "aa:bb:cc:dd:ee:ff"},
                    Row{"cisco dots", "0011.2233.4455", 0, "0:11:22:33:44:55"},
                    Row{"cisco colons", "0011:2233:4455", 0, "0:11:22:33:44:55"},
                    Row{"cisco dashes", "0011-2233-4455", 0, "0:11:22:33:44:55"},
                    Row{"cisco short words", "11.2233.4455", 0, "0:11:22:33:44:55"},
                    Row{"pgsql dash", "001122-334455", 0, "0:11:22:33:44:55"},
                    Row{"pgsql colon", "001122:334455", 0, "0:11:22:33:44:55"},
                    Row{"pgsql five digits", "01122-334455", 0, "0:11:22:33:44:55"},
                    Row{"bare", "001122334455", 0, "0:11:22:33:44:55"},
                    Row{"bare eleven digits", "01122334455", 0, "0:11:22:33:44:55"},
                    Row{"one trailing newline", "00:11:22:33:44:55\n", 0, "0:11:22:33:44:55"},
                    Row{"empty", "", 0, ""}, Row{"five octets", "00:11:22:33:44", 0, ""},
                    Row{"seven octets", "00:11:22:33:44:55:66", 0, ""},
                    Row{"three-digit octet", "000:11:22:33:44:55", 0, ""},
                    Row{"empty octet", "00::22:33:44:55", 0, ""},
                    Row{"mixed separators", "00:11-22:33:44:55", 0, ""},
                    Row{"dotted octets", "00.11.22.33.44.55", 0, ""},
                    Row{"cisco word too long", "0011.2233.44556", 0, ""},
                    Row{"pgsql word too short", "1122-334455", 0, ""},
                    Row{"pgsql with dot", "001122.334455", 0, ""},
                    Row{"bare thirteen digits", "0011223344556", 0, ""},
                    Row{"bare ten digits", "0011223344", 0, ""},
                    Row{"non-hex", "00:11:22:33:44:gg", 0, ""},
                    Row{"two trailing newlines", "00:11:22:33:44:55\n\n", 0, ""},
                    Row{"leading space", " 00:11:22:33:44:55", 0, ""},
                    Row{"trailing space", "00:11:22:33:44:55 ", 0, ""}));

TEST(NetTest, FamilyAndBytes) {
  auto v4 = ParseIpAddr("10.0.1", 4);
  ASSERT_TRUE(v4.has_value());
  EXPECT_EQ(v4->family, 4);
  EXPECT_EQ(v4->bytes[0], 10);
  EXPECT_EQ(v4->bytes[3], 1);
  EXPECT_EQ(v4->bytes[4], 0);  // unused tail stays zero, so == works
  EXPECT_EQ(*v4, *ParseIpAddr("10.0.0.1", 4));
  auto v6 = ParseIpAddr("::ffff:1.2.3.4", 6);
  ASSERT_TRUE(v6.has_value());
  EXPECT_EQ(v6->family, 6);
  EXPECT_EQ(v6->bytes[10], 0xff);
  EXPECT_EQ(v6->bytes[15], 4);
  auto cidr = ParseCidr("10.0.0.5/8", 0);
  ASSERT_TRUE(cidr.has_value());
  EXPECT_EQ(cidr->prefix, 8);
  EXPECT_EQ(cidr->addr, *ParseIpAddr("10.0.0.5", 4));
}

}  // namespace
}  // namespace felix::model
