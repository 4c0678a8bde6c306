// Dataplane benchmarks (root; each runs in a throwaway network namespace):
// apply latency of one set element change and of one policy change with
// 1,000 policies and 10,000 set members programmed, beside the same change
// applied with `nft -f` from a file (the floor); full program time for 200
// local endpoints with 2,000 policies; the packet path: iperf3 TCP
// throughput across a veth into a host endpoint with 1,000 policies, against
// no firewall. Figures in docs/performance.md.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>

#include <nlohmann/json.hpp>

#include <benchmark/benchmark.h>

#include "dataplane/dataplane.h"
#include "dataplane/netns.h"

namespace felix::dataplane {
namespace {

// Records the last successful script, forwarding to libnftables.
class TeeBackend : public NftBackend {
 public:
  explicit TeeBackend(std::unique_ptr<NftBackend> real) : real_(std::move(real)) {}
  Status Run(const std::string& script) override {
    Status st = real_->Run(script);
    if (st.ok()) last = script;
    return st;
  }
  Status Commit(const DirectChange& c) override {
    Status st = real_->Commit(c);
    if (st.ok()) last = DirectChangeScript(c);
    return st;
  }
  Result<uint32_t> Generation() override { return real_->Generation(); }
  Result<TableShape> ReadShape() override { return real_->ReadShape(); }
  Status Check(const std::string& script) override { return real_->Check(script); }
  std::string last;

