// agent_bench: the C++ half of bench/agent_bench.sh, the agent's end-to-end
// benchmark (docs/performance.md, "Agent end to end"). Bash cannot time
// sub-millisecond events, so this program generates the datastore and times
// "etcd write -> nft transaction committed" from inside the host namespace.
//
//   agent_bench gen HOSTNAME REMOTE POLICIES LOCAL > docs.jsonl
//       the datastore as `felixctl apply` JSON lines (deterministic).
//   agent_bench changes URL v2|v3 HOSTNAME rule|label|remote COUNT OUT.tsv
//       COUNT changes of one kind, each timed from just before the etcd write
//       to the kernel's NFT_MSG_NEWGEN (end of the agent's transaction) seen on
//       NFNLGRP_NFTABLES; a second etcd watcher timestamps etcd's delivery.
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "dataplane/dataplane.h"
#include "datastore/datastore.h"

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
constexpr int kLabelNames = 500;  // label-0 .. label-499 (value "v")
constexpr int kRoles = 200;       // role == "r-0" .. "r-199"

std::string Lbl(int k) { return "label-" + std::to_string(k % kLabelNames); }
std::string Role(int k) { return "r-" + std::to_string(k % kRoles); }
std::string RemoteIp(int i) {
  return "10." + std::to_string(128 + i / 65536) + "." + std::to_string(i / 256 % 256) + "." +
         std::to_string(i % 256);
}

// Policy i: even i `has(label-(i/2))`, odd i `role == "r-(i/2)"`, so 2
// policies per label name and 5 per role; 3 inbound tcp rules with
// src_selectors and one outbound rule with a dst_selector. `alt_port` moves
// rule 0's port (the "rule" change).
json Policy(int i, bool alt_port) {
  std::mt19937 rng(1000003u + i);
  const std::string sel =
      i % 2 == 0 ? "has(" + Lbl(i / 2) + ")" : "role == \"" + Role(i / 2) + "\"";
  json in = json::array();
  for (int r = 0; r < 3; ++r) {
    const int port = r == 0 && alt_port ? 60000 : 1000 + (i * 3 + r) % 50000;
    const std::string src = r == 2 ? "role == \"" + Role(rng()) + "\"" : "has(" + Lbl(rng()) + ")";
    in.push_back(
        {{"action", "allow"}, {"protocol", "tcp"}, {"src_selector", src}, {"dst_ports", {port}}});
  }
  json out = json::array({{{"action", "allow"}, {"dst_selector", "has(" + Lbl(rng()) + ")"}}});
  return {{"order", i}, {"selector", sel}, {"inbound_rules", in}, {"outbound_rules", out}};
}

// Remote endpoint i on host remote-(i/50): a role and 4-7 label names.
json Remote(int i, const std::string& extra_label) {
  std::mt19937 rng(7u + i);
  json labels = {{"role", Role(rng())}};
  const int n = 4 + rng() % 4;
  for (int k = 0; k < n; ++k) labels[Lbl(rng())] = "v";
  if (!extra_label.empty()) labels[extra_label] = "v";
  return {{"name", "eth0"},
          {"expected_ipv4_addrs", {RemoteIp(i)}},
          {"labels", labels},
          {"profile_ids", json::array()}};
}
std::string RemoteKey(int i) {
  return "/calico/v1/host/remote-" + std::to_string(i / 50) + "/endpoint/ep-" + std::to_string(i);
}

// Local endpoint j: interface eth0 (j = 0) or eth-j, role r-j and 3 labels.
json Local(int j, int role) {
  json labels = {
      {"role", Role(role)}, {Lbl(j * 7 + 3), "v"}, {Lbl(j * 13 + 5), "v"}, {Lbl(j * 29 + 11), "v"}};
  return {{"name", j == 0 ? "eth0" : "eth-" + std::to_string(j)},
          {"labels", labels},
          {"profile_ids", json::array()}};
}
std::string LocalKey(const std::string& host, int j) {
  return "/calico/v1/host/" + host + "/endpoint/ep-" + std::to_string(j);
}
std::string PolicyKey(int i) {
  return "/calico/v1/policy/tier/default/policy/p-" + std::to_string(i);
}

// --- The "all" shape (issue: every policy applies to every local endpoint):
// policy i selects `role == "local"`, one inbound rule allowing tcp port
// 1000 + i from `app == "g-(i % 50)"`, outbound allow all; remote endpoint i
// has app g-(i % 50) (`alt_group` moves it to the next group: its IP moves
// between two sets); local endpoint j has role local (`away`: role away, so
// no policy applies and it moves to another shared list).
constexpr int kGroups = 50;
std::string Group(int k) { return "g-" + std::to_string(k % kGroups); }

