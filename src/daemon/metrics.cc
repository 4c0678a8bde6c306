// Metrics (metrics.h) on prometheus-cpp's core registry and text serializer;
// the process_* families are read from /proc when scraped, as the Go and
// Python clients' process collectors do.
#include "daemon/metrics.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/summary.h>
#include <prometheus/text_serializer.h>
#include <array>
#include <atomic>
#include <fstream>
#include <mutex>
#include <sstream>

#include "base/build_info.h"
#include "base/log.h"
#include "calc/messages.h"
#include "daemon/fast_summary.h"
#include "model/keys.h"

namespace felix::daemon {
namespace {

using prometheus::BuildCounter;
using prometheus::BuildGauge;
using prometheus::BuildHistogram;
using prometheus::BuildSummary;

// Felix's summaries: median, 90th and 99th percentile over the last 10 min.
prometheus::Summary::Quantiles FelixQuantiles() {
  return {{0.5, 0.05}, {0.9, 0.01}, {0.99, 0.001}};
}

prometheus::MetricFamily Single(const char* name, const char* help, prometheus::MetricType type,
                                double value) {
  prometheus::ClientMetric m;
  if (type == prometheus::MetricType::Counter) {
    m.counter.value = value;
  } else {
    m.gauge.value = value;
  }
  return {name, help, type, {m}};
}

// /proc/self/stat fields after the command: utime 14, stime 15,
// starttime 22 (clock ticks since boot), vsize 23 (bytes), rss 24 (pages).
std::vector<prometheus::MetricFamily> ProcessFamilies() {
  std::vector<prometheus::MetricFamily> out;
  std::ifstream stat("/proc/self/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), {});
  const size_t close = text.rfind(')');
  if (close == std::string::npos) return out;
  std::istringstream in(text.substr(close + 2));
  std::vector<std::string> f;  // f[0] is field 3 (state)
  for (std::string w; in >> w;) f.push_back(w);
  if (f.size() < 22) return out;
  auto field = [&](int n) { return std::stod(f[static_cast<size_t>(n - 3)]); };
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  double boot = 0;
  std::ifstream s("/proc/stat");
  for (std::string line; std::getline(s, line);) {
    if (line.starts_with("btime ")) boot = std::stod(line.substr(6));
  }
  size_t fds = 0;
  if (DIR* d = opendir("/proc/self/fd")) {
    while (const dirent* e = readdir(d)) fds += e->d_name[0] == '.' ? 0 : 1;
    closedir(d);
    fds -= 1;  // the directory stream's own descriptor
  }
  rlimit lim{};
  getrlimit(RLIMIT_NOFILE, &lim);
  using T = prometheus::MetricType;
  out.push_back(Single("process_cpu_seconds_total",
                       "Total user and system CPU time spent in seconds.", T::Counter,
                       (field(14) + field(15)) / ticks));
  out.push_back(Single("process_open_fds", "Number of open file descriptors.", T::Gauge,
                       static_cast<double>(fds)));
  out.push_back(Single("process_max_fds", "Maximum number of open file descriptors.", T::Gauge,
                       static_cast<double>(lim.rlim_cur)));
  out.push_back(
      Single("process_virtual_memory_bytes", "Virtual memory size in bytes.", T::Gauge, field(23)));
  out.push_back(Single("process_resident_memory_bytes", "Resident memory size in bytes.", T::Gauge,
                       field(24) * page));
  out.push_back(Single("process_start_time_seconds",
                       "Start time of the process since unix epoch in seconds.", T::Gauge,
                       boot + field(22) / ticks));
  return out;
}

}  // namespace

struct Metrics::Impl {
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  prometheus::Gauge& resync_state = BuildGauge()
                                        .Name("felix_resync_state")
                                        .Help("Current datastore state.")
                                        .Register(*registry)
                                        .Add({});
  prometheus::Counter& resyncs_started =
      BuildCounter()
          .Name("felix_resyncs_started")
          .Help("Number of times Felix has started resyncing with the datastore.")
          .Register(*registry)
          .Add({});
  prometheus::Family<prometheus::Counter>& updates_processed =
      BuildCounter()
          .Name("felix_calc_graph_updates_processed")
          .Help("Number of datastore updates processed by the calculation graph.")
          .Register(*registry);
  FastSummary update_time;  // observed per datastore update: prometheus-cpp's is too slow
  prometheus::Counter& output_events =
      BuildCounter()
          .Name("felix_calc_graph_output_events")
          .Help("Number of events emitted by the calculation graph.")
          .Register(*registry)
          .Add({});
  prometheus::Summary& apply_time =
      BuildSummary()
          .Name("felix_int_dataplane_apply_time_seconds")
          .Help(
              "Time in seconds for each incremental update to the dataplane (after the "
              "initial resync).")
          .Register(*registry)
          .Add({}, FelixQuantiles());
  prometheus::Gauge& initial_resync =
      BuildGauge()
          .Name("felix_int_dataplane_initial_resync_time_seconds")
          .Help(
              "Time in seconds that it took to do the initial resync with the dataplane and "
              "bring the dataplane into sync for the first time.")
          .Register(*registry)
          .Add({});
  prometheus::Counter& failures =
      BuildCounter()
          .Name("felix_int_dataplane_failures")
          .Help("Number of times dataplane updates failed and will be retried.")
          .Register(*registry)
          .Add({});
  prometheus::Family<prometheus::Counter>& messages =
      BuildCounter()
          .Name("felix_int_dataplane_messages")
          .Help("Number dataplane messages by type.")
          .Register(*registry);
  prometheus::Counter& nft_calls =
      BuildCounter()
          .Name("felix_nft_calls")
          .Help("Number of nftables transactions sent (one netlink batch each).")
          .Register(*registry)
          .Add({});
  prometheus::Counter& nft_errors =
      BuildCounter()
          .Name("felix_nft_errors")
          .Help("Number of nftables transactions the kernel rejected.")
          .Register(*registry)
          .Add({});
  prometheus::Histogram& change_to_kernel =
      BuildHistogram()
          .Name("felix_datastore_change_to_kernel_seconds")
          .Help(
              "Seconds from a datastore event's arrival to the end of the nftables "
              "transaction that carried it to the kernel.")
          .Register(*registry)
          .Add({},
               prometheus::Histogram::BucketBoundaries{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                       0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30});
  prometheus::Family<prometheus::Gauge>& build_info =
      BuildGauge()
          .Name("felix_build_info")
          .Help("Always 1; the labels say which Felix++ this is.")
          .Register(*registry);

