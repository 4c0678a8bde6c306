// Table-driven tests for ResolveTiers: tier and policy ordering with ties,
// "default" (+inf) orders, tiers without metadata, untracked policies.
#include "calc/policy_resolver.h"

#include <limits>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace felix::calc {
namespace {

struct P {
  std::string tier, name;
  std::optional<double> tier_order, order;
  bool untracked = false;
};

std::string Text(const std::vector<TierInfo>& tiers) {
  std::string out;
  for (const TierInfo& t : tiers) {
    if (!out.empty()) out += " | ";
    out += t.name + ":";
    for (const std::string& p : t.policies) out += " " + p;
  }
  return out;
}

struct ResolveCase {
  const char* description;
  std::vector<P> policies;
  bool host;
  const char* tiers;
  const char* untracked;
};

const std::optional<double> kNone;

const ResolveCase kCases[] = {
    {"empty", {}, true, "", ""},
    {"policies by order", {{"t", "b", 1, 1}, {"t", "a", 1, 2}}, true, "t: b a", ""},
    {"order ties by name", {{"t", "b", 1, 5}, {"t", "a", 1, 5}}, true, "t: a b", ""},
    {"names compare as bytes", {{"t", "a", 1, 5}, {"t", "B", 1, 5}}, true, "t: B a", ""},
    {"default order after numbers", {{"t", "a", 1, kNone}, {"t", "z", 1, 100}}, true, "t: z a", ""},
    {"default orders tie by name",
     {{"t", "b", 1, kNone}, {"t", "a", 1, kNone}},
     true,
     "t: a b",
     ""},
    {"negative order first", {{"t", "a", 1, 0}, {"t", "b", 1, -1}}, true, "t: b a", ""},
    {"tiers by order", {{"x", "p", 2, 1}, {"y", "q", 1, 1}}, true, "y: q | x: p", ""},
    {"tier ties by name", {{"y", "p", 1, 1}, {"x", "q", 1, 1}}, true, "x: q | y: p", ""},
    {"tier without metadata last",
     {{"a", "p", kNone, 1}, {"b", "q", 9, 1}},
     true,
     "b: q | a: p",
     ""},
    {"tiers without metadata by name",
     {{"b", "p", kNone, 1}, {"a", "q", kNone, 1}},
     true,
     "a: q | b: p",
     ""},
    {"untracked apart for host endpoints",
     {{"t", "a", 1, 1, true}, {"t", "b", 1, 2}},
     true,
     "t: b",
     "t: a"},
    {"untracked dropped for workloads",
     {{"t", "a", 1, 1, true}, {"t", "b", 1, 2}},
     false,
     "t: b",
     ""},
};

TEST(PolicyResolverTest, Table) {
  for (const ResolveCase& c : kCases) {
    std::vector<AppliedPolicy> applied;
    for (const P& p : c.policies) {
      applied.push_back(AppliedPolicy{&p.tier, &p.name, p.tier_order, false, p.order, p.untracked});
    }
    EndpointPolicy out;
    out.profile_ids = {"kept"};
    ResolveTiers(applied, c.host, &out);
    EXPECT_EQ(Text(out.tiers), c.tiers) << c.description;
    EXPECT_EQ(Text(out.untracked_tiers), c.untracked) << c.description;
    EXPECT_EQ(out.profile_ids, std::vector<std::string>{"kept"}) << c.description;
  }
}

}  // namespace
}  // namespace felix::calc
