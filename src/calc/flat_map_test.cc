// Tests for the open-addressing tables: U32Map and BasicInterner. A table of
// operation scripts with exact expected contents, plus randomized runs
// against std::unordered_map (backward-shift deletion is the delicate part:
// colliding keys, wrap-around at the end of the slot array, growth).
#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "calc/flat_map.h"
#include "calc/interner.h"
#include "gtest/gtest.h"

namespace felix::calc {
namespace {

// Sorted "key=value" text of a map.
std::string Text(const U32Map<uint32_t>& m) {
  std::map<uint32_t, uint32_t> sorted;
  m.ForEach([&](uint32_t k, uint32_t v) { sorted[k] = v; });
  std::string out;
  for (const auto& [k, v] : sorted)
    out += (out.empty() ? "" : " ") + std::to_string(k) + "=" + std::to_string(v);
  return out;
}

struct MapCase {
  const char* description;
  // "+k" adds 1 to k, "-k" erases k.
  std::vector<std::string> ops;
  const char* expected;
  size_t size;
};

const MapCase kMapCases[] = {
    {"empty", {}, "", 0},
    {"insert and count", {"+1", "+1", "+7"}, "1=2 7=1", 2},
    {"erase present", {"+1", "+2", "-1"}, "2=1", 1},
    {"erase absent is a no-op", {"+1", "-5"}, "1=1", 1},
    {"erase from empty", {"-5"}, "", 0},
    {"re-add after erase starts at zero", {"+3", "+3", "-3", "+3"}, "3=1", 1},
    {"growth keeps entries",
     {"+0", "+1", "+2", "+3", "+4", "+5", "+6", "+7", "+8", "+9", "-4"},
     "0=1 1=1 2=1 3=1 5=1 6=1 7=1 8=1 9=1",
     9},
};

TEST(U32MapTest, Scripts) {
  for (const MapCase& c : kMapCases) {
    U32Map<uint32_t> m;
    for (const std::string& op : c.ops) {
      uint32_t k = static_cast<uint32_t>(std::stoul(op.substr(1)));
      if (op[0] == '+') {
        ++m[k];
      } else {
        m.erase(k);
      }
    }
    EXPECT_EQ(Text(m), c.expected) << c.description;
    EXPECT_EQ(m.size(), c.size) << c.description;
  }
}

TEST(U32MapTest, RandomAgainstUnorderedMap) {
  for (uint32_t key_range : {8u, 64u, 5000u}) {  // small ranges force long runs
    std::mt19937 rng(key_range);
    std::uniform_int_distribution<uint32_t> key(0, key_range - 1), op(0, 2);
    U32Map<uint32_t> m;
    std::unordered_map<uint32_t, uint32_t> ref;
    for (int i = 0; i < 20000; ++i) {
      uint32_t k = key(rng);
      if (op(rng) == 0) {
        ASSERT_EQ(m.erase(k), ref.erase(k) == 1) << "erase " << k;
      } else {
        ++m[k];
        ++ref[k];
      }
      ASSERT_EQ(m.size(), ref.size());
      if (i % 97 == 0) {
        for (uint32_t q = 0; q < key_range; ++q) {
          auto it = ref.find(q);
          const uint32_t* v = m.find(q);
          ASSERT_EQ(v != nullptr, it != ref.end()) << "key " << q;
          if (v) {
            ASSERT_EQ(*v, it->second) << "key " << q;
          }
        }
      }
    }
  }
}

TEST(U32MapTest, ContainerValuesSurviveGrowthAndErase) {
  U32Map<std::vector<uint32_t>> m;
  for (uint32_t k = 0; k < 100; ++k) m[k].assign(k % 5 + 1, k);
  for (uint32_t k = 0; k < 100; k += 2) m.erase(k);
  for (uint32_t k = 0; k < 100; ++k) {
    const auto* v = m.find(k);
    if (k % 2 == 0) {
      EXPECT_EQ(v, nullptr) << k;
    } else {
      ASSERT_NE(v, nullptr) << k;
      EXPECT_EQ(*v, std::vector<uint32_t>(k % 5 + 1, k)) << k;
    }
  }
}

TEST(InternerTest, RefcountsAndReuse) {
  Interner in;
  uint32_t a = in.Ref("a"), b = in.Ref("b");
  EXPECT_EQ(in.Ref("a"), a);
  EXPECT_NE(a, b);
  EXPECT_EQ(in.Str(a), "a");
  EXPECT_EQ(in.Find("b"), b);
  EXPECT_EQ(in.Find("c"), Interner::kNone);
  in.Unref(a);
  EXPECT_EQ(in.Find("a"), a);  // one reference left
  in.Unref(a);
  EXPECT_EQ(in.Find("a"), Interner::kNone);
  EXPECT_EQ(in.size(), 1u);
  EXPECT_EQ(in.Ref("c"), a);  // the freed id is reused
  EXPECT_EQ(in.Str(a), "c");
  EXPECT_EQ(in.Find("b"), b);
}

TEST(InternerTest, RandomAgainstMap) {
  std::mt19937 rng(1);
  std::uniform_int_distribution<int> name(0, 300), op(0, 2);
  Interner in;
  std::map<std::string, std::pair<uint32_t, int>> ref;  // text -> (id, refs)
  for (int i = 0; i < 20000; ++i) {
    std::string s = "l" + std::to_string(name(rng));
    auto it = ref.find(s);
    if (op(rng) == 0) {
      if (it == ref.end()) continue;
      in.Unref(it->second.first);
      if (--it->second.second == 0) ref.erase(it);
    } else {
      uint32_t id = in.Ref(s);
      if (it != ref.end()) {
        ASSERT_EQ(id, it->second.first) << s;
        ++it->second.second;
      } else {
        ref[s] = {id, 1};
      }
    }
    ASSERT_EQ(in.size(), ref.size());
    if (i % 101 == 0) {
      for (int n = 0; n <= 300; ++n) {
        std::string q = "l" + std::to_string(n);
        auto r = ref.find(q);
        ASSERT_EQ(in.Find(q), r == ref.end() ? Interner::kNone : r->second.first) << q;
      }
    }
  }
}

}  // namespace
}  // namespace felix::calc
