// The differential test of the rule semantics (root; ctest label
// `integration`): random valid policies (every rule field, positive and
// negated, through every protocol spelling) are programmed into a real
// kernel as the agent would, real packets are sent (TCP from chosen source
// addresses and ports, ICMP and ICMPv6 echo, both directions), and each
// packet's fate is compared with `felixctl trace`'s evaluator (rules/trace.h,
// written from the data model, not from the nft text). A third of the cases
// add a second tier (reached by next-tier) and a profile. Any mismatch fails
// with the rules, the packet and trace's steps. FELIX_DIFF_CASES (default
// 40) and FELIX_DIFF_SEED set the run.
#include <fcntl.h>
#include <sys/socket.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

#include "dataplane/netns_fixture.h"
#include "rules/trace.h"

namespace felix::dataplane {
namespace {

using namespace nstest;  // NOLINT: the fixture's helpers
using model::Action;
using rules::Packet;

const int kPorts[] = {5000, 5001, 5002, 6000};
const char* const kHost4[] = {"10.99.0.1", "10.99.0.10"};
const char* const kPeer4[] = {"10.99.0.2", "10.99.0.3", "10.99.0.4"};
const char* const kHost6[] = {"fd99::1", "fd99::10"};
const char* const kPeer6[] = {"fd99::2", "fd99::3"};

model::IpAddr Ip(const std::string& s) { return *model::ParseIpAddr(s, 0); }
model::Cidr Net(const std::string& s) { return *model::ParseCidr(s, 0); }

// Random rules that the model accepts: ports only with a port protocol,
// ICMP code only with a type, no icmp/icmpv6 name against the other
// ip_version.
class RuleGen {
 public:
  explicit RuleGen(uint32_t seed) : rng_(seed) {}
  int Pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }

  // Each field is rare, so that rules match often enough for every field
  // to decide some packets.
  calc::Rule Next() {
    calc::Rule r;
    static const Action kActions[] = {Action::kAllow,   Action::kAllow, Action::kAllow,
                                      Action::kDeny,    Action::kDeny,  Action::kLog,
                                      Action::kNextTier};
    r.action = kActions[Pick(7)];
    static const char* kProtocols[] = {"tcp", "6", "icmp", "1", "icmpv6", "58", "udp"};
    if (Pick(2) == 0) r.match.protocol = kProtocols[Pick(7)];
    if (Pick(10) == 0) r.not_match.protocol = kProtocols[Pick(7)];
    if (Pick(8) == 0) r.ip_version = Pick(2) ? 4 : 6;
    const std::string proto = r.match.protocol.value_or("");
    if ((r.ip_version == 4 && proto == "icmpv6") || (r.ip_version == 6 && proto == "icmp")) {
      r.ip_version.reset();
    }
    const bool ports = proto == "tcp" || proto == "6" || proto == "udp";
    for (calc::RuleMatch* m : {&r.match, &r.not_match}) {
      if (Pick(7) == 0) m->src_net = Cidr();
      if (Pick(9) == 0) m->dst_net = Cidr();
      if (Pick(12) == 0) m->src_nets = std::vector{Cidr(), Cidr()};
      if (Pick(14) == 0) m->dst_nets = std::vector{Cidr(), Cidr()};
      if (Pick(8) == 0) m->src_ip_set_ids = {"s" + std::to_string(Pick(3))};
      if (Pick(12) == 0) m->dst_ip_set_ids = {"s" + std::to_string(Pick(3))};
      if (ports && Pick(3) == 0) m->dst_ports = DstPorts();
      if (ports && Pick(4) == 0) m->src_ports = SrcPorts();
      if (!ports && Pick(4) == 0) {
        static const int kTypes[] = {8, 8, 128, 128, 0, 3, 129};
        m->icmp_type = kTypes[Pick(7)];
        if (Pick(3) == 0) m->icmp_code = Pick(2);
      }
    }
    return r;
  }

 private:
  model::Cidr Cidr() {
    static const char* kNets[] = {"10.99.0.0/24", "10.99.0.2/32", "10.99.0.3/32", "10.99.0.0/30",
                                  "10.99.0.8/29", "0.0.0.0/0",    "fd99::/64",    "fd99::2/128",
                                  "fd99::/120",   "fd99::10/128", "::/0",         "10.99.0.10/32"};
    return Net(kNets[Pick(12)]);
  }
  std::vector<model::PortRange> DstPorts() {
    std::vector<model::PortRange> out;
    for (int i = Pick(2); i >= 0; --i) {
      const int a = kPorts[Pick(4)], b = kPorts[Pick(4)];
      out.push_back(Pick(2) ? model::PortRange{a, a}
                            : model::PortRange{std::min(a, b), std::max(a, b)});
    }
    return out;
  }
  std::vector<model::PortRange> SrcPorts() {
    const int lo = 20000 + Pick(44000);
    return {{lo, std::min(65535, lo + Pick(25000))}};
  }
  std::mt19937 rng_;
};

class DifferentialNetnsTest : public NetnsTest {
 protected:
  void SetUp() override {
    NetnsTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_EQ(sb_.Exec("h",
                       "ip addr add 10.99.0.10/24 dev eth0 && "
                       "ip addr add fd99::10/64 dev eth0 nodad"),
              0);
    ASSERT_EQ(sb_.Exec("p",
                       "ip addr add 10.99.0.3/24 dev peer0 && ip addr add 10.99.0.4/24 dev peer0 "
                       "&& ip addr add fd99::3/64 dev peer0 nodad"),
              0);
    for (const char* role : {"p", "h"}) {
      ASSERT_TRUE(sb_.Enter(role).ok());
      for (int port : kPorts) listeners_.push_back(ListenSocket(port));
    }
    // The fixture left this thread in h; Enter("h") above did too.
  }
  void TearDown() override {
    for (int s : listeners_) close(s);
    NetnsTest::TearDown();
  }

