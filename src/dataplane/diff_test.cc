// Table tests for Diff, FullReplaceScript and the drift shape: exact nft
// scripts for each kind of change.
#include <gtest/gtest.h>

#include "dataplane/dataplane.h"

namespace felix::dataplane {
namespace {

using rules::Chain;
using rules::Hook;
using rules::Set;
using rules::Table;

Table Base() {
  Table t;
  t.chains["input"] = Chain{Hook{"filter", "input", 0, "accept"}, {"iifname vmap @cali-from-if"}};
  t.chains["cali-fw-eth0"] = Chain{std::nullopt, {"ip saddr @cali4-a accept", "drop"}};
  t.sets["cali-from-if"] = Set{"ifname", "verdict", {}, {{"\"eth0\"", "goto cali-fw-eth0"}}};
  t.sets["cali4-a"] = Set{"ipv4_addr", std::nullopt, {"interval"}, {{"10.0.0.1", ""}}};
  return t;
}

struct DiffCase {
  std::string description;
  std::function<void(Table&)> change;
  std::string want;
};

TEST(DiffTest, MinimalScripts) {
  const std::vector<DiffCase> cases = {
      {"no change gives an empty script", [](Table&) {}, ""},
      {"a set member added is one element add",
       [](Table& t) { t.sets["cali4-a"].elements["10.0.0.2"] = ""; },
       "add element inet calico cali4-a { 10.0.0.2 }\n"},
      {"a set member removed is one element delete",
       [](Table& t) { t.sets["cali4-a"].elements.erase("10.0.0.1"); },
       "delete element inet calico cali4-a { 10.0.0.1 }\n"},
      {"a changed verdict map entry is a delete plus an add",
       [](Table& t) { t.sets["cali-from-if"].elements["\"eth0\""] = "drop"; },
       "delete element inet calico cali-from-if { \"eth0\" }\n"
       "add element inet calico cali-from-if { \"eth0\" : drop }\n"},
      {"a changed chain is flushed and refilled",
       [](Table& t) {
         t.chains["cali-fw-eth0"].rules = {"tcp dport 80 accept", "drop"};
       },
       "flush chain inet calico cali-fw-eth0\n"
       "add rule inet calico cali-fw-eth0 tcp dport 80 accept\n"
       "add rule inet calico cali-fw-eth0 drop\n"},
      {"a new chain and its dispatch entry: chain first, then element, then rules",
       [](Table& t) {
         t.chains["cali-fw-eth1"] = Chain{std::nullopt, {"drop"}};
         t.sets["cali-from-if"].elements["\"eth1\""] = "goto cali-fw-eth1";
       },
       "add chain inet calico cali-fw-eth1\n"
       "add element inet calico cali-from-if { \"eth1\" : goto cali-fw-eth1 }\n"
       "add rule inet calico cali-fw-eth1 drop\n"},
      {"a removed chain: element deleted, chain flushed, then deleted",
       [](Table& t) {
         t.chains.erase("cali-fw-eth0");
         t.sets["cali-from-if"].elements.clear();
       },
       "delete element inet calico cali-from-if { \"eth0\" }\n"
       "flush chain inet calico cali-fw-eth0\n"
       "delete chain inet calico cali-fw-eth0\n"},
      {"a new set is declared before the rules that use it",
       [](Table& t) {
         t.sets["cali6-b"] = Set{"ipv6_addr", std::nullopt, {"interval"}, {{"fd00::1", ""}}};
         t.chains["cali-fw-eth0"].rules = {"ip6 saddr @cali6-b accept"};
       },
       "add set inet calico cali6-b { type ipv6_addr; flags interval; }\n"
       "add element inet calico cali6-b { fd00::1 }\n"
       "flush chain inet calico cali-fw-eth0\n"
       "add rule inet calico cali-fw-eth0 ip6 saddr @cali6-b accept\n"},
      {"a removed set is deleted after the chain using it is rewritten",
       [](Table& t) {
         t.sets.erase("cali4-a");
         t.chains["cali-fw-eth0"].rules = {"drop"};
       },
       "flush chain inet calico cali-fw-eth0\n"
       "add rule inet calico cali-fw-eth0 drop\n"
       "delete set inet calico cali4-a\n"},
      {"a removed verdict map is deleted as a map",
       [](Table& t) {
         t.sets.erase("cali-from-if");
         t.chains["input"].rules = {};
       },
       "flush chain inet calico input\n"
       "delete map inet calico cali-from-if\n"},
  };
  for (const DiffCase& c : cases) {
    Table desired = Base();
    c.change(desired);
    EXPECT_EQ(Diff(Base(), desired), c.want) << c.description;
  }
}

// Plain (non-interval) sets: adds are a re-declaration carrying the new
// members (libnftables then skips its chain cache), deletes are element
// deletes; DiffDelta gives the same script from the changed keys alone.
TEST(DiffTest, PlainSetMembers) {
  const std::vector<DiffCase> cases = {
      {"members added to an existing plain set: a re-declaration carrying them",
       [](Table& t) {
         t.sets["cali4-p"].elements["10.0.0.2"] = "";
         t.sets["cali4-p"].elements["10.0.0.3"] = "";
       },
       "add set inet calico cali4-p { type ipv4_addr; elements = { 10.0.0.2, 10.0.0.3 } }\n"},
      {"a member removed from a plain set is one element delete",
       [](Table& t) { t.sets["cali4-p"].elements.erase("10.0.0.1"); },
       "delete element inet calico cali4-p { 10.0.0.1 }\n"},
  };
  for (const auto& c : cases) {
    Table a = Base();
    a.sets["cali4-p"] = Set{"ipv4_addr", std::nullopt, {}, {{"10.0.0.1", ""}}};
    Table b = a;
    c.change(b);
    EXPECT_EQ(Diff(a, b), c.want) << c.description;
    rules::TableDelta d;
    for (const auto& [k, v] : b.sets.at("cali4-p").elements) d.elements["cali4-p"].insert(k);
    d.elements["cali4-p"].insert("10.0.0.1");
    EXPECT_EQ(DiffDelta(a, b, d), c.want) << c.description;
  }
}

TEST(DiffTest, TypeChangeReplacesTheTable) {
  Table desired = Base();
  desired.sets["cali4-a"].flags = {};
  EXPECT_EQ(Diff(Base(), desired), FullReplaceScript(desired));
}

TEST(DiffTest, FullReplaceScriptCreatesEverythingInOrder) {
  EXPECT_EQ(FullReplaceScript(Base()),
            "add table inet calico\n"
            "delete table inet calico\n"
            "add table inet calico\n"
            "add chain inet calico cali-fw-eth0\n"
            "add chain inet calico input { type filter hook input priority 0; policy accept; }\n"
            "add map inet calico cali-from-if { type ifname : verdict; }\n"
            "add set inet calico cali4-a { type ipv4_addr; flags interval; }\n"
            "add element inet calico cali-from-if { \"eth0\" : goto cali-fw-eth0 }\n"
            "add element inet calico cali4-a { 10.0.0.1 }\n"
            "add rule inet calico cali-fw-eth0 ip saddr @cali4-a accept\n"
            "add rule inet calico cali-fw-eth0 drop\n"
            "add rule inet calico input iifname vmap @cali-from-if\n");
}

TEST(ShapeTest, DriftDescribedAndNamed) {
  TableShape got = ShapeOf(Base());
  got.chain_rules.erase("cali-fw-eth0");
  got.chain_rules["cali-x"] = 0;
  got.set_elements.at("cali4-a") = 0;
  EXPECT_EQ(DescribeDrift(ShapeOf(Base()), got),
            (std::vector<std::string>{"missing chain cali-fw-eth0", "unexpected chain cali-x",
                                      "set cali4-a has 0 elements, expected 1"}));
  DriftedObjects d = DriftedIn(ShapeOf(Base()), got);
  EXPECT_EQ(d.chains, std::set<std::string>{"cali-fw-eth0"});
  EXPECT_EQ(d.extra_chains, std::set<std::string>{"cali-x"});
  EXPECT_EQ(d.sets, std::set<std::string>{"cali4-a"});
  EXPECT_TRUE(d.extra_sets.empty());
  EXPECT_TRUE(DescribeDrift(ShapeOf(Base()), ShapeOf(Base())).empty());
  EXPECT_TRUE(DriftedIn(ShapeOf(Base()), ShapeOf(Base())).empty());
}

}  // namespace
}  // namespace felix::dataplane
