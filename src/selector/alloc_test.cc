// Asserts that Selector::Evaluate never allocates. This binary replaces the
// global operator new/delete with counting versions (the standard's own
// replacement mechanism), so every heap allocation in the process is seen.
#include <atomic>
#include <cstdlib>
#include <new>

#include "gtest/gtest.h"
#include "selector/selector.h"

namespace {
std::atomic<long> g_allocations{0};
}  // namespace

// GCC flags free() of memory from operator new even though both sides are
// replaced here and use malloc/free consistently.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpragmas"
#pragma GCC diagnostic ignored "-Wunknown-warning-option"
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return operator new(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
#pragma GCC diagnostic pop

namespace felix::selector {
namespace {

TEST(SelectorAllocTest, EvaluateDoesNotAllocate) {
  const char* kSelectors[] = {
      "",
      "global()",
      "has(role) && !has(x)",
      "role == 'web' || role != 'db'",
      "tier in {'frontend', 'backend', 'cache'} && env not in {'dev', 'test'}",
      "app contains 'pay' || app starts with 'web-' || app ends with '-api'",
      "!((role == 'web' && has(tier)) || (role == 'db' && tier not in {'x'}))",
  };
  Labels labels = {{"role", "web"},
                   {"tier", "frontend"},
                   {"env", "prod"},
                   {"app", "web-payments-api"},
                   {"calico/k8s_ns", "default"}};
  Labels empty;
  for (const char* text : kSelectors) {
    auto sel = Parse(text);
    ASSERT_TRUE(sel.ok()) << text;
    MapLabels source(labels), empty_source(empty);
    long before = g_allocations.load();
    bool sink = false;
    for (int i = 0; i < 100; ++i) {
      sink ^= sel->Evaluate(source);
      sink ^= sel->Evaluate(empty_source);
      sink ^= sel->Evaluate(labels);
    }
    long after = g_allocations.load();
    EXPECT_EQ(after - before, 0) << text << " (sink " << sink << ")";
  }
}

TEST(SelectorAllocTest, CounterSeesAllocations) {
  long before = g_allocations.load();
  auto sel = Parse("role == 'web'");
  EXPECT_GT(g_allocations.load(), before);
}

}  // namespace
}  // namespace felix::selector