json AllPolicy(int i, bool alt_port) {
  json in = json::array({{{"action", "allow"},
                          {"protocol", "tcp"},
                          {"src_selector", "app == \"" + Group(i) + "\""},
                          {"dst_ports", {alt_port ? 60000 : 1000 + i}}}});
  return {{"order", i},
          {"selector", "role == \"local\""},
          {"inbound_rules", in},
          {"outbound_rules", json::array({{{"action", "allow"}}})}};
}
json AllRemote(int i, bool alt_group) {
  return {{"name", "eth0"},
          {"expected_ipv4_addrs", {RemoteIp(i)}},
          {"labels", {{"app", Group(i + (alt_group ? 1 : 0))}}},
          {"profile_ids", json::array()}};
}
json AllLocal(int j, bool away) {
  return {{"name", j == 0 ? "eth0" : "eth-" + std::to_string(j)},
          {"labels", {{"role", away ? "away" : "local"}}},
          {"profile_ids", json::array()}};
}

bool g_all = false;  // the "all" shape (last argument `all`)

int Gen(const std::string& host, int remote, int policies, int local) {
  auto doc = [](const std::string& k, const json& v) {
    std::printf("%s\n", json{{"key", k}, {"value", v}}.dump().c_str());
  };
  doc("/calico/v1/policy/tier/default/metadata", json{{"order", 100}});
  if (g_all) {
    for (int i = 0; i < policies; ++i) doc(PolicyKey(i), AllPolicy(i, false));
    for (int i = 0; i < remote; ++i) doc(RemoteKey(i), AllRemote(i, false));
    for (int j = 0; j < local; ++j) doc(LocalKey(host, j), AllLocal(j, false));
    doc("/calico/v1/Ready", "true");
    return 0;
  }
  for (int i = 0; i < policies; ++i) doc(PolicyKey(i), Policy(i, false));
  for (int i = 0; i < remote; ++i) doc(RemoteKey(i), Remote(i, ""));
  for (int j = 0; j < local; ++j) doc(LocalKey(host, j), Local(j, j));
  doc("/calico/v1/Ready", "true");
  return 0;
}

// ------------------------------------------------------------ nft events

struct Counts {
  int rules = 0, elems = 0, chains = 0, sets = 0, gens = 0;
  bool overrun = false;
};

int OpenNftMonitor() {
  int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
  if (fd < 0) return -1;
  int size = 64 << 20;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size);
  sockaddr_nl sa{};
  sa.nl_family = AF_NETLINK;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) < 0) return -1;
  int group = NFNLGRP_NFTABLES;
  if (::setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof group) < 0) return -1;
  return fd;
}

// Reads events for up to `timeout`; returns at the first NEWGEN when
// `stop_at_gen` (the time it arrived in *gen_at).
void ReadEvents(int fd, Clock::duration timeout, bool stop_at_gen, Counts& c,
                Clock::time_point* gen_at) {
  static std::vector<char> buf(1 << 20);
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    pollfd p{fd, POLLIN, 0};
    if (left.count() < 0 || ::poll(&p, 1, static_cast<int>(left.count()) + 1) <= 0) return;
    const ssize_t n = ::recv(fd, buf.data(), buf.size(), MSG_DONTWAIT);
    const auto now = Clock::now();
    if (n < 0) {
      if (errno == ENOBUFS) c.overrun = true;
      continue;
    }
    int len = static_cast<int>(n);
    for (auto* h = reinterpret_cast<nlmsghdr*>(buf.data()); NLMSG_OK(h, len);
         h = NLMSG_NEXT(h, len)) {
      if ((h->nlmsg_type >> 8) != NFNL_SUBSYS_NFTABLES) continue;
      switch (h->nlmsg_type & 0xff) {
        case NFT_MSG_NEWRULE:
        case NFT_MSG_DELRULE:
          ++c.rules;
          break;
        case NFT_MSG_NEWSETELEM:
        case NFT_MSG_DELSETELEM:
          ++c.elems;
          break;
        case NFT_MSG_NEWCHAIN:
        case NFT_MSG_DELCHAIN:
          ++c.chains;
          break;
        case NFT_MSG_NEWSET:
        case NFT_MSG_DELSET:
          ++c.sets;
          break;
        case NFT_MSG_NEWGEN:
          ++c.gens;
          if (gen_at) *gen_at = now;
          if (stop_at_gen) return;
          break;
        default:
          break;
      }
    }
  }
}

