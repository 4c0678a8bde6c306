// The cost of one observation of felix_calc_graph_update_time_seconds,
// which the agent makes for every datastore update (100,000+ in a snapshot):
// prometheus-cpp's summary against our FastSummary (docs/performance.md).
#include <prometheus/registry.h>
#include <prometheus/summary.h>

#include <benchmark/benchmark.h>

#include "daemon/fast_summary.h"

namespace {

void BM_PrometheusCppSummaryObserve(benchmark::State& state) {
  auto registry = std::make_shared<prometheus::Registry>();
  auto& s = prometheus::BuildSummary()
                .Name("x_seconds")
                .Help("x")
                .Register(*registry)
                .Add({}, prometheus::Summary::Quantiles{{0.5, 0.05}, {0.9, 0.01}, {0.99, 0.001}});
  double v = 1e-6;
  for (auto _ : state) {
    s.Observe(v);
    v = v < 1e-3 ? v * 1.01 : 1e-6;
  }
}
BENCHMARK(BM_PrometheusCppSummaryObserve);

void BM_FastSummaryObserve(benchmark::State& state) {
  felix::daemon::FastSummary s;
  int64_t ns = 1000;
  for (auto _ : state) {
    s.Observe(std::chrono::nanoseconds(ns));  // its own clock read included
    ns = ns < 1'000'000 ? ns * 101 / 100 : 1000;
  }
}
BENCHMARK(BM_FastSummaryObserve);

}  // namespace
