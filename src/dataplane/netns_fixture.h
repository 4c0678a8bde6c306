// Shared fixture of the dataplane integration tests (root; ctest label
// `integration`; the *netns_test.cc files): the real driver (libnftables +
// netlink) inside a throwaway namespace "h", real calc messages rendered by
// rules::Render, and real traffic from the other namespaces. Topology:
//   p:peer0 10.99.0.2 fd99::2 <-> h:eth0 10.99.0.1 fd99::1  (host endpoint)
//   p:peer1 10.98.0.2         <-> h:eth1 10.98.0.1          (undeclared)
//   p:w0    10.96.0.2         <-> h:cali0 10.96.0.1         (workload prefix)
//   q:q0    10.97.0.2         <-> h:eth2 10.97.0.1          (second endpoint)
//   w:eth0  10.95.0.2         <-> h:cali1 10.95.0.1         (the workload)
// p routes 10.97/24 and 10.95/24 via h; q and w default-route via h.
// Listeners: h tcp 22, 80, 8080; q and w tcp 80, 8080.
// The test thread lives in "h" between SetUp and TearDown; the root namespace
// is never touched. Test-only header: everything here is inline.
#pragma once

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <functional>

#include "calc/calc.h"
#include "dataplane/dataplane.h"
#include "dataplane/netns.h"

namespace felix::dataplane::nstest {

// Forwards to the real backend and records every successful script. With
// `rejects` set, a transaction holding such text fails as if the kernel had
// refused it (fault injection; everything else reaches the real kernel).
class TeeBackend : public NftBackend {
 public:
  explicit TeeBackend(std::unique_ptr<NftBackend> real) : real_(std::move(real)) {}
  Status Run(const std::string& script) override {
    if (Rejected(script)) return Status::IoError("Error: injected: rejected by the kernel");
    Status st = real_->Run(script);
    if (st.ok()) scripts.push_back(script);
    return st;
  }
  Status Commit(const DirectChange& c) override {
    if (rejects && Rejected(DirectChangeScript(c))) {
      return Status::IoError("netlink batch: injected: Invalid argument");
    }
    Status st = real_->Commit(c);
    if (st.ok()) scripts.push_back(DirectChangeScript(c));
    return st;
  }
  Result<uint32_t> Generation() override { return real_->Generation(); }
  Result<TableShape> ReadShape() override {
    ++shape_reads;
    return real_->ReadShape();
  }
  Status Check(const std::string& script) override {
    if (Rejected(script)) return Status::IoError("Error: injected: rejected by the kernel");
    return real_->Check(script);
  }
  std::vector<std::string> scripts;
  int shape_reads = 0;
  std::function<bool(const std::string&)> rejects;

