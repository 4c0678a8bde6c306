// Google Benchmark of the calc graph, in the shapes of DESIGN §6 (after
// Felix's own calc benchmarks): a full snapshot, endpoint label churn against
// 10,000 selectors, one policy selector change with 100,000 endpoints loaded,
// and memory per remote endpoint. Figures and commands: docs/performance.md.
//
// Workload: endpoints carry 5-10 labels drawn from kLabelNames names (plus a
// namespace label), so a has(label) selector matches ~0.15 % of endpoints;
// every policy selects has(lX) and has 5 rules whose src/dst selectors are
// has(lY). Endpoints are generated on the fly from a compact description, so
// the benchmark's own memory stays small against the graph's.
#include <benchmark/benchmark.h>

#include <malloc.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "calc/calc.h"

namespace {

using namespace felix;

constexpr int kLabelNames = 5000;
constexpr const char* kLocalHost = "myhost";

// Counts what a flush produced.
class CountingSink final : public calc::MessageSink {
 public:
  void OnMessage(const calc::Message& m) override {
    ++messages;
    if (auto* u = std::get_if<calc::IpSetUpdate>(&m)) {
      ++ip_sets;
      members += static_cast<long>(u->members.size());
    }
  }
  long messages = 0, ip_sets = 0, members = 0;
};

// A /proc/self/status field in bytes (VmRSS, VmHWM).
double ProcStatusBytes(const char* field) {
  FILE* f = std::fopen("/proc/self/status", "r");
  if (!f) return 0;
  char line[256];
  double kb = 0;
  const size_t n = std::strlen(field);
  while (std::fgets(line, sizeof line, f)) {
    if (std::strncmp(line, field, n) == 0 && line[n] == ':') kb = std::atof(line + n + 1);
  }
  std::fclose(f);
  return kb * 1024;
}

// Bytes of heap in use: small chunks (uordblks) plus mmap'd large ones
// (hblkhd), e.g. big vectors.
double HeapInUse() {
  struct mallinfo2 mi = mallinfo2();
  return static_cast<double>(mi.uordblks + mi.hblkhd);
}

struct EndpointSpec {
  int index;
  std::vector<uint16_t> labels;  // label name numbers
};

std::vector<uint16_t> DrawLabels(std::mt19937& rng) {
  std::uniform_int_distribution<int> count(5, 10), name(0, kLabelNames - 1);
  std::vector<uint16_t> out(count(rng));
  for (auto& l : out) l = static_cast<uint16_t>(name(rng));
  return out;
}

model::WorkloadEndpointKey EndpointKey(int index, int locals) {
  // Locals live on kLocalHost; the others 100 per remote host.
  std::string host = index < locals ? kLocalHost : "host-" + std::to_string(index / 100);
  return {host, "k8s", "wl-" + std::to_string(index), "eth0"};
}

model::Value EndpointValue(const EndpointSpec& s) {
  model::WorkloadEndpoint ep;
  ep.state = "active";
  ep.name = "cali" + std::to_string(s.index);
  model::Cidr net;
  net.addr.family = 4;
  net.addr.bytes[0] = 10;
  net.addr.bytes[1] = static_cast<uint8_t>(s.index >> 16);
  net.addr.bytes[2] = static_cast<uint8_t>(s.index >> 8);
  net.addr.bytes[3] = static_cast<uint8_t>(s.index);
  net.prefix = 32;
  ep.ipv4_nets.push_back(net);
  ep.labels["calico/k8s_ns"] = "ns-" + std::to_string(s.index % 50);
  for (uint16_t l : s.labels) ep.labels["l" + std::to_string(l)] = "v" + std::to_string(l % 7);
  return ep;
}

model::Value PolicyValue(int selector_label, const std::vector<int>& rule_labels) {
  model::Policy p{
      *selector::Parse("has(l" + std::to_string(selector_label) + ")"), {}, {}, {}, false};
  for (size_t i = 0; i < rule_labels.size(); ++i) {
    model::Rule r;
    auto sel = *selector::Parse("has(l" + std::to_string(rule_labels[i]) + ")");
    (i % 2 == 0 ? r.match.src_selector : r.match.dst_selector) = sel;
    (i < 3 ? p.inbound : p.outbound).push_back(r);
  }
  return p;
}

model::Key PolicyKey(int i) { return model::PolicyKey{"default", "pol-" + std::to_string(i)}; }

// Loads `policies` policies of 5 rules each into `graph`.
void LoadPolicies(calc::CalcGraph& graph, int policies, std::mt19937& rng) {
  std::uniform_int_distribution<int> name(0, kLabelNames - 1);
  for (int i = 0; i < policies; ++i) {
    std::vector<int> rules;
    for (int r = 0; r < 5; ++r) rules.push_back(name(rng));
    graph.OnUpdate(PolicyKey(i), PolicyValue(name(rng), rules));
  }
}

std::vector<EndpointSpec> MakeEndpoints(int count, std::mt19937& rng) {
  std::vector<EndpointSpec> out;
  out.reserve(count);
  for (int i = 0; i < count; ++i) out.push_back({i, DrawLabels(rng)});
  return out;
}

void LoadEndpoints(calc::CalcGraph& graph, const std::vector<EndpointSpec>& eps, int locals) {
  for (const auto& s : eps) graph.OnUpdate(EndpointKey(s.index, locals), EndpointValue(s));
}

// Endpoint updates, built ahead of the timed region.
using Updates = std::vector<std::pair<model::Key, std::optional<model::Value>>>;

Updates EndpointUpdates(const std::vector<EndpointSpec>& eps, size_t from, size_t to, int locals) {
  Updates out;
  out.reserve(to - from);
  for (size_t i = from; i < to; ++i) {
    out.emplace_back(EndpointKey(eps[i].index, locals), EndpointValue(eps[i]));
  }
  return out;
}

// (a) 200 local / 250,000 total endpoints / 10,000 policies of 5 rules,
// OnInSync, one flush into a counting sink. Timed: constructing the graph,
// every OnUpdate, OnInSync and the Flush. Not timed: building the model
// values fed to OnUpdate (done in chunks of 10,000 endpoints with the timer
// paused, so that they never all sit in memory at once) and the teardown.
void BM_Snapshot(benchmark::State& state) {
  const int total = static_cast<int>(state.range(0)), locals = 200, policies = 10000;
  constexpr size_t kChunk = 10000;
  for (auto _ : state) {
    state.PauseTiming();
    std::mt19937 rng(42);
    auto eps = MakeEndpoints(total, rng);
    Updates policy_updates;
    std::uniform_int_distribution<int> name(0, kLabelNames - 1);
    for (int i = 0; i < policies; ++i) {
      std::vector<int> rules;
      for (int r = 0; r < 5; ++r) rules.push_back(name(rng));
      policy_updates.emplace_back(PolicyKey(i), PolicyValue(name(rng), rules));
    }
    CountingSink sink;
    state.ResumeTiming();
    auto graph = std::make_unique<calc::CalcGraph>(kLocalHost, calc::DataplaneConfig{});
    for (const auto& [k, v] : policy_updates) graph->OnUpdate(k, v);
    for (size_t from = 0; from < eps.size(); from += kChunk) {
      state.PauseTiming();
      Updates chunk = EndpointUpdates(eps, from, std::min(eps.size(), from + kChunk), locals);
      state.ResumeTiming();
      for (const auto& [k, v] : chunk) graph->OnUpdate(k, v);
      state.PauseTiming();
      chunk = {};
      state.ResumeTiming();
    }
    graph->OnInSync();
    graph->Flush(sink);
    state.PauseTiming();  // teardown is not part of the snapshot
    graph.reset();
    state.ResumeTiming();
    state.counters["messages"] = static_cast<double>(sink.messages);
    state.counters["ip_sets"] = static_cast<double>(sink.ip_sets);
    state.counters["ip_set_members"] = static_cast<double>(sink.members);
  }
  state.counters["peak_rss_MB"] = ProcStatusBytes("VmHWM") / 1e6;
}
BENCHMARK(BM_Snapshot)->Arg(250000)->Iterations(1)->Unit(benchmark::kMillisecond);

// (b) endpoint label churn: 10,000 endpoints (200 local) against 10,000
// policies (10,000 policy selectors + the rule selectors of the active
// ones); each update replaces one label of a random endpoint; a flush every
// 100 updates.
void BM_LabelChurn(benchmark::State& state) {
  std::mt19937 rng(7);
  const int total = 10000, locals = 200;
  auto eps = MakeEndpoints(total, rng);
  calc::CalcGraph graph(kLocalHost, calc::DataplaneConfig{});
  LoadPolicies(graph, 10000, rng);
  LoadEndpoints(graph, eps, locals);
  graph.OnInSync();
  CountingSink sink;
  graph.Flush(sink);
  std::uniform_int_distribution<int> pick(0, total - 1), name(0, kLabelNames - 1);
  long updates = 0;
  for (auto _ : state) {
    for (int i = 0; i < 100; ++i) {
      auto& s = eps[pick(rng)];
      s.labels[0] = static_cast<uint16_t>(name(rng));
      graph.OnUpdate(EndpointKey(s.index, locals), EndpointValue(s));
    }
    graph.Flush(sink);
    updates += 100;
  }
  state.counters["updates_per_s"] =
      benchmark::Counter(static_cast<double>(updates), benchmark::Counter::kIsRate);
  state.counters["messages_per_flush"] =
      static_cast<double>(sink.messages) / static_cast<double>(state.iterations() + 1);
}
BENCHMARK(BM_LabelChurn)->Unit(benchmark::kMillisecond);

// (c) one policy's selector and rule selectors change (alternating between
// two versions) with 100,000 endpoints (200 local) and 1,000 policies loaded;
// time per change + flush.
void BM_PolicySelectorChange(benchmark::State& state) {
  std::mt19937 rng(11);
  const int total = 100000, locals = 200;
  auto eps = MakeEndpoints(total, rng);
  calc::CalcGraph graph(kLocalHost, calc::DataplaneConfig{});
  LoadPolicies(graph, 1000, rng);
  LoadEndpoints(graph, eps, locals);
  graph.OnInSync();
  CountingSink sink;
  graph.Flush(sink);
  // Two versions of policy 0, both selecting local endpoint 0.
  const int a = eps[0].labels[0], b = eps[0].labels[1];
  const model::Value v1 = PolicyValue(a, {1, 2, 3, 4, 5});
  const model::Value v2 = PolicyValue(b, {6, 7, 8, 9, 10});
  bool flip = false;
  for (auto _ : state) {
    graph.OnUpdate(PolicyKey(0), flip ? v1 : v2);
    graph.Flush(sink);
    flip = !flip;
  }
  state.counters["messages_per_change"] =
      static_cast<double>(sink.messages) / static_cast<double>(state.iterations() + 1);
}
BENCHMARK(BM_PolicySelectorChange)->Unit(benchmark::kMicrosecond);

// (d) heap growth per remote endpoint: 100 policies (500 rule selectors)
// loaded, all selecting the one local endpoint so that they are active; the
// 100,000 remote endpoints' model values are built first; then the heap in
// use (mallinfo2() uordblks + hblkhd: bytes allocated and not freed, so not fooled by
// freed memory being reused, unlike RSS) is read before and after adding them
// and flushing. The inputs are excluded (built before the first reading,
// freed after the second).
void BM_MemoryPerRemoteEndpoint(benchmark::State& state) {
  const int count = 100000;
  for (auto _ : state) {
    std::mt19937 rng(3);
    auto eps = MakeEndpoints(count + 1, rng);
    calc::CalcGraph graph(kLocalHost, calc::DataplaneConfig{});
    std::uniform_int_distribution<int> name(0, kLabelNames - 1);
    for (int i = 0; i < 100; ++i) {  // all selecting the local endpoint
      std::vector<int> rules;
      for (int r = 0; r < 5; ++r) rules.push_back(name(rng));
      const auto& own = eps[0].labels;
      graph.OnUpdate(PolicyKey(i), PolicyValue(own[i % own.size()], rules));
    }
    graph.OnUpdate(EndpointKey(0, 1), EndpointValue(eps[0]));
    CountingSink sink;
    graph.Flush(sink);
    Updates updates = EndpointUpdates(eps, 1, eps.size(), 1);
    long labels = 0;
    for (const auto& [k, v] : updates) {
      labels += static_cast<long>(std::get<model::WorkloadEndpoint>(*v).labels.size());
    }
    const double heap_before = HeapInUse();
    const double rss_before = ProcStatusBytes("VmRSS");
    for (const auto& [k, v] : updates) graph.OnUpdate(k, v);
    graph.Flush(sink);
    const double heap_after = HeapInUse();
    const double rss_after = ProcStatusBytes("VmRSS");
    state.counters["heap_bytes_per_endpoint"] = (heap_after - heap_before) / count;
    state.counters["rss_bytes_per_endpoint"] = (rss_after - rss_before) / count;
    state.counters["labels_per_endpoint"] = static_cast<double>(labels) / count;
  }
}
BENCHMARK(BM_MemoryPerRemoteEndpoint)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
