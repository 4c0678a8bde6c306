// Validates a full rendered table with the real nft parser: `nft -c -f`
// (check only, nothing is committed) inside a throwaway network namespace.
// Skipped unless running as root with `ip` and `nft` available.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "rules/rules.h"
#include "rules/test_util.h"

namespace felix::rules {
namespace {

using namespace testing;  // NOLINT
using model::Action;

// A state touching every chain shape and rule field.
DesiredState FullState() {
  DesiredState s;
  s.config.interface_prefixes = {"cali", "tap"};
  s.config.default_endpoint_to_host_action = config::EndpointToHostAction::kReturn;
  s.config.failsafe_inbound = {{config::Protocol::kTcp, "", 22},
                               {config::Protocol::kUdp, "10.0.0.0/8", 68}};
  s.config.failsafe_outbound = {{config::Protocol::kTcp, "fd00::/8", 2379}};
  s.ip_sets["s:sel+/="] = {C("10.0.0.0/24"), C("10.0.0.5/32"), C("fd00::1/128")};
  s.ip_sets["t:tag"] = {};

  std::vector<calc::Rule> rules;
  auto add = [&](calc::Rule r) { rules.push_back(std::move(r)); };
  auto tcp = Proto("tcp");
  tcp.match.dst_ports = Ports({{22, 22}, {8000, 8080}});
  tcp.not_match.src_ports = Ports({{1, 1023}});
  tcp.log_prefix = "ssh";
  add(tcp);
  auto num = WithAction(Proto("17"), Action::kDeny);
  num.match.dst_ports = Ports({{53, 53}});
  add(num);
  calc::Rule nets;
  nets.match.src_nets = std::vector{C("10.1.2.3/16"), C("fd00::/8")};
  nets.not_match.dst_net = C("192.168.0.0/16");
  nets.match.src_ip_set_ids = {"s:sel+/="};
  nets.not_match.dst_ip_set_ids = {"t:tag"};
  add(WithAction(nets, Action::kNextTier));
  auto icmp = Proto("icmp");
  icmp.match.icmp_type = 8;
  icmp.match.icmp_code = 0;
  add(icmp);
  auto icmp6 = WithAction(Proto("icmpv6"), Action::kDeny);
  icmp6.not_match.icmp_type = 1;
  icmp6.not_match.icmp_code = 3;
  add(icmp6);
  calc::Rule v6;
  v6.ip_version = 6;
  v6.not_match.protocol = "47";
  add(WithAction(v6, Action::kLog));

  s.policies[{"t1", "all-fields"}] =
      calc::ActivePolicyUpdate{{"t1", "all-fields"}, rules, rules, false};
  s.policies[{"t1", "raw"}] = calc::ActivePolicyUpdate{{"t1", "raw"}, rules, rules, true};
  s.profiles["prof"] = calc::ActiveProfileUpdate{"prof", rules, rules};

  calc::EndpointPolicy p;
  p.tiers = {{"t1", {"all-fields"}}};
  p.untracked_tiers = {{"t1", {"raw"}}};
  p.profile_ids = {"prof", "missing"};
  calc::HostEndpointUpdate h;
  h.id = {"eth0-ep"};
  h.name = "eth0";
  h.policy = p;
  s.host_endpoints[h.id] = h;
  h.id = {"by ip"};
  h.name.reset();
  s.host_endpoints[h.id] = h;
  calc::WorkloadEndpointUpdate w;
  w.id = {"k8s", "pod", "eth0"};
  w.name = "cali1";
  w.active = true;
  w.mac = "02:00:00:00:00:01";
  w.policy.tiers = p.tiers;
  w.policy.profile_ids = {"prof"};
  s.workload_endpoints[w.id] = w;
  w.id.endpoint = "eth1";
  w.name = "tap2";
  w.active = false;
  s.workload_endpoints[w.id] = w;
  return s;
}

int Shell(const std::string& cmd) { return std::system(cmd.c_str()); }

// Loads `script` with `nft -f` in a fresh network namespace (committed there
// for real: check mode skips some kernel-side validation). Returns nft's exit
// status, or -1 if the namespace could not be created; `errors` gets nft's
// output.
int LoadInNetns(const std::string& script, std::string& errors) {
  const std::string pid = std::to_string(getpid());
  const std::string file = "/tmp/felixrules-" + pid + ".nft";
  const std::string ns = "felixrules-" + pid;
  {
    std::ofstream out(file);
    out << script;
  }
  if (Shell("ip netns add " + ns) != 0) return -1;
  const std::string out_file = file + ".out";
  int rc = Shell("ip netns exec " + ns + " nft -f " + file + " > " + out_file + " 2>&1");
  Shell("ip netns del " + ns);
  std::ifstream in(out_file);
  errors.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  std::remove(file.c_str());
  std::remove(out_file.c_str());
  return rc;
}

class NftCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root";
    if (Shell("command -v nft >/dev/null && command -v ip >/dev/null") != 0) {
      GTEST_SKIP() << "needs nft and ip";
    }
  }
};

TEST_F(NftCheckTest, FullTableLoads) {
  InterfaceResolution r;
  r.v4_ifaces[{"by ip"}] = {"eth1"};
  r.v6_ifaces[{"by ip"}] = {"eth2"};
  const std::string script = ToNftScript(Render(FullState(), r));
  std::string errors;
  int rc = LoadInNetns(script, errors);
  if (rc == -1) GTEST_SKIP() << "cannot create a netns";
  EXPECT_EQ(rc, 0) << errors << "\n" << script;
}

// Negative control: the harness does see nft's rejection.
TEST_F(NftCheckTest, BrokenTableIsRejected) {
  Table t;
  t.chains["cali-x"] = Chain{std::nullopt, {"jump cali-does-not-exist"}};
  std::string errors;
  int rc = LoadInNetns(ToNftScript(t), errors);
  if (rc == -1) GTEST_SKIP() << "cannot create a netns";
  EXPECT_NE(rc, 0);
  EXPECT_NE(errors.find("cali-does-not-exist"), std::string::npos) << errors;
}

}  // namespace
}  // namespace felix::rules
