// DirectChanges: the delta of two tables as our own netlink batch, with the
// same effect as DiffDelta, or nullopt where libnftables must do it.
#include <gtest/gtest.h>

#include "dataplane/dataplane.h"

namespace felix::dataplane {
namespace {

rules::Table Base() {
  rules::Table t;
  t.chains["cali-input"] =
      rules::Chain{rules::Hook{"filter", "input", 0, "accept"}, {"jump cali-pi-a"}};
  t.chains["cali-pi-a"] = rules::Chain{std::nullopt, {"ip saddr @cali4-s1 accept"}};
  t.sets["cali4-s1"] = rules::Set{"ipv4_addr", std::nullopt, {}, {{"10.0.0.1", ""}}};
  t.sets["cali-fh-map"] = rules::Set{"ifname", "verdict", {}, {}};
  return t;
}

TEST(DirectChangesTest, PolicyChangeWithANewSetIsOneDirectChange) {
  const rules::Table a = Base();
  rules::Table b = a;
  b.chains["cali-pi-a"].rules = {"meta nfproto ipv4 ip saddr @cali4-s2 tcp dport 80 accept"};
  b.sets.erase("cali4-s1");
  b.sets["cali4-s2"] = rules::Set{"ipv4_addr", std::nullopt, {}, {{"10.0.0.2", ""}}};
  rules::TableDelta d;
  d.chains = {"cali-pi-a"};
  d.sets = {"cali4-s1", "cali4-s2"};
  auto c = DirectChanges(a, b, d);
  ASSERT_TRUE(c);
  DirectChange want;
  want.new_sets = {{"cali4-s2", 4, {"10.0.0.2"}}};
  want.flush_chains = {"cali-pi-a"};
  want.rules = {{"cali-pi-a", b.chains["cali-pi-a"].rules}};
  want.delete_sets = {"cali4-s1"};
  EXPECT_EQ(*c, want);
  // The same effect as the diff, in the same order.
  EXPECT_EQ(DirectChangeScript(*c),
            "add set inet calico cali4-s2 { type ipv4_addr; }\n"
            "add element inet calico cali4-s2 { 10.0.0.2 }\n"
            "flush chain inet calico cali-pi-a\n"
            "add rule inet calico cali-pi-a meta nfproto ipv4 ip saddr @cali4-s2 tcp dport 80 "
            "accept\n"
            "delete set inet calico cali4-s1\n");
}

TEST(DirectChangesTest, NewAndRemovedChainsAndElementChanges) {
  const rules::Table a = Base();
  rules::Table b = a;
  b.chains["cali-pi-b"] = rules::Chain{std::nullopt, {"drop"}};
  b.chains.erase("cali-pi-a");
  b.chains["cali-input"].rules = {"jump cali-pi-b"};
  b.sets["cali4-s1"].elements = {{"10.0.0.3", ""}};
  rules::TableDelta d;
  d.chains = {"cali-pi-a", "cali-pi-b"};
  d.elements["cali4-s1"] = {"10.0.0.1", "10.0.0.3"};
  // The base chain's rules changed too: not compiled? `jump` is; its hook
  // is the same, so it is flushed and refilled directly.
  d.chains.insert("cali-input");
  auto c = DirectChanges(a, b, d);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->new_chains, std::vector<std::string>{"cali-pi-b"});
  EXPECT_EQ(c->elements, (std::vector<ElementOps>{{"cali4-s1", 4, {"10.0.0.1"}, {"10.0.0.3"}}}));
  EXPECT_EQ(c->flush_chains, (std::vector<std::string>{"cali-input", "cali-pi-a"}));
  EXPECT_EQ(c->delete_chains, std::vector<std::string>{"cali-pi-a"});
  ASSERT_EQ(c->rules.size(), 2u);
  EXPECT_EQ(c->rules[0].chain, "cali-input");
  EXPECT_EQ(c->rules[1].chain, "cali-pi-b");
}

TEST(DirectChangesTest, LeavesMapsIntervalSetsNewBaseChainsAndOtherFormsToLibnftables) {
  const rules::Table a = Base();
  {
    rules::Table b = a;
    b.sets["cali-fh-map"].elements["\"eth0\""] = "goto cali-fh-eth0";
    rules::TableDelta d;
    d.elements["cali-fh-map"] = {"\"eth0\""};
    EXPECT_FALSE(DirectChanges(a, b, d));
  }
  {
    rules::Table b = a;
    b.sets["cali4-n"] = rules::Set{"ipv4_addr", std::nullopt, {"interval"}, {{"10.0.0.0/8", ""}}};
    rules::TableDelta d;
    d.sets = {"cali4-n"};
    EXPECT_FALSE(DirectChanges(a, b, d));
  }
  {
    rules::Table b = a;
    b.chains["cali-forward"] = rules::Chain{rules::Hook{"filter", "forward", 0, "accept"}, {}};
    rules::TableDelta d;
    d.chains = {"cali-forward"};
    EXPECT_FALSE(DirectChanges(a, b, d));
  }
  {
    rules::Table b = a;
    b.chains["cali-pi-a"].rules = {"tcp dport { 80, 80 } accept"};
    rules::TableDelta d;
    d.chains = {"cali-pi-a"};
    EXPECT_FALSE(DirectChanges(a, b, d));
  }
  {
    rules::TableDelta d;
    d.all = true;
    EXPECT_FALSE(DirectChanges(a, a, d));
  }
}

TEST(DirectChangesTest, NothingChangedIsEmpty) {
  const rules::Table a = Base();
  rules::TableDelta d;
  d.chains = {"cali-pi-a"};
  d.elements["cali4-s1"] = {"10.0.0.1"};
  d.sets = {"cali-fh-map"};  // named, unchanged: no reason for libnftables
  auto c = DirectChanges(a, a, d);
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->empty());
}

}  // namespace
}  // namespace felix::dataplane
