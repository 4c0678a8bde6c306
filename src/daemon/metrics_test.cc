// Felix's metric names and types, the labelled counters, our latency
// histogram and build info, and the process metrics, in the text form a
// Prometheus server scrapes.
#include "daemon/metrics.h"

#include <gtest/gtest.h>

#include <regex>

#include "base/build_info.h"
#include "daemon/fast_summary.h"

namespace felix::daemon {
namespace {

using std::chrono::milliseconds;

bool Has(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

// The sample value of a line `name{labels} value` / `name value`.
double Sample(const std::string& text, const std::string& series) {
  const size_t at = text.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + series.size() + 2));
}

TEST(MetricsTest, EveryFelixMetricWithItsType) {
  Metrics m;
  m.SyncState(1);
  // Labelled families show once they have a series (as in Felix).
  m.CalcUpdate(0, milliseconds(1));
  m.CalcOutput(0);
  const std::string text = m.Render();
  const std::pair<const char*, const char*> kWant[] = {
      {"felix_resync_state", "gauge"},
      {"felix_resyncs_started", "counter"},
      {"felix_calc_graph_update_time_seconds", "summary"},
      {"felix_calc_graph_updates_processed", "counter"},
      {"felix_calc_graph_output_events", "counter"},
      {"felix_int_dataplane_apply_time_seconds", "summary"},
      {"felix_int_dataplane_initial_resync_time_seconds", "gauge"},
      {"felix_int_dataplane_failures", "counter"},
      {"felix_int_dataplane_messages", "counter"},
      {"felix_active_local_endpoints", "gauge"},
      {"felix_active_local_policies", "gauge"},
      {"felix_active_local_selectors", "gauge"},
      {"felix_cluster_num_host_endpoints", "gauge"},
      {"felix_cluster_num_hosts", "gauge"},
      {"felix_cluster_num_policies", "gauge"},
      {"felix_cluster_num_profiles", "gauge"},
      {"felix_cluster_num_tiers", "gauge"},
      {"felix_cluster_num_workload_endpoints", "gauge"},
      {"felix_nft_calls", "counter"},
      {"felix_nft_errors", "counter"},
      {"felix_nft_chains", "gauge"},
      {"felix_nft_rules", "gauge"},
      {"felix_nft_sets", "gauge"},
      {"felix_log_errors", "counter"},
      {"felix_datastore_change_to_kernel_seconds", "histogram"},
      {"felix_build_info", "gauge"},
      {"process_cpu_seconds_total", "counter"},
      {"process_resident_memory_bytes", "gauge"},
      {"process_virtual_memory_bytes", "gauge"},
      {"process_open_fds", "gauge"},
      {"process_max_fds", "gauge"},
      {"process_start_time_seconds", "gauge"},
  };
  for (const auto& [name, type] : kWant) {
    EXPECT_TRUE(Has(text, std::string("# TYPE ") + name + " " + type + "\n")) << name;
    EXPECT_TRUE(Has(text, std::string("# HELP ") + name + " ")) << name;
  }
  EXPECT_EQ(Sample(text, "felix_resync_state"), 1);
  EXPECT_GT(Sample(text, "process_resident_memory_bytes"), 1e5);
  EXPECT_GT(Sample(text, "process_open_fds"), 0);
  EXPECT_GT(Sample(text, "process_start_time_seconds"), 1.6e9);  // after 2020
}

TEST(MetricsTest, ResyncsStartedCountsEntriesIntoResync) {
  Metrics m;
  for (int s : {1, 2, 2, 3, 2, 3}) m.SyncState(s);
  const std::string text = m.Render();
  EXPECT_EQ(Sample(text, "felix_resyncs_started"), 2) << text;
  EXPECT_EQ(Sample(text, "felix_resync_state"), 3);
}

TEST(MetricsTest, UpdatesAndMessagesAreCountedByFelixsTypeNames) {
  Metrics m;
  m.CalcUpdate(3, milliseconds(1));  // HostEndpointKey
  m.CalcUpdate(3, milliseconds(1));
  m.CalcUpdate(9, milliseconds(2));  // PolicyKey
  m.CalcOutput(0);                   // IPSetUpdate
  m.CalcOutput(7);                   // HostEndpointUpdate
  const std::string text = m.Render();
  EXPECT_EQ(Sample(text, "felix_calc_graph_updates_processed{type=\"HostEndpointKey\"}"), 2)
      << text;
  EXPECT_EQ(Sample(text, "felix_calc_graph_updates_processed{type=\"PolicyKey\"}"), 1);
  EXPECT_EQ(Sample(text, "felix_calc_graph_update_time_seconds_count"), 3);
  EXPECT_NEAR(Sample(text, "felix_calc_graph_update_time_seconds_sum"), 0.004, 1e-9);
  EXPECT_EQ(Sample(text, "felix_calc_graph_output_events"), 2);
  EXPECT_EQ(Sample(text, "felix_int_dataplane_messages{type=\"IPSetUpdate\"}"), 1);
  EXPECT_EQ(Sample(text, "felix_int_dataplane_messages{type=\"HostEndpointUpdate\"}"), 1);
  EXPECT_EQ(KeyTypeName(4), "WorkloadEndpointKey");
  EXPECT_EQ(MessageTypeName(12), "InSync");
  EXPECT_EQ(KeyTypeName(99), "unknown");
}

TEST(MetricsTest, TransactionsLatencyAndGauges) {
  Metrics m;
  m.Transaction(milliseconds(800), true, /*initial=*/true);
  m.Transaction(milliseconds(4), true, false);
  m.Transaction(milliseconds(6), false, false);
  m.ChangeToKernel(milliseconds(3));
  m.ChangeToKernel(milliseconds(40));
  Metrics::Gauges g;
  g.cluster_hosts = 7;
  g.nft_rules = 1234;
  m.SetGauges(g);
  const std::string text = m.Render();
  EXPECT_DOUBLE_EQ(Sample(text, "felix_int_dataplane_initial_resync_time_seconds"), 0.8);
  EXPECT_EQ(Sample(text, "felix_int_dataplane_apply_time_seconds_count"), 1);
  EXPECT_EQ(Sample(text, "felix_int_dataplane_failures"), 1);
  EXPECT_EQ(Sample(text, "felix_nft_calls"), 3);
  EXPECT_EQ(Sample(text, "felix_nft_errors"), 1);
  EXPECT_EQ(Sample(text, "felix_datastore_change_to_kernel_seconds_count"), 2);
  EXPECT_EQ(Sample(text, "felix_datastore_change_to_kernel_seconds_bucket{le=\"0.005\"}"), 1);
  EXPECT_EQ(Sample(text, "felix_datastore_change_to_kernel_seconds_bucket{le=\"0.05\"}"), 2);
  EXPECT_EQ(Sample(text, "felix_cluster_num_hosts"), 7);
  EXPECT_EQ(Sample(text, "felix_nft_rules"), 1234);
}

TEST(MetricsTest, BuildInfoNamesVersionAndCommit) {
  const std::string text = Metrics().Render();
  const std::string series = "felix_build_info{git_commit=\"" + std::string(BuildCommit()) +
                             "\",version=\"" + std::string(BuildVersion()) + "\"}";
  EXPECT_EQ(Sample(text, series), 1) << text;
  EXPECT_TRUE(std::regex_match(std::string(BuildVersion()), std::regex(R"(\d+\.\d+\.\d+)")));
  EXPECT_FALSE(BuildCommit().empty());
}

TEST(FastSummaryTest, BucketsAreMonotonicAndTheirEdgesWithinAQuarterOctave) {
  int last = -1;
  for (uint64_t ns = 0; ns < (uint64_t{1} << 33); ns = ns * 9 / 8 + 1) {
    const int b = FastSummary::Bucket(ns);
    EXPECT_GE(b, last) << ns;
    last = b;
    if (b < FastSummary::kBuckets - 1) {
      EXPECT_LT(static_cast<double>(ns), FastSummary::UpperNs(b)) << ns;
      EXPECT_LE(FastSummary::UpperNs(b), std::max(4.0, 1.26 * static_cast<double>(ns) + 1)) << ns;
    }
  }
  EXPECT_EQ(FastSummary::Bucket(uint64_t{1} << 40), FastSummary::kBuckets - 1);
}

TEST(FastSummaryTest, QuantilesOfTheRecentWindowCountAndSumOfAll) {
  FastSummary s;
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 1; i <= 1000; ++i) s.Observe(std::chrono::microseconds(i), t0);
  auto f = s.Collect("x_seconds", "help");
  ASSERT_EQ(f.metric.size(), 1u);
  const auto& m = f.metric[0].summary;
  EXPECT_EQ(m.sample_count, 1000u);
  EXPECT_NEAR(m.sample_sum, 0.5005, 1e-9);
  ASSERT_EQ(m.quantile.size(), 3u);
  EXPECT_NEAR(m.quantile[0].value, 500e-6, 500e-6 * 0.26);  // within a bucket
  EXPECT_NEAR(m.quantile[2].value, 990e-6, 990e-6 * 0.26);
  // Ten minutes later both halves have turned over: only the new values.
  s.Observe(std::chrono::seconds(1), t0 + std::chrono::minutes(5));
  s.Observe(std::chrono::seconds(1), t0 + std::chrono::minutes(10));
  f = s.Collect("x_seconds", "help");
  EXPECT_NEAR(f.metric[0].summary.quantile[0].value, 1.0, 0.26);
  EXPECT_EQ(f.metric[0].summary.sample_count, 1002u);
}

}  // namespace
}  // namespace felix::daemon