 private:
  bool Rejected(const std::string& script) const { return rejects && rejects(script); }
  std::unique_ptr<NftBackend> real_;
};

inline calc::Rule Tcp(model::Action action, std::optional<int> port) {
  calc::Rule r;
  r.action = action;
  r.match.protocol = "tcp";
  if (port) r.match.dst_ports = std::vector<model::PortRange>{{*port, *port}};
  return r;
}

inline calc::ActivePolicyUpdate Policy(const std::string& name, std::vector<calc::Rule> in,
                                       std::vector<calc::Rule> out = {},
                                       const std::string& tier = "default") {
  return calc::ActivePolicyUpdate{{tier, name}, std::move(in), std::move(out), false};
}

inline calc::HostEndpointUpdate Hep(const std::string& id, std::optional<std::string> iface,
                                    std::vector<std::string> policies = {}) {
  calc::HostEndpointUpdate u;
  u.id.endpoint = id;
  u.name = iface;
  if (!policies.empty()) u.policy.tiers = {calc::TierInfo{"default", policies}};
  return u;
}

// The workload behind h:cali1 (namespace w, 10.95.0.2).
inline calc::WorkloadEndpointUpdate Wep(std::vector<std::string> policies = {}) {
  calc::WorkloadEndpointUpdate u;
  u.id = {"k8s", "wl1", "eth0"};
  u.name = "cali1";
  u.active = true;
  u.ipv4_nets = {*model::ParseCidr("10.95.0.2/32", 4)};
  if (!policies.empty()) u.policy.tiers = {calc::TierInfo{"default", policies}};
  return u;
}

inline calc::ConfigUpdate Config(
    config::EndpointToHostAction to_host = config::EndpointToHostAction::kDrop) {
  calc::DataplaneConfig c;
  c.failsafe_inbound = {config::FailsafePort{config::Protocol::kTcp, "", 22}};
  c.failsafe_outbound = {config::FailsafePort{config::Protocol::kTcp, "", 2379}};
  c.default_endpoint_to_host_action = to_host;
  return calc::ConfigUpdate{c};
}

class NetnsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "integration tests need root";
    for (const char* role : {"h", "p", "q", "w"}) {
      Status st = sb_.Add(role);
      if (!st.ok()) GTEST_SKIP() << st.message();
    }
    ASSERT_TRUE(sb_.Veth("h", "eth0", "p", "peer0").ok());
    ASSERT_TRUE(sb_.Veth("h", "eth1", "p", "peer1").ok());
    ASSERT_TRUE(sb_.Veth("h", "cali0", "p", "w0").ok());
    ASSERT_TRUE(sb_.Veth("h", "eth2", "q", "q0").ok());
    ASSERT_TRUE(sb_.Veth("h", "cali1", "w", "eth0").ok());
    ASSERT_EQ(sb_.Exec("h",
                       "ip addr add 10.99.0.1/24 dev eth0 && ip addr add fd99::1/64 dev eth0 "
                       "nodad && ip addr add 10.98.0.1/24 dev eth1 && "
                       "ip addr add 10.96.0.1/24 dev cali0 && ip addr add 10.97.0.1/24 dev eth2 "
                       "&& ip addr add 10.95.0.1/24 dev cali1 "
                       "&& sysctl -qw net.ipv4.ip_forward=1"),
              0);
    ASSERT_EQ(sb_.Exec("p",
                       "ip addr add 10.99.0.2/24 dev peer0 && ip addr add fd99::2/64 dev peer0 "
                       "nodad && ip addr add 10.98.0.2/24 dev peer1 && "
                       "ip addr add 10.96.0.2/24 dev w0 && ip route add 10.97.0.0/24 via 10.99.0.1 "
                       "&& ip route add 10.95.0.0/24 via 10.99.0.1"),
              0);
    ASSERT_EQ(
        sb_.Exec("q", "ip addr add 10.97.0.2/24 dev q0 && ip route add default via 10.97.0.1"), 0);
    ASSERT_EQ(
        sb_.Exec("w", "ip addr add 10.95.0.2/24 dev eth0 && ip route add default via 10.95.0.1"),
        0);
    for (int port : {22, 80, 8080}) ASSERT_TRUE(sb_.Listen("h", port).ok());
    for (int port : {80, 8080}) ASSERT_TRUE(sb_.Listen("q", port).ok());
    for (int port : {80, 8080}) ASSERT_TRUE(sb_.Listen("w", port).ok());
    ASSERT_TRUE(sb_.Enter("h").ok());
    NewDriver();
  }
  void TearDown() override {
    dp_.reset();
    backend_.reset();
    for (int s : udp_) close(s);
    sb_.Leave();
  }

  void NewDriver() {
    dp_.reset();
    auto real = MakeLibNftablesBackend();
    ASSERT_TRUE(real.ok()) << real.status().message();
    backend_ = std::make_unique<TeeBackend>(std::move(*real));
    // Each Program() below is one transaction: no minimum interval between
    // them (the interval is tested with a fake clock in driver_test.cc).
    DataplaneOptions options;
    options.min_apply_interval = std::chrono::milliseconds(0);
    dp_ = std::make_unique<Dataplane>(*backend_, RealClock(), options);
  }

  void Program(const std::vector<calc::Message>& msgs) {
    for (const auto& m : msgs) dp_->OnUpdate(m);
    Status st = dp_->Apply();
    ASSERT_TRUE(st.ok()) << st.message();
  }

  // True if a TCP connection from `from` to addr:port completes.
  bool Connects(const std::string& addr, int port, const std::string& from = "p") {
    return sb_.Exec(from, fmt::format("timeout 4 nc -z -w 1 {} {}", addr, port)) == 0;
  }

  // True if one echo request from `from` to `addr` gets its reply.
  bool Pings(const std::string& addr, const std::string& from = "p") {
    return sb_.Exec(from, fmt::format("timeout 4 ping -c 1 -W 1 {} >/dev/null 2>&1", addr)) == 0;
  }

  // Binds a UDP socket in h (dual stack) on `port`; kept until TearDown.
  int UdpSocket(int port) {
    int s = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    int zero = 0;
    setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(port);
    EXPECT_EQ(bind(s, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
    udp_.push_back(s);
    return s;
  }

  // True if a datagram sent by socat from p to addr:port reaches `sock`.
  bool UdpArrives(int sock, const std::string& addr, int port) {
    char buf[64];
    while (recv(sock, buf, sizeof(buf), MSG_DONTWAIT) > 0) {
    }
    sb_.Exec("p", fmt::format("echo hello | timeout 4 socat -u - UDP4-SENDTO:{}:{}", addr, port));
    pollfd pfd{sock, POLLIN, 0};
    if (poll(&pfd, 1, 1000) != 1) return false;
    return recv(sock, buf, sizeof(buf), MSG_DONTWAIT) == 6;
  }

  std::string BaseChain(const std::string& hook) {
    for (const auto& [name, c] : dp_->programmed().chains) {
      if (c.hook && c.hook->hook == hook && c.hook->priority == 0) return name;
    }
    return "";
  }

  NetnsSandbox sb_;
  std::unique_ptr<TeeBackend> backend_;
  std::unique_ptr<Dataplane> dp_;
  std::vector<int> udp_;
};

// NetnsTest driven by v1 datastore values: each Put/Delete goes through the
// model's decoder and a real calc graph for host "h"; Sync() flushes the
// graph into the driver and applies one transaction.
class GraphNetnsTest : public NetnsTest, private calc::MessageSink {
 protected:
  void SetUp() override {
    NetnsTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    graph_.OnConfig(Config().config);
    graph_.OnInSync();
  }
  void Put(const std::string& key, const std::string& raw) {
    const auto k = model::ParseKey(key);
    ASSERT_TRUE(k) << key;
    const model::Decoded d = model::DecodeValue(*k, raw, model::ValidationContext{"h", {"cali"}});
    ASSERT_TRUE(d.value) << raw << ": " << (d.issues.empty() ? "" : d.issues.front());
    graph_.OnUpdate(*k, d.value);
  }
  void Delete(const std::string& key) { graph_.OnUpdate(*model::ParseKey(key), std::nullopt); }
  void Sync() {
    graph_.Flush(*this);
    Status st = dp_->Apply();
    ASSERT_TRUE(st.ok()) << st.message();
  }

 private:
  void OnMessage(const calc::Message& m) override { dp_->OnUpdate(m); }
  calc::CalcGraph graph_{"h", calc::DataplaneConfig{}};
};

}  // namespace felix::dataplane::nstest