  static int ListenSocket(int port) {
    const int s = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    int zero = 0, one = 1;
    setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(static_cast<uint16_t>(port));
    EXPECT_EQ(bind(s, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0) << port;
    EXPECT_EQ(listen(s, 512), 0);
    return s;
  }
  // Accepts and closes what the probes left, so no accept queue fills up.
  void Drain() {
    for (int s : listeners_) {
      for (int c; (c = accept4(s, nullptr, nullptr, SOCK_CLOEXEC)) >= 0;) close(c);
    }
  }

  struct Probe {
    Packet packet;
    bool inbound = true;  // p -> h (inbound rules) or h -> p (outbound rules)
    std::string command;
  };

  Probe RandomProbe(RuleGen& g) {
    Probe pr;
    pr.inbound = g.Pick(3) != 0;
    Packet& p = pr.packet;
    p.family = g.Pick(3) == 0 ? 6 : 4;
    const bool tcp = g.Pick(3) != 0;
    auto pick = [&](auto& arr) {
      return std::string(arr[g.Pick(static_cast<int>(std::size(arr)))]);
    };
    const std::string host = p.family == 4 ? pick(kHost4) : pick(kHost6);
    const std::string peer = p.family == 4 ? pick(kPeer4) : pick(kPeer6);
    const std::string src = pr.inbound ? peer : host, dst = pr.inbound ? host : peer;
    p.src = Ip(src);
    p.dst = Ip(dst);
    if (tcp) {
      p.proto = 6;
      p.sport = next_sport_++;
      if (next_sport_ > 64000) next_sport_ = 20000;
      p.dport = kPorts[g.Pick(4)];
      pr.command =
          fmt::format("nc -{} -z -w 1 -s {} -p {} {} {}", p.family, src, p.sport, dst, p.dport);
    } else {
      p.proto = p.family == 4 ? 1 : 58;
      p.icmp_type = p.family == 4 ? 8 : 128;
      p.icmp_code = 0;
      pr.command = fmt::format("ping -{} -c 1 -W 1 -I {} {} >/dev/null 2>&1", p.family, src, dst);
    }
    return pr;
  }

  // Runs the probes in parallel (p's in p, h's in h); true = got through.
  std::vector<bool> RunProbes(const std::vector<Probe>& probes) {
    const std::string dir = fmt::format("/tmp/felix-diff-{}", getpid());
    std::vector<bool> out(probes.size(), false);
    for (const char* role : {"p", "h"}) {
      std::string script = fmt::format("mkdir -p {0}; ", dir);
      bool any = false;
      for (size_t i = 0; i < probes.size(); ++i) {
        if (probes[i].inbound != (std::string(role) == "p")) continue;
        any = true;
        script += fmt::format("( timeout 4 {} && echo 1 > {}/{} || echo 0 > {}/{} ) & ",
                              probes[i].command, dir, i, dir, i);
      }
      if (!any) continue;
      script += "wait";
      sb_.Exec(role, script);
    }
    for (size_t i = 0; i < probes.size(); ++i) {
      std::ifstream f(fmt::format("{}/{}", dir, i));
      std::string v;
      f >> v;
      out[i] = v == "1";
    }
    Sh("rm -rf " + dir);
    return out;
  }

  std::vector<int> listeners_;
  int next_sport_ = 20000 + static_cast<int>(getpid() % 1000) * 40;
};

std::string Show(const Packet& p, bool inbound) {
  return fmt::format(
      "{} {} {} {}:{} -> {}:{}{}", inbound ? "in" : "out", p.family == 4 ? "v4" : "v6",
      p.proto == 6   ? "tcp"
      : p.proto == 1 ? "icmp"
                     : "icmpv6",
      p.src.ToString(), p.sport, p.dst.ToString(), p.dport,
      p.icmp_type >= 0 ? fmt::format(" type {} code {}", p.icmp_type, p.icmp_code) : "");
}

TEST_F(DifferentialNetnsTest, RandomRulesAgreeWithTraceOnRealPackets) {
  const int cases =
      std::getenv("FELIX_DIFF_CASES") ? std::atoi(std::getenv("FELIX_DIFF_CASES")) : 40;
  const uint32_t seed = std::getenv("FELIX_DIFF_SEED")
                            ? static_cast<uint32_t>(std::atoll(std::getenv("FELIX_DIFF_SEED")))
                            : std::random_device{}();
  RuleGen g(seed);
  const rules::IpSetMembers sets = {
      {"s0", {Net("10.99.0.2/32"), Net("fd99::2/128")}},
      {"s1", {Net("10.99.0.3/32"), Net("10.99.0.4/32"), Net("10.99.0.10/32")}},
      {"s2", {Net("10.99.0.0/30"), Net("fd99::/120")}},
  };
  std::vector<calc::Message> base = {Config()};
  for (const auto& [id, members] : sets) {
    base.push_back(calc::IpSetUpdate{id, {members.begin(), members.end()}});
  }
  rules::DesiredState state;
  // Random rules, then often a catch-all: whether a rule matched then
  // decides the packet either way.
  auto random_rules = [&](int ends) {
    std::vector<calc::Rule> rules;
    for (int i = g.Pick(2) + 1; i > 0; --i) rules.push_back(g.Next());
    static const Action kEnds[] = {Action::kAllow, Action::kDeny, Action::kNextTier};
    if (const int end = g.Pick(ends + 1); end < ends) {
      calc::Rule all;
      all.action = kEnds[end];
      rules.push_back(all);
    }
    return rules;
  };
  int probes_run = 0, mismatches = 0, allowed = 0;
  for (int c = 0; c < cases && mismatches < 5; ++c) {
    const bool layered = g.Pick(3) == 0;
    std::vector<calc::Message> msgs = c == 0 ? base : std::vector<calc::Message>{};
    calc::ActivePolicyUpdate diff =
        Policy("diff", random_rules(layered ? 3 : 2), random_rules(layered ? 3 : 2));
    // Its types leave out a direction now and then.
    diff.governs_inbound = g.Pick(6) != 0;
    diff.governs_outbound = g.Pick(6) != 0;
    msgs.push_back(diff);
    calc::HostEndpointUpdate ep = Hep("ep0", "eth0", {"diff"});
    ep.policy.tiers[0].default_pass = g.Pick(4) == 0;
    if (g.Pick(4) == 0) {  // pre-DNAT policy before the normal policy
      calc::ActivePolicyUpdate pre = Policy("pre", random_rules(3), {}, "p");
      pre.pre_dnat = true;
      msgs.push_back(pre);
      ep.policy.pre_dnat_tiers = {calc::TierInfo{"p", {"pre"}}};
    }
    if (layered) {
      msgs.push_back(Policy("second", random_rules(2), random_rules(2), "t2"));
      msgs.push_back(calc::ActiveProfileUpdate{"prof", random_rules(2), random_rules(2)});
      ep.policy.tiers.push_back(calc::TierInfo{"t2", {"second"}, g.Pick(3) == 0});
      ep.policy.profile_ids = {"prof"};
    }
    msgs.push_back(ep);
    if (c == 0) msgs.push_back(calc::InSync{});
    for (const auto& m : msgs) rules::ApplyMessage(state, m);
    ASSERT_NO_FATAL_FAILURE(Program(msgs));
    std::vector<Probe> probes;
    for (int i = 0; i < 24; ++i) probes.push_back(RandomProbe(g));
    const std::vector<bool> got = RunProbes(probes);
    Drain();
    for (size_t i = 0; i < probes.size(); ++i) {
      ++probes_run;
      allowed += got[i] ? 1 : 0;
      const bool in = probes[i].inbound;
      const rules::TraceResult want =
          rules::Trace(state, {}, {in ? "eth0" : "", in ? "" : "eth0", probes[i].packet});
      if (got[i] == want.allowed) continue;
      ++mismatches;
      std::string text;
      for (const auto& [id, p] : state.policies) {
        text += fmt::format("\n  policy {}/{}:", id.tier, id.name);
        for (const auto& r : in ? p.inbound : p.outbound) text += "\n    " + rules::DescribeRule(r);
      }
      for (const auto& [id, p] : state.profiles) {
        text += fmt::format("\n  profile {}:", id);
        for (const auto& r : in ? p.inbound : p.outbound) text += "\n    " + rules::DescribeRule(r);
      }
      text += "\n  endpoint: " + std::to_string(ep.policy.pre_dnat_tiers.size()) +
              " pre-DNAT tiers, " + std::to_string(ep.policy.tiers.size()) + " tiers, " +
              std::to_string(ep.policy.profile_ids.size()) + " profiles\n  trace:";
      for (const auto& step : want.steps) text += "\n    " + step;
      ADD_FAILURE() << "seed " << seed << " case " << c << ": " << Show(probes[i].packet, in)
                    << ": kernel " << (got[i] ? "allowed" : "dropped") << ", trace "
                    << (want.allowed ? "allows" : "drops") << text;
    }
  }
  std::cout << "differential: seed " << seed << ", " << cases << " policies, " << probes_run
            << " packets (" << allowed << " allowed), " << mismatches << " mismatches\n";
  EXPECT_GT(allowed, probes_run / 10) << "too few packets got through to tell anything";
  EXPECT_LT(allowed, probes_run - probes_run / 10) << "too few packets dropped to tell anything";
}

}  // namespace
}  // namespace felix::dataplane
