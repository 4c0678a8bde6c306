// CompileRule against the expressions nft 1.0.6 generates (the expected
// texts are `nft --debug=netlink add rule inet t c <rule>` output). The
// kernel-side check, byte for byte against libnftables, is in
// direct_netns_test.cc.
#include "dataplane/nft_expr.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace felix::dataplane {
namespace {

std::string Compiled(const std::string& rule) {
  auto e = CompileRule(rule);
  return e ? DescribeExprs(*e) : "(not compiled)";
}

struct Case {
  const char* rule;
  const char* want;
};

TEST(NftExprTest, CompilesTheRendererFormsAsNftDoes) {
  const Case cases[] = {
      {"meta nfproto ipv4",
       "[ meta load nfproto => reg 1 ]\n"
       "[ cmp eq reg 1 0x00000002 ]\n"},
      {"meta l4proto != 17",
       "[ meta load l4proto => reg 1 ]\n"
       "[ cmp neq reg 1 0x00000011 ]\n"},
      // A byte-aligned prefix loads only its bytes; the nfproto dependency.
      {"ip saddr 10.0.0.0/8",
       "[ meta load nfproto => reg 1 ]\n"
       "[ cmp eq reg 1 0x00000002 ]\n"
       "[ payload load 1b @ network header + 12 => reg 1 ]\n"
       "[ cmp eq reg 1 0x0000000a ]\n"},
      {"ip daddr != 10.1.0.0/17",
       "[ meta load nfproto => reg 1 ]\n"
       "[ cmp eq reg 1 0x00000002 ]\n"
       "[ payload load 4b @ network header + 16 => reg 1 ]\n"
       "[ bitwise reg 1 = ( reg 1 & 0x0080ffff ) ^ 0x00000000 ]\n"
       "[ cmp neq reg 1 0x0000010a ]\n"},
      {"meta nfproto ipv4 ip saddr 0.0.0.0/0",
       "[ meta load nfproto => reg 1 ]\n"
       "[ cmp eq reg 1 0x00000002 ]\n"
       "[ payload load 4b @ network header + 12 => reg 1 ]\n"
       "[ bitwise reg 1 = ( reg 1 & 0x00000000 ) ^ 0x00000000 ]\n"
       "[ cmp eq reg 1 0x00000000 ]\n"},
      {"ip6 saddr fd00::/64",
       "[ meta load nfproto => reg 1 ]\n"
       "[ cmp eq reg 1 0x0000000a ]\n"
       "[ payload load 8b @ network header + 8 => reg 1 ]\n"
       "[ cmp eq reg 1 0x000000fd 0x00000000 ]\n"},
      {"ip6 daddr != fd00::1",
       "[ meta load nfproto => reg 1 ]\n"
       "[ cmp eq reg 1 0x0000000a ]\n"
       "[ payload load 16b @ network header + 24 => reg 1 ]\n"
       "[ cmp neq reg 1 0x000000fd 0x00000000 0x00000000 0x01000000 ]\n"},
      {"ip6 saddr != @s6",
       "[ meta load nfproto => reg 1 ]\n"
       "[ cmp eq reg 1 0x0000000a ]\n"
       "[ payload load 16b @ network header + 8 => reg 1 ]\n"
       "[ lookup reg 1 set s6 0x1 ]\n"},
      // Ranges: equal as two compares, unequal as a range expression.
      {"meta l4proto tcp tcp sport != 1000-2000",
       "[ meta load l4proto => reg 1 ]\n"
       "[ cmp eq reg 1 0x00000006 ]\n"
       "[ payload load 2b @ transport header + 0 => reg 1 ]\n"
       "[ range neq reg 1 0x0000e803 0x0000d007 ]\n"},
      {"icmpv6 type 133-136 accept",
       "[ meta load nfproto => reg 1 ]\n"
       "[ cmp eq reg 1 0x0000000a ]\n"
       "[ meta load l4proto => reg 1 ]\n"
       "[ cmp eq reg 1 0x0000003a ]\n"
       "[ payload load 1b @ transport header + 0 => reg 1 ]\n"
       "[ cmp gte reg 1 0x00000085 ]\n"
       "[ cmp lte reg 1 0x00000088 ]\n"
       "[ immediate reg 0 accept ]\n"},
      {"th dport 80",
       "[ payload load 2b @ transport header + 2 => reg 1 ]\n"
       "[ cmp eq reg 1 0x00005000 ]\n"},
      // Adjacent transport equalities merge, in offset order.
      {"meta l4proto tcp tcp dport 80 tcp sport 1",
       "[ meta load l4proto => reg 1 ]\n"
       "[ cmp eq reg 1 0x00000006 ]\n"
       "[ payload load 4b @ transport header + 0 => reg 1 ]\n"
       "[ cmp eq reg 1 0x50000100 ]\n"},
      {"udp sport 68 udp dport 67 accept",
       "[ meta load l4proto => reg 1 ]\n"
       "[ cmp eq reg 1 0x00000011 ]\n"
       "[ payload load 4b @ transport header + 0 => reg 1 ]\n"
       "[ cmp eq reg 1 0x43004400 ]\n"
       "[ immediate reg 0 accept ]\n"},
      {"meta l4proto icmp icmp type 8 icmp code 0",
       "[ meta load l4proto => reg 1 ]\n"
       "[ cmp eq reg 1 0x00000001 ]\n"
       "[ payload load 2b @ transport header + 0 => reg 1 ]\n"
       "[ cmp eq reg 1 0x00000008 ]\n"},
      {"meta l4proto tcp tcp sport 1 tcp dport != 2",
       "[ meta load l4proto => reg 1 ]\n"
       "[ cmp eq reg 1 0x00000006 ]\n"
       "[ payload load 2b @ transport header + 0 => reg 1 ]\n"
       "[ cmp eq reg 1 0x00000100 ]\n"
       "[ payload load 2b @ transport header + 2 => reg 1 ]\n"
       "[ cmp neq reg 1 0x00000200 ]\n"},
      // A negated protocol establishes nothing: the dependency is added.
      {"meta l4proto != tcp tcp dport 5",
       "[ meta load l4proto => reg 1 ]\n"
       "[ cmp neq reg 1 0x00000006 ]\n"
       "[ meta load l4proto => reg 1 ]\n"
       "[ cmp eq reg 1 0x00000006 ]\n"
       "[ payload load 2b @ transport header + 2 => reg 1 ]\n"
       "[ cmp eq reg 1 0x00000500 ]\n"},
      {"ct state established,related accept",
       "[ ct load state => reg 1 ]\n"
       "[ bitwise reg 1 = ( reg 1 & 0x00000006 ) ^ 0x00000000 ]\n"
       "[ cmp neq reg 1 0x00000000 ]\n"
       "[ immediate reg 0 accept ]\n"},
      {"ether saddr != 00:11:22:33:44:55 drop",
       "[ meta load iiftype => reg 1 ]\n"
       "[ cmp eq reg 1 0x00000001 ]\n"
       "[ payload load 6b @ link header + 6 => reg 1 ]\n"
       "[ cmp neq reg 1 0x33221100 0x00005544 ]\n"
       "[ immediate reg 0 drop ]\n"},
      {"meta mark & 0x01000000 == 0x01000000 meta mark set meta mark & 0xfcffffff return",
       "[ meta load mark => reg 1 ]\n"
       "[ bitwise reg 1 = ( reg 1 & 0x01000000 ) ^ 0x00000000 ]\n"
       "[ cmp eq reg 1 0x01000000 ]\n"
       "[ meta load mark => reg 1 ]\n"
       "[ bitwise reg 1 = ( reg 1 & 0xfcffffff ) ^ 0x00000000 ]\n"
       "[ meta set mark with reg 1 ]\n"
       "[ immediate reg 0 return ]\n"},
      {"meta mark set meta mark | 0x01000000 return",
       "[ meta load mark => reg 1 ]\n"
       "[ bitwise reg 1 = ( reg 1 & 0xfeffffff ) ^ 0x01000000 ]\n"
       "[ meta set mark with reg 1 ]\n"
       "[ immediate reg 0 return ]\n"},
      {"meta mark & 0x02000000 == 0 jump d",
       "[ meta load mark => reg 1 ]\n"
       "[ bitwise reg 1 = ( reg 1 & 0x02000000 ) ^ 0x00000000 ]\n"
       "[ cmp eq reg 1 0x00000000 ]\n"
       "[ immediate reg 0 jump -> d ]\n"},
      {"meta mark & 0x01000000 == 0x01000000 notrack accept",
       "[ meta load mark => reg 1 ]\n"
       "[ bitwise reg 1 = ( reg 1 & 0x01000000 ) ^ 0x00000000 ]\n"
       "[ cmp eq reg 1 0x01000000 ]\n"
       "[ notrack ]\n"
       "[ immediate reg 0 accept ]\n"},
      {"goto d", "[ immediate reg 0 goto -> d ]\n"},
      // Anonymous sets of single values; interface names and verdict maps.
      {"meta l4proto tcp tcp dport { 80, 443 } accept",
       "[ meta load l4proto => reg 1 ]\n"
       "[ cmp eq reg 1 0x00000006 ]\n"
       "[ payload load 2b @ transport header + 2 => reg 1 ]\n"
       "[ lookup reg 1 set __set%d ]\n"
       "[ immediate reg 0 accept ]\n"},
      {"icmpv6 type { 130, 131, 132, 133, 135, 136 } accept",
       "[ meta load nfproto => reg 1 ]\n"
       "[ cmp eq reg 1 0x0000000a ]\n"
       "[ meta load l4proto => reg 1 ]\n"
       "[ cmp eq reg 1 0x0000003a ]\n"
       "[ payload load 1b @ transport header + 0 => reg 1 ]\n"
       "[ lookup reg 1 set __set%d ]\n"
       "[ immediate reg 0 accept ]\n"},
      {"iifname \"cali*\" accept",
       "[ meta load iifname => reg 1 ]\n"
       "[ cmp eq reg 1 0x696c6163 ]\n"
       "[ immediate reg 0 accept ]\n"},
      {"oifname \"eth0\" accept",
       "[ meta load oifname => reg 1 ]\n"
       "[ cmp eq reg 1 0x30687465 0x00000000 0x00000000 0x00000000 ]\n"
       "[ immediate reg 0 accept ]\n"},
      {"iifname vmap @m",
       "[ meta load iifname => reg 1 ]\n"
       "[ lookup reg 1 set m dreg 0 ]\n"},
      {"limit rate 10/second log prefix \"x: \" level notice",
       "[ limit rate 10/second burst 5 type packets flags 0x0 ]\n"
       "[ log prefix x:  level 5 ]\n"},
  };
  for (const auto& c : cases) EXPECT_EQ(Compiled(c.rule), c.want) << c.rule;
}

TEST(NftExprTest, CountersAreExpressionsAndCommentsUserData) {
  const auto exprs =
      CompileRule("tcp dport 22 counter accept comment \"failsafe tcp:[fd00::/8]:22\"");
  ASSERT_TRUE(exprs);
  EXPECT_EQ(DescribeExprs(*exprs),
            "[ meta load l4proto => reg 1 ]\n"
            "[ cmp eq reg 1 0x00000006 ]\n"
            "[ payload load 2b @ transport header + 2 => reg 1 ]\n"
            "[ cmp eq reg 1 0x00001600 ]\n"
            "[ counter pkts 0 bytes 0 ]\n"
            "[ immediate reg 0 accept ]\n");
  EXPECT_EQ(RuleComment("tcp dport 22 counter accept comment \"failsafe tcp:[fd00::/8]:22\""),
            "failsafe tcp:[fd00::/8]:22");
  EXPECT_EQ(RuleComment("counter drop"), std::nullopt);
  EXPECT_EQ(CompileRule("counter drop comment \"x y\""), CompileRule("counter drop"));
}

TEST(NftExprTest, LeavesOtherFormsToLibnftables) {
  for (const char* rule : {
           "tcp dport { 80, 80 } accept",         // nft would drop the repeat
           "ip saddr { 10.0.0.1/33, 10.0.0.2 }",  // a bad prefix in a set
           "tcp dport { 80 } accept",             // nft makes this a value
           "iifname \"\" accept",                 // no name
           "iifname vmap @m accept",              // nothing after a map's verdict
           "accept drop",                         // nothing after a verdict
           "ip saddr 10.0.0.0/33",                // bad prefix
           "ip saddr 300.0.0.1",                  // bad address
           "tcp dport 70000",                     // port out of range
           "tcp dport 20-10",                     // empty range
           "meta l4proto frob",                   // unknown protocol
           "ct state bogus accept",               // unknown state
           "log prefix \"unterminated level",     // bad quoting
           "quota 10 mbytes accept",              // not a form we emit
           "comment \"only a comment\"",          // no expression at all
           "accept comment \"a\\\"b\"",           // an escape nft would undo
           "",
       }) {
    EXPECT_FALSE(CompileRule(rule)) << rule;
  }
}

// The anonymous set of a lookup: its keys (hex) and per-key flags
// ("e" end, "o" open), as nft 1.0.6's `--debug=netlink` lists them.
std::string SetOf(const std::string& rule) {
  auto exprs = CompileRule(rule);
  if (!exprs) return "(not compiled)";
  for (const auto& e : *exprs) {
    if (e.kind != NftExpr::Kind::kLookup || e.name.empty() == false) continue;
    std::string out = e.interval ? "interval:" : "plain:";
    for (size_t k = 0; k < e.set_elements.size(); ++k) {
      out += " ";
      for (uint8_t b : e.set_elements[k]) out += fmt::format("{:02x}", b);
      const uint8_t f = e.interval ? e.set_element_flags[k] : 0;
      if (f & NftExpr::kElementEnd) out += "e";
      if (f & NftExpr::kElementOpen) out += "o";
    }
    return out;
  }
  return "(no anonymous set)";
}

TEST(NftExprTest, AnonymousSetsAreTheElementsNftSends) {
  EXPECT_EQ(SetOf("meta l4proto tcp tcp dport { 80, 443 } accept"), "plain: 0050 01bb");
  // Ranges: a leading end at 0, merged adjacent ranges (80, 81), the
  // range up to 65535 open.
  EXPECT_EQ(SetOf("meta l4proto tcp tcp dport { 80, 81, 1000-2000, 65000-65535 } accept"),
            "interval: 0000e 0050 0052e 03e8 07d1e fde8o");
  EXPECT_EQ(SetOf("meta nfproto ipv4 ip saddr { 10.0.0.0/8, 1.2.3.4 } accept"),
            "interval: 00000000e 01020304 01020305e 0a000000 0b000000e");
  EXPECT_EQ(SetOf("meta nfproto ipv4 ip saddr { 10.0.0.0/8, 10.0.0.0/8 } accept"),
            "interval: 00000000e 0a000000 0b000000e");
  EXPECT_EQ(SetOf("meta nfproto ipv4 ip saddr != { 0.0.0.0/0, 1.2.3.4 } accept"),
            "interval: 00000000o");
  EXPECT_EQ(SetOf("meta nfproto ipv6 ip6 saddr != { ::/0, fd00::/13 } accept"),
            "interval: 00000000000000000000000000000000o");
  EXPECT_EQ(SetOf("meta nfproto ipv6 ip6 saddr { fd00::1, fd00::/64 } accept"),
            "interval: 00000000000000000000000000000000e fd000000000000000000000000000000 "
            "fd000000000000010000000000000000e");
}

}  // namespace
}  // namespace felix::dataplane
