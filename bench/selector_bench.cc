// Google Benchmark of the selector layer: Parse() and Evaluate() of five
// realistic selectors against realistic endpoint label maps (15 labels, one
// matching and one not). Figures and the command are in docs/performance.md.
#include <benchmark/benchmark.h>

#include <string>

#include "selector/selector.h"

namespace {

using felix::selector::Labels;
using felix::selector::Parse;

const char* const kSelectors[] = {
    // 0: the guide's policy selector
    "role == \"mgmt\"",
    // 1: a typical two-term policy selector
    "role == 'web' && has(calico/k8s_ns)",
    // 2: sets and negation
    "tier in {'frontend', 'backend', 'cache'} && env not in {'dev', 'test'} && !has(quarantine)",
    // 3: string matches and ||
    "app starts with 'payments-' || app ends with '-api' || team contains 'checkout'",
    // 4: a long nested selector
    "(role == 'web' || role == 'api') && (env == 'prod' || env == 'staging') && "
    "zone in {'eu-west-1a', 'eu-west-1b', 'eu-west-1c'} && has(owner) && "
    "!(maintenance == 'true') && version != 'v0'",
};

Labels Endpoint(bool matching) {
  Labels l = {
      {"app", matching ? "payments-api" : "batch"},
      {"calico/k8s_ns", "shop-prod"},
      {"env", matching ? "prod" : "dev"},
      {"owner", "team-checkout"},
      {"role", matching ? "web" : "worker"},
      {"team", "checkout"},
      {"tier", "frontend"},
      {"version", "v3"},
      {"zone", "eu-west-1b"},
      {"pod-template-hash", "6d4cf56db6"},
      {"app.kubernetes.io/name", "payments"},
      {"app.kubernetes.io/instance", "payments-7"},
      {"app.kubernetes.io/component", "server"},
      {"app.kubernetes.io/part-of", "shop"},
      {"projectcalico.org/orchestrator", "k8s"},
  };
  return l;
}

void BM_Parse(benchmark::State& state) {
  const char* text = kSelectors[state.range(0)];
  for (auto _ : state) {
    auto sel = Parse(text);
    benchmark::DoNotOptimize(sel);
  }
}
BENCHMARK(BM_Parse)->DenseRange(0, 4);

void BM_Evaluate(benchmark::State& state) {
  auto sel = Parse(kSelectors[state.range(0)]);
  if (!sel.ok()) {
    state.SkipWithError(sel.status().message().c_str());
    return;
  }
  const Labels labels = Endpoint(state.range(1) != 0);
  for (auto _ : state) {
    bool m = sel->Evaluate(labels);
    benchmark::DoNotOptimize(m);
  }
}
// Args: {selector index, 1 = matching endpoint / 0 = non-matching}.
BENCHMARK(BM_Evaluate)->ArgsProduct({{0, 1, 2, 3, 4}, {1, 0}});

}  // namespace