 private:
  std::unique_ptr<NftBackend> real_;
};

model::Cidr Member(int i) {
  return *model::ParseCidr(fmt::format("10.{}.{}.{}/32", 100 + i / 65536, (i / 256) % 256, i % 256),
                           4);
}

calc::ActivePolicyUpdate Policy(int i, int port) {
  calc::ActivePolicyUpdate p;
  p.id = {"default", fmt::format("pol-{:05}", i)};
  for (int r = 0; r < 3; ++r) {
    calc::Rule rule;
    rule.match.protocol = "tcp";
    rule.match.dst_ports = std::vector<model::PortRange>{{port + r, port + r}};
    rule.match.src_ip_set_ids = {fmt::format("set-{}", i % 100)};
    p.inbound.push_back(rule);
  }
  calc::Rule out;
  out.match.protocol = "udp";
  p.outbound = {out};
  return p;
}

// Sets: 100 sets of `members / 100` members; `policies` policies; `endpoints`
// named host endpoints, each with `per_endpoint` policies.
std::vector<calc::Message> Snapshot(int members, int policies, int endpoints, int per_endpoint) {
  std::vector<calc::Message> msgs;
  for (int s = 0; s < 100; ++s) {
    calc::IpSetUpdate u{fmt::format("set-{}", s), {}};
    for (int m = s; m < members; m += 100) u.members.push_back(Member(m));
    std::sort(u.members.begin(), u.members.end());
    msgs.push_back(u);
  }
  for (int i = 0; i < policies; ++i) msgs.push_back(Policy(i, 1000));
  for (int e = 0; e < endpoints; ++e) {
    calc::HostEndpointUpdate h;
    h.id.endpoint = fmt::format("ep-{}", e);
    h.name = fmt::format("eth{}", e);
    calc::TierInfo tier{"default", {}};
    for (int k = 0; k < per_endpoint; ++k) {
      tier.policies.push_back(fmt::format("pol-{:05}", (e * per_endpoint + k) % policies));
    }
    h.policy.tiers = {tier};
    msgs.push_back(h);
  }
  msgs.push_back(calc::InSync{});
  return msgs;
}

// A namespace entered by this thread for the benchmark's lifetime.
struct Env {
  NetnsSandbox sb;
  std::unique_ptr<TeeBackend> backend;
  std::unique_ptr<Dataplane> dp;
  bool ok = false;
  explicit Env(benchmark::State& state) {
    if (geteuid() != 0) {
      state.SkipWithError("dataplane benchmarks need root (network namespaces)");
      return;
    }
    if (!sb.Add("bench").ok() || !sb.Enter("bench").ok()) {
      state.SkipWithError("cannot create or enter a network namespace");
      return;
    }
    auto real = MakeLibNftablesBackend();
    if (!real.ok()) {
      state.SkipWithError(real.status().message().c_str());
      return;
    }
    backend = std::make_unique<TeeBackend>(std::move(*real));
    // Every iteration is timed alone: no minimum interval between
    // transactions (it would defer back-to-back changes by 10 ms).
    DataplaneOptions options;
    options.min_apply_interval = std::chrono::milliseconds(0);
    dp = std::make_unique<Dataplane>(*backend, RealClock(), options);
    ok = true;
  }
  bool Program(const std::vector<calc::Message>& msgs, benchmark::State& state) {
    for (const auto& m : msgs) dp->OnUpdate(m);
    Status st = dp->Apply();
    if (!st.ok()) state.SkipWithError(st.message().c_str());
    return st.ok();
  }
};

// Runs `nft -f` on a script file (the floor: one nft process per change).
bool NftFile(const std::string& script) {
  const std::string path = fmt::format("/tmp/felix-bench-{}.nft", getpid());
  std::ofstream(path) << script;
  return Sh("nft -f " + path) == 0;
}

// Arg 0: one member added then removed, alternately (the headline figure);
// 1: only adds (a new member each time); 2: only removes (of members added
// beforehand, untimed).
void BM_ApplyOneSetElement(benchmark::State& state) {
  Env env(state);
  if (!env.ok || !env.Program(Snapshot(10'000, 1'000, 10, 100), state)) return;
  const int mode = static_cast<int>(state.range(0));
  auto extra = [](int i) {
    return *model::ParseCidr(fmt::format("10.250.{}.{}/32", i / 250, 1 + i % 250), 4);
  };
  if (mode == 2) {
    calc::IpSetDeltaUpdate d{"set-7", {}, {}};
    for (int i = 0; i < 1000; ++i) d.added.push_back(extra(i));
    env.dp->OnUpdate(d);
    if (!env.dp->Apply().ok()) return state.SkipWithError("apply failed");
  }
  int i = 0;
  bool add = true;
  for (auto _ : state) {
    calc::IpSetDeltaUpdate d{"set-7", {}, {}};
    if (mode == 0) {
      (add ? d.added : d.removed).push_back(extra(0));
      add = !add;
    } else {
      (mode == 1 ? d.added : d.removed).push_back(extra(i++));
    }
    env.dp->OnUpdate(d);
    if (!env.dp->Apply().ok()) state.SkipWithError("apply failed");
  }
  state.SetLabel(env.backend->last.substr(0, 60));
}
BENCHMARK(BM_ApplyOneSetElement)
    ->Arg(0)
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(200);

void BM_NftFileOneSetElement(benchmark::State& state) {
  Env env(state);
  if (!env.ok || !env.Program(Snapshot(10'000, 1'000, 10, 100), state)) return;
  const std::string set = rules::IpSetName("set-7", 4);
  bool add = true;
  for (auto _ : state) {
    std::string script =
        fmt::format("{} element inet calico {} {{ 10.250.0.1 }}\n", add ? "add" : "delete", set);
    add = !add;
    if (!NftFile(script)) state.SkipWithError("nft -f failed");
  }
}
BENCHMARK(BM_NftFileOneSetElement)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(200);

void BM_ApplyOnePolicyChange(benchmark::State& state) {
  Env env(state);
  if (!env.ok || !env.Program(Snapshot(10'000, 1'000, 10, 100), state)) return;
  int port = 2000;
  for (auto _ : state) {
    env.dp->OnUpdate(Policy(42, port++));
    if (!env.dp->Apply().ok()) state.SkipWithError("apply failed");
  }
}
BENCHMARK(BM_ApplyOnePolicyChange)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(200);

void BM_NftFileOnePolicyChange(benchmark::State& state) {
  Env env(state);
  if (!env.ok || !env.Program(Snapshot(10'000, 1'000, 10, 100), state)) return;
  // The same scripts the driver sends, replayed through `nft -f`.
  std::vector<std::string> scripts;
  for (int port : {2000, 3000}) {
    env.dp->OnUpdate(Policy(42, port));
    if (!env.dp->Apply().ok()) state.SkipWithError("apply failed");
    scripts.push_back(env.backend->last);
  }
  size_t i = 0;
  for (auto _ : state) {
    if (!NftFile(scripts[i++ % 2])) state.SkipWithError("nft -f failed");
  }
}
BENCHMARK(BM_NftFileOnePolicyChange)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(200);

void BM_FullProgram200Endpoints2000Policies(benchmark::State& state) {
  const std::vector<calc::Message> msgs = Snapshot(10'000, 2'000, 200, 10);
  for (auto _ : state) {
    state.PauseTiming();
    auto env = std::make_unique<Env>(state);
    if (!env->ok) return;
    state.ResumeTiming();
    if (!env->Program(msgs, state)) return;
    state.PauseTiming();
    env.reset();  // namespace teardown is not timed
    state.ResumeTiming();
  }
}
BENCHMARK(BM_FullProgram200Endpoints2000Policies)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(5);

// --- Packet path: iperf3 from namespace "cli" (peer0 10.99.0.2) to a server
// in "h" (eth0 10.99.0.1), host endpoint ep0 on eth0. With the table, ep0 has
// 1,000 policies in one tier: 999 with 3 rules that do not match the iperf3
// traffic (other ports, source sets), the last one allowing tcp 5201.

// Gbit/s received by one `iperf3 -c -t 5 -J` run; 0 on failure.
double Iperf(const NetnsSandbox& sb) {
  Sh(fmt::format("ip netns exec {} timeout 30 iperf3 -s -1 -p 5201 >/dev/null 2>&1 &",
                 sb.Name("h")));
  usleep(500'000);
  const std::string cmd = fmt::format(
      "ip netns exec {} timeout 30 iperf3 -c 10.99.0.1 -p 5201 -t 5 -J", sb.Name("cli"));
  FILE* f = popen(cmd.c_str(), "r");
  if (f == nullptr) return 0;
  std::string out;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof(buf), f)) > 0;) out.append(buf, n);
  pclose(f);
  auto j = nlohmann::json::parse(out, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;
  auto bps = j["end"]["sum_received"]["bits_per_second"];
  return bps.is_number() ? bps.get<double>() / 1e9 : 0;
}

std::vector<calc::Message> PacketPathPolicies() {
  std::vector<calc::Message> msgs;
  for (int s = 0; s < 100; ++s) {
    calc::IpSetUpdate u{fmt::format("set-{}", s), {}};
    for (int m = s; m < 10'000; m += 100) u.members.push_back(Member(m));
    std::sort(u.members.begin(), u.members.end());
    msgs.push_back(u);
  }
  calc::TierInfo tier{"default", {}};
  for (int i = 0; i < 999; ++i) {
    msgs.push_back(Policy(i, 1000 + 3 * i));  // ports 1000..3996: never 5201
    tier.policies.push_back(fmt::format("pol-{:05}", i));
  }
  calc::ActivePolicyUpdate last;
  last.id = {"default", "pol-99999"};
  calc::Rule allow;
  allow.match.protocol = "tcp";
  allow.match.dst_ports = std::vector<model::PortRange>{{5201, 5201}};
  last.inbound = {allow};
  msgs.push_back(last);
  tier.policies.push_back("pol-99999");
  calc::HostEndpointUpdate h;
  h.id.endpoint = "ep0";
  h.name = "eth0";
  h.policy.tiers = {tier};
  msgs.push_back(h);
  msgs.push_back(calc::InSync{});
  return msgs;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// Namespaces "h" (eth0 10.99.0.1, a listener on 7000, this thread in it) and
// "cli" (peer0 10.99.0.2); false (the benchmark skipped) when that fails.
bool PacketPathSandbox(NetnsSandbox& sb, benchmark::State& state) {
  if (geteuid() != 0) {
    state.SkipWithError("the packet path benchmark needs root (network namespaces)");
    return false;
  }
  if (!sb.Add("h").ok() || !sb.Add("cli").ok() || !sb.Veth("h", "eth0", "cli", "peer0").ok() ||
      sb.Exec("h", "ip addr add 10.99.0.1/24 dev eth0") != 0 ||
      sb.Exec("cli", "ip addr add 10.99.0.2/24 dev peer0") != 0 || !sb.Listen("h", 7000).ok() ||
      !sb.Enter("h").ok()) {
    state.SkipWithError("cannot set up the namespaces");
    return false;
  }
  return true;
}

void BM_PacketPathIperf3(benchmark::State& state) {
  NetnsSandbox sb;
  if (!PacketPathSandbox(sb, state)) return;
  const std::vector<calc::Message> msgs = PacketPathPolicies();
  const int rounds = static_cast<int>(state.range(0));
  std::vector<double> bare, table;
  for (auto _ : state) {
    for (int r = 0; r < rounds; ++r) {  // alternate, so load drift hits both
      Sh(fmt::format("ip netns exec {} nft delete table inet calico 2>/dev/null", sb.Name("h")));
      bare.push_back(Iperf(sb));
      auto real = MakeLibNftablesBackend();
      if (!real.ok()) return state.SkipWithError(real.status().message().c_str());
      Dataplane dp(**real, RealClock());
      for (const auto& m : msgs) dp.OnUpdate(m);
      if (!dp.Apply().ok()) return state.SkipWithError("apply failed");
      table.push_back(Iperf(sb));
      // The table is really in the path: a listening port the policies do not
      // allow is dropped.
      if (Sh(fmt::format("ip netns exec {} timeout 3 nc -z -w 1 10.99.0.1 7000", sb.Name("cli"))) ==
          0) {
        return state.SkipWithError("the table did not drop an unallowed port");
      }
    }
  }
  const double b = Median(bare), t = Median(table);
  if (b <= 0 || t <= 0) return state.SkipWithError("iperf3 failed");
  state.counters["bare_gbps"] = b;
  state.counters["table_gbps"] = t;
  state.counters["ratio"] = t / b;
  state.counters["bare_min"] = *std::min_element(bare.begin(), bare.end());
  state.counters["table_min"] = *std::min_element(table.begin(), table.end());
  std::string label = "Gbit/s bare";  // every sample, in run order
  for (double g : bare) label += fmt::format(" {:.1f}", g);
  label += " | table";
  for (double g : table) label += fmt::format(" {:.1f}", g);
  state.SetLabel(label);
}
BENCHMARK(BM_PacketPathIperf3)->Arg(5)->Unit(benchmark::kSecond)->UseRealTime()->Iterations(1);

// --- The cost of our per-rule counters on a path where every packet walks
// counted rules: untracked policy (raw hooks, no conntrack), ep0 with
// `policies` untracked policies of 3 rules each in both directions that do
// not match iperf3, the last allowing tcp 5201 in and its replies out. The
// same table is programmed with its counters and with every `counter`
// statement taken out, alternately; the ratio is the counters' price.

std::vector<calc::Message> UntrackedPolicies(int policies) {
  std::vector<calc::Message> msgs = {calc::IpSetUpdate{"set-0", {Member(0)}}};
  calc::TierInfo tier{"default", {}};
  for (int i = 0; i < policies; ++i) {
    calc::ActivePolicyUpdate p = Policy(i, 1000 + 3 * i);
    for (auto& r : p.inbound) r.match.src_ip_set_ids = {"set-0"};
    p.outbound = p.inbound;
    p.untracked = true;
    if (i == policies - 1) {
      calc::Rule in, out;
      in.match.protocol = out.match.protocol = "tcp";
      in.match.dst_ports = out.match.src_ports = std::vector<model::PortRange>{{5201, 5201}};
      p.inbound.push_back(in);
      p.outbound.push_back(out);
    }
    tier.policies.push_back(p.id.name);
    msgs.push_back(p);
  }
  calc::HostEndpointUpdate h;
  h.id.endpoint = "ep0";
  h.name = "eth0";
  h.policy.untracked_tiers = {tier};
  msgs.push_back(h);
  msgs.push_back(calc::InSync{});
  return msgs;
}

void BM_CounterCostUntracked(benchmark::State& state) {
  NetnsSandbox sb;
  if (!PacketPathSandbox(sb, state)) return;
  rules::DesiredState st;
  for (const auto& m : UntrackedPolicies(static_cast<int>(state.range(0)))) {
    rules::ApplyMessage(st, m);
  }
  const rules::Table counted = rules::Render(st, {});
  rules::Table uncounted = counted;
  size_t counters = 0;
  for (auto& [name, chain] : uncounted.chains) {
    for (auto& r : chain.rules) {
      for (size_t at; (at = r.find("counter ")) != std::string::npos; ++counters) r.erase(at, 8);
    }
  }
  auto backend = MakeLibNftablesBackend();
  if (!backend.ok()) return state.SkipWithError(backend.status().message().c_str());
  std::vector<double> with, without;
  for (auto _ : state) {
    for (int r = 0; r < 5; ++r) {  // alternate, so load drift hits both
      if (!(*backend)->Run(FullReplaceScript(uncounted)).ok()) return state.SkipWithError("apply");
      without.push_back(Iperf(sb));
      if (!(*backend)->Run(FullReplaceScript(counted)).ok()) return state.SkipWithError("apply");
      with.push_back(Iperf(sb));
    }
  }
  const double a = Median(with), b = Median(without);
  if (a <= 0 || b <= 0) return state.SkipWithError("iperf3 failed (is the last policy allowing?)");
  state.counters["counted_gbps"] = a;
  state.counters["uncounted_gbps"] = b;
  state.counters["ratio"] = a / b;
  state.counters["counter_stmts"] = static_cast<double>(counters);
  std::string label = "Gbit/s without counters";
  for (double g : without) label += fmt::format(" {:.1f}", g);
  label += " | with";
  for (double g : with) label += fmt::format(" {:.1f}", g);
  state.SetLabel(label);
}
BENCHMARK(BM_CounterCostUntracked)
    ->Arg(10)
    ->Arg(100)
    ->Unit(benchmark::kSecond)
    ->UseRealTime()
    ->Iterations(1);

}  // namespace
}  // namespace felix::dataplane