  prometheus::Gauge& Gauge(const char* name, const char* help) {
    return BuildGauge().Name(name).Help(help).Register(*registry).Add({});
  }
  prometheus::Gauge& local_endpoints =
      Gauge("felix_active_local_endpoints", "Number of active endpoints on this host.");
  prometheus::Gauge& local_policies =
      Gauge("felix_active_local_policies", "Number of active policies on this host.");
  prometheus::Gauge& local_selectors =
      Gauge("felix_active_local_selectors", "Number of active selectors on this host.");
  prometheus::Gauge& hosts =
      Gauge("felix_cluster_num_hosts", "Total number of Calico hosts in the cluster.");
  prometheus::Gauge& host_endpoints =
      Gauge("felix_cluster_num_host_endpoints", "Total number of host endpoints cluster-wide.");
  prometheus::Gauge& workload_endpoints = Gauge("felix_cluster_num_workload_endpoints",
                                                "Total number of workload endpoints cluster-wide.");
  prometheus::Gauge& policies =
      Gauge("felix_cluster_num_policies", "Total number of policies cluster-wide.");
  prometheus::Gauge& profiles =
      Gauge("felix_cluster_num_profiles", "Total number of profiles cluster-wide.");
  prometheus::Gauge& tiers =
      Gauge("felix_cluster_num_tiers", "Total number of tiers cluster-wide.");
  prometheus::Gauge& nft_chains =
      Gauge("felix_nft_chains", "Number of chains in table inet calico.");
  prometheus::Gauge& nft_rules = Gauge("felix_nft_rules", "Number of rules in table inet calico.");
  prometheus::Gauge& nft_sets =
      Gauge("felix_nft_sets", "Number of sets and maps in table inet calico.");

  // The labelled counters by alternative index, made on first use (a
  // family lookup per update would cost more than the update).
  template <size_t N>
  prometheus::Counter& ByType(prometheus::Family<prometheus::Counter>& family,
                              std::array<std::atomic<prometheus::Counter*>, N>& cache, size_t i,
                              std::string_view name) {
    const size_t slot = i < N ? i : N - 1;
    prometheus::Counter* c = cache[slot].load(std::memory_order_acquire);
    if (c == nullptr) {
      c = &family.Add({{"type", std::string(name)}});  // the family dedups racing adds
      cache[slot].store(c, std::memory_order_release);
    }
    return *c;
  }
  std::array<std::atomic<prometheus::Counter*>, std::variant_size_v<model::Key> + 1>
      updates_by_key{};
  std::array<std::atomic<prometheus::Counter*>, std::variant_size_v<calc::Message> + 1>
      messages_by_kind{};