// ------------------------------------------------------------ changes

// Timestamps etcd's delivery of each event under /calico/v1 (a second
// watcher beside the agent's: its delivery time is a lower bound of theirs).
class WatchClock {
 public:
  WatchClock(const felix::datastore::EtcdSettings& s, int64_t from) : client_(MakeEtcdClient(s)) {
    thread_ = std::thread([this, from] {
      client_->Watch(
          std::string(felix::datastore::kCalicoV1Prefix), from,
          [this](std::vector<felix::datastore::WatchEvent>) {
            std::lock_guard<std::mutex> l(mu_);
            last_ = Clock::now();
            ++count_;
            return true;
          },
          stop_);
    });
  }
  ~WatchClock() {
    stop_ = true;
    thread_.join();
  }
  int64_t count() {
    std::lock_guard<std::mutex> l(mu_);
    return count_;
  }
  // The time of the event after `before` events, waiting up to 2 s.
  std::optional<Clock::time_point> After(int64_t before) {
    for (int i = 0; i < 2000; ++i) {
      {
        std::lock_guard<std::mutex> l(mu_);
        if (count_ > before) return last_;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return std::nullopt;
  }

 private:
  std::unique_ptr<felix::datastore::EtcdClient> client_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  Clock::time_point last_{};
  int64_t count_ = 0;
  std::thread thread_;
};

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// Remote endpoint i's value moved away from (odd) or back to its loaded state.
std::string RemoteToggle(int i, bool odd, const std::string& label) {
  return g_all ? AllRemote(i, odd).dump() : Remote(i, odd ? label : "").dump();
}

// The NEWGEN arrival times seen until `quiet` passes without one (or `limit`).
std::vector<Clock::time_point> GensUntilQuiet(int fd, Clock::duration quiet,
                                              Clock::duration limit) {
  std::vector<Clock::time_point> gens;
  const auto end = Clock::now() + limit;
  while (Clock::now() < end) {
    Counts c;
    Clock::time_point at{};
    ReadEvents(fd, quiet, true, c, &at);
    if (c.gens == 0) break;
    gens.push_back(at);
  }
  return gens;
}

// "burst": `count` remote endpoint writes from 8 concurrent clients as fast
// as etcd takes them; reports how many transactions the agent made of them
// and when the last one ended. "steady": `count` writes paced at 1 ms from
// one client (1,000/s); per write, the time to the first transaction that
// ended after it (a lower bound of its latency when writes coalesce).
int Load(const felix::datastore::EtcdSettings& s, int fd, const std::string& kind, int count,
         const std::string& label) {
  Counts drain;
  ReadEvents(fd, std::chrono::milliseconds(0), false, drain, nullptr);
  std::vector<Clock::time_point> written(count);
  std::vector<Clock::time_point> gens;
  std::thread reader(
      [&] { gens = GensUntilQuiet(fd, std::chrono::seconds(2), std::chrono::minutes(5)); });
  const auto t0 = Clock::now();
  const int clients = kind == "burst" ? 8 : 1;
  std::vector<std::thread> writers;
  std::atomic<int> failures{0};
  for (int w = 0; w < clients; ++w) {
    writers.emplace_back([&, w] {
      auto etcd = MakeEtcdClient(s);
      for (int i = w; i < count; i += clients) {
        if (kind == "steady") std::this_thread::sleep_until(t0 + std::chrono::milliseconds(i));
        // Endpoints 1..1000 (0 is the single-change kinds'): a burst moves
        // them away from the loaded state, a steady run moves them back.
        const int ep = i % 1000 + 1;
        const bool away = (kind == "burst") == ((i / 1000) % 2 == 0);
        if (!etcd->Set(RemoteKey(ep), RemoteToggle(ep, away, label)).ok()) ++failures;
        written[i] = Clock::now();
      }
    });
  }
  for (auto& t : writers) t.join();
  const auto t_written = Clock::now();
  reader.join();
  if (gens.empty()) return std::fprintf(stderr, "%s: no transaction seen\n", kind.c_str()), 1;
  std::printf(
      "%s: %d writes in %.1f ms (%d failed), %zu transactions, last ended %.1f ms after "
      "the first write\n",
      kind.c_str(), count, Ms(t_written - t0), failures.load(), gens.size(), Ms(gens.back() - t0));
  if (kind == "steady") {
    std::vector<double> lat;
    for (const auto& w : written) {
      auto it = std::lower_bound(gens.begin(), gens.end(), w);
      if (it != gens.end()) lat.push_back(Ms(*it - w));
    }
    std::sort(lat.begin(), lat.end());
    if (!lat.empty()) {
      std::printf("steady: write end -> next transaction end p50=%.2f p99=%.2f max=%.2f ms\n",
                  lat[lat.size() / 2], lat[lat.size() * 99 / 100], lat.back());
    }
  }
  return failures.load() == 0 ? 0 : 1;
}

int Changes(const std::string& url, const std::string& api, const std::string& host,
            const std::string& kind, int count, const std::string& out_path) {
  felix::datastore::EtcdSettings s;
  s.api = api == "v3" ? felix::datastore::EtcdApi::kV3 : felix::datastore::EtcdApi::kV2;
  s.endpoints = {url};
  auto etcd = MakeEtcdClient(s);
  auto snap = etcd->GetPrefix("/calico/v1/host/" + host);
  if (!snap.ok()) return std::fprintf(stderr, "etcd: %s\n", snap.status().message().c_str()), 2;
  WatchClock watch(s, snap->index + 1);
  int fd = OpenNftMonitor();
  if (fd < 0) return std::perror("netlink"), 2;
  // The label rule 0 of policy p-1 selects on (p-1 applies to ep-0 while its
  // role is r-0); remote endpoint 0 toggles it (an IP-set element change).
  const std::string sel = Policy(1, false)["inbound_rules"][0]["src_selector"];
  const std::string remote_label = sel.substr(4, sel.size() - 5);
  if (kind == "burst" || kind == "steady") return Load(s, fd, kind, count, remote_label);
  std::ofstream out(out_path);
  out << "i\tkind\twrite_ms\twatch_ms\tnft_ms\trules\telems\tchains\tsets\textra_gens\n";
  std::vector<double> lat;
  int timeouts = 0;
  for (int i = 0; i < count; ++i) {
    const bool odd = i % 2 == 0;  // the 1st, 3rd, ... change moves away from the loaded state
    std::string key, value;
    if (g_all && kind == "rule")
      key = PolicyKey(1), value = AllPolicy(1, odd).dump();
    else if (g_all && kind == "label")
      key = LocalKey(host, 0), value = AllLocal(0, odd).dump();
    else if (g_all)
      key = RemoteKey(0), value = AllRemote(0, odd).dump();
    else if (kind == "rule")
      key = PolicyKey(1), value = Policy(1, odd).dump();
    else if (kind == "label")
      key = LocalKey(host, 0), value = Local(0, odd ? 1 : 0).dump();
    else
      key = RemoteKey(0), value = Remote(0, odd ? remote_label : "").dump();
    Counts drain;
    ReadEvents(fd, std::chrono::milliseconds(0), false, drain, nullptr);
    const int64_t seen = watch.count();
    const auto t0 = Clock::now();
    if (auto st = etcd->Set(key, value); !st.ok()) {
      return std::fprintf(stderr, "etcd set: %s\n", st.message().c_str()), 2;
    }
    const auto t_written = Clock::now();
    Counts c;
    Clock::time_point t_gen{};
    ReadEvents(fd, std::chrono::seconds(5), true, c, &t_gen);
    const auto t_watch = watch.After(seen);
    if (c.gens == 0) {
      ++timeouts;
      continue;
    }
    Counts extra;  // a second transaction for the same change would show here
    ReadEvents(fd, std::chrono::milliseconds(30), false, extra, nullptr);
    lat.push_back(Ms(t_gen - t0));
    out << i << '\t' << kind << '\t' << Ms(t_written - t0) << '\t'
        << (t_watch ? Ms(*t_watch - t0) : -1) << '\t' << Ms(t_gen - t0) << '\t'
        << c.rules + extra.rules << '\t' << c.elems + extra.elems << '\t' << c.chains + extra.chains
        << '\t' << c.sets + extra.sets << '\t' << extra.gens << (c.overrun ? "\toverrun" : "")
        << '\n';
  }
  std::sort(lat.begin(), lat.end());
  auto pct = [&](double p) {
    return lat.empty() ? -1.0 : lat[std::min(lat.size() - 1, static_cast<size_t>(p * lat.size()))];
  };
  std::printf("%s (%s): n=%zu timeouts=%d p50=%.2f p90=%.2f p99=%.2f max=%.2f ms\n", kind.c_str(),
              api.c_str(), lat.size(), timeouts, pct(0.5), pct(0.9), pct(0.99),
              lat.empty() ? -1.0 : lat.back());
  return timeouts == 0 ? 0 : 1;
}

// Floor transactions are spaced like the agent's measured changes (each
// waits out 30 ms without another transaction), so caches are as cold.
constexpr auto kFloorPace = std::chrono::milliseconds(30);

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The element floor: `count` one-element adds to a plain set, each one
// netlink batch sent by a resident process (the agent's own libnftnl path,
// NftBackend::Commit), each timed alone, in a scratch namespace.
// With `table_file` (the agent's table as `nft list` prints it) that table
// is loaded first and the set added to it: the floor of one transaction
// against a table of the same size (the kernel's commit walks every chain);
// without, the table holds only that set. With the table, also the rule
// floor: `count` replacements of one policy chain's rule.
int Floor(int count, const std::string& table_file) {
  auto b = felix::dataplane::MakeLibNftablesBackend();
  if (!b.ok()) return std::fprintf(stderr, "%s\n", b.status().message().c_str()), 2;
  auto& nft = **b;
  if (!table_file.empty()) {
    if (auto st = nft.Run(Slurp(table_file)); !st.ok()) {
      return std::fprintf(stderr, "%s\n", st.message().c_str()), 2;
    }
  }
  if (!nft.Run("add table inet calico\nadd set inet calico floor { type ipv4_addr; }\n").ok()) {
    return 2;
  }
  std::vector<double> lat;
  for (int i = 0; i < count; ++i) {
    felix::dataplane::DirectChange c;
    c.elements = {{"floor", 4, {}, {RemoteIp(i)}}};
    std::this_thread::sleep_for(kFloorPace);
    const auto t0 = Clock::now();
    if (auto st = nft.Commit(c); !st.ok()) {
      return std::fprintf(stderr, "%s\n", st.message().c_str()), 2;
    }
    lat.push_back(Ms(Clock::now() - t0));
  }
  auto report = [&](const char* what) {
    std::sort(lat.begin(), lat.end());
    std::printf(
        "floor: %s, one netlink batch from a resident process%s: p50=%.3f p99=%.3f ms (n=%d)\n",
        what, table_file.empty() ? " (table of one set)" : " (into a copy of the agent's table)",
        lat[lat.size() / 2], lat[lat.size() * 99 / 100], count);
  };
  report("one element add");
  // The rule floor: one policy chain's rule replaced (flush + add), the
  // kernel validating the table's jump graph as for any rule change.
  const size_t at =
      table_file.empty() ? std::string::npos : Slurp(table_file).find("chain cali-pi-");
  if (at != std::string::npos) {
    const std::string text = Slurp(table_file);
    const std::string chain = text.substr(at + 6, text.find(' ', at + 6) - at - 6);
    lat.clear();
    for (int i = 0; i < count; ++i) {
      felix::dataplane::DirectChange c;
      c.flush_chains = {chain};
      c.rules = {{chain,
                  {fmt::format("meta l4proto tcp tcp dport {} meta mark set meta mark | 0x01000000 "
                               "return",
                               1000 + i % 2)}}};
      std::this_thread::sleep_for(kFloorPace);
      const auto t0 = Clock::now();
      if (auto st = nft.Commit(c); !st.ok()) {
        return std::fprintf(stderr, "%s\n", st.message().c_str()), 2;
      }
      lat.push_back(Ms(Clock::now() - t0));
    }
    report(("one rule replaced in " + chain).c_str());
  }
  (void)nft.Run("delete table inet calico\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> a(argv + 1, argv + argc);
  if (!a.empty() && a.back() == "all") {
    g_all = true;
    a.pop_back();
  }
  if (a.size() == 5 && a[0] == "gen") {
    return Gen(a[1], std::stoi(a[2]), std::stoi(a[3]), std::stoi(a[4]));
  }
  if ((a.size() == 2 || a.size() == 3) && a[0] == "floor") {
    return Floor(std::stoi(a[1]), a.size() == 3 ? a[2] : "");
  }
  if (a.size() == 7 && a[0] == "changes") {
    return Changes(a[1], a[2], a[3], a[4], std::stoi(a[5]), a[6]);
  }
  std::fprintf(stderr,
               "usage: agent_bench gen HOSTNAME REMOTE POLICIES LOCAL [all]\n"
               "       agent_bench changes URL v2|v3 HOSTNAME rule|label|remote COUNT OUT.tsv "
               "[all]\n");
  return 64;
}