  int last_state = 0;
  std::mutex mu;  // last_state
};

Metrics::Metrics() : impl_(std::make_unique<Impl>()) {
  impl_->build_info
      .Add({{"version", std::string(BuildVersion())}, {"git_commit", std::string(BuildCommit())}})
      .Set(1);
}
Metrics::~Metrics() = default;

void Metrics::SyncState(int state) {
  std::lock_guard lock(impl_->mu);
  impl_->resync_state.Set(state);
  if (state == 2 && impl_->last_state != 2) impl_->resyncs_started.Increment();
  impl_->last_state = state;
}

void Metrics::CalcUpdate(size_t key_index, std::chrono::nanoseconds took) {
  impl_->ByType(impl_->updates_processed, impl_->updates_by_key, key_index, KeyTypeName(key_index))
      .Increment();
  impl_->update_time.Observe(took);
}

void Metrics::CalcOutput(size_t message_index) {
  impl_->output_events.Increment();
  impl_
      ->ByType(impl_->messages, impl_->messages_by_kind, message_index,
               MessageTypeName(message_index))
      .Increment();
}

void Metrics::Transaction(std::chrono::nanoseconds took, bool ok, bool initial) {
  const double s = std::chrono::duration<double>(took).count();
  impl_->nft_calls.Increment();
  if (!ok) {
    impl_->nft_errors.Increment();
    impl_->failures.Increment();
    return;
  }
  if (initial) {
    impl_->initial_resync.Set(s);
  } else {
    impl_->apply_time.Observe(s);
  }
}

void Metrics::ChangeToKernel(std::chrono::nanoseconds latency) {
  impl_->change_to_kernel.Observe(std::chrono::duration<double>(latency).count());
}

void Metrics::SetGauges(const Gauges& g) {
  impl_->local_endpoints.Set(g.active_local_endpoints);
  impl_->local_policies.Set(g.active_local_policies);
  impl_->local_selectors.Set(g.active_local_selectors);
  impl_->hosts.Set(g.cluster_hosts);
  impl_->host_endpoints.Set(g.cluster_host_endpoints);
  impl_->workload_endpoints.Set(g.cluster_workload_endpoints);
  impl_->policies.Set(g.cluster_policies);
  impl_->profiles.Set(g.cluster_profiles);
  impl_->tiers.Set(g.cluster_tiers);
  impl_->nft_chains.Set(g.nft_chains);
  impl_->nft_rules.Set(g.nft_rules);
  impl_->nft_sets.Set(g.nft_sets);
}

std::string Metrics::Render() const {
  std::vector<prometheus::MetricFamily> families = impl_->registry->Collect();
  families.push_back(impl_->update_time.Collect(
      "felix_calc_graph_update_time_seconds",
      "Seconds to update calculation graph for each datastore OnUpdate call."));
  families.push_back(Single("felix_log_errors", "Number of errors encountered while logging.",
                            prometheus::MetricType::Counter,
                            static_cast<double>(LogWriteErrors())));
  for (auto& f : ProcessFamilies()) families.push_back(std::move(f));
  return prometheus::TextSerializer().Serialize(families);
}

std::string_view KeyTypeName(size_t key_index) {
  // libcalico-go's model type names, as Felix labels its counters.
  static constexpr std::string_view kNames[] = {
      "ReadyFlagKey",    "GlobalConfigKey",     "HostConfigKey",
      "HostEndpointKey", "WorkloadEndpointKey", "ProfileRulesKey",
      "ProfileTagsKey",  "ProfileLabelsKey",    "TierKey",
      "PolicyKey",       "HostIPKey",           "IPPoolKey",
      "NetworkSetKey"};
  static_assert(std::size(kNames) == std::variant_size_v<model::Key>);
  return key_index < std::size(kNames) ? kNames[key_index] : "unknown";
}

std::string_view MessageTypeName(size_t message_index) {
  // Felix's protobuf message names.
  static constexpr std::string_view kNames[] = {"IPSetUpdate",
                                                "IPSetDeltaUpdate",
                                                "IPSetRemove",
                                                "ActivePolicyUpdate",
                                                "ActivePolicyRemove",
                                                "ActiveProfileUpdate",
                                                "ActiveProfileRemove",
                                                "HostEndpointUpdate",
                                                "HostEndpointRemove",
                                                "WorkloadEndpointUpdate",
                                                "WorkloadEndpointRemove",
                                                "ConfigUpdate",
                                                "InSync"};
  static_assert(std::size(kNames) == std::variant_size_v<calc::Message>);
  return message_index < std::size(kNames) ? kNames[message_index] : "unknown";
}

}  // namespace felix::daemon
