// Integration tests (root) of our own netlink batches (DirectChange): the
// rules CompileRule builds are, byte for byte, the expressions (and comment
// user data) libnftables builds from the same text (read back from the kernel), over every chain of
// tables rendered from random policies; sets we create list as libnftables'
// do; a failing batch changes nothing.
#include <libmnl/libmnl.h>
#include <libnftnl/common.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include <cstdio>
#include <random>

#include <gtest/gtest.h>

#include "dataplane/dataplane.h"
#include "dataplane/netns.h"
#include "dataplane/nft_expr.h"
#include "rules/rules.h"

namespace felix::dataplane {
namespace {

using Bytes = std::string;  // raw NFTA_RULE_EXPRESSIONS of one rule, then its user data

// chain -> the expressions of its rules, in order, as the kernel dumps them.
std::map<std::string, std::vector<Bytes>> DumpRules() {
  std::map<std::string, std::vector<Bytes>> out;
  mnl_socket* nl = mnl_socket_open(NETLINK_NETFILTER);
  EXPECT_NE(nl, nullptr);
  if (nl == nullptr) return out;
  EXPECT_EQ(mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID), 0);
  std::vector<char> buf(size_t{1} << 20);
  nlmsghdr* nlh =
      nftnl_nlmsg_build_hdr(buf.data(), NFT_MSG_GETRULE, NFPROTO_INET, NLM_F_DUMP | NLM_F_ACK, 1);
  mnl_attr_put_strz(nlh, NFTA_RULE_TABLE, "calico");
  EXPECT_GE(mnl_socket_sendto(nl, nlh, nlh->nlmsg_len), 0);
  for (;;) {
    ssize_t n = mnl_socket_recvfrom(nl, buf.data(), buf.size());
    if (n <= 0) break;
    int rc = mnl_cb_run(
        buf.data(), n, 1, mnl_socket_get_portid(nl),
        [](const nlmsghdr* m, void* data) {
          struct Rule {
            std::string chain;
            Bytes exprs;
          } rule;
          mnl_attr_parse(
              m, sizeof(nfgenmsg),
              [](const nlattr* a, void* d) {
                auto* r = static_cast<Rule*>(d);
                if (mnl_attr_get_type(a) == NFTA_RULE_CHAIN) r->chain = mnl_attr_get_str(a);
                if (mnl_attr_get_type(a) == NFTA_RULE_EXPRESSIONS) {
                  r->exprs.insert(0, static_cast<const char*>(mnl_attr_get_payload(a)),
                                  mnl_attr_get_payload_len(a));
                }
                if (mnl_attr_get_type(a) == NFTA_RULE_USERDATA) {  // the comment
                  r->exprs += "|userdata:";
                  r->exprs.append(static_cast<const char*>(mnl_attr_get_payload(a)),
                                  mnl_attr_get_payload_len(a));
                }
                return MNL_CB_OK;
              },
              &rule);
          (*static_cast<std::map<std::string, std::vector<Bytes>>*>(data))[rule.chain].push_back(
              rule.exprs);
          return MNL_CB_OK;
        },
        &out);
    if (rc <= MNL_CB_STOP) break;
  }
  mnl_socket_close(nl);
  return out;
}

// `nft list` of one object, as an operator sees it.
std::string NftList(const std::string& what) {
  std::string out;
  FILE* p = popen(("nft list " + what + " 2>&1").c_str(), "r");
  if (p == nullptr) return "(popen failed)";
  char line[512];
  while (fgets(line, sizeof line, p) != nullptr) out += line;
  pclose(p);
  return out;
}

// Random rules over every field the renderer matches on. `direct_forms`:
// no address lists and no ranges in port lists (forms libnftables keeps).
class RandomRules {
 public:
  explicit RandomRules(unsigned seed, bool direct_forms = false)
      : rng_(seed), direct_forms_(direct_forms) {}

  calc::Rule Next() {
    calc::Rule r;
    static const model::Action kActions[] = {model::Action::kAllow, model::Action::kDeny,
                                             model::Action::kNextTier, model::Action::kLog};
    r.action = kActions[Pick(4)];
    if (Pick(5) == 0) r.log_prefix = "pfx" + std::to_string(Pick(3));
    static const char* kProtocols[] = {"tcp",    "udp", "sctp", "udplite", "icmp",
                                       "icmpv6", "47",  "1",    "58"};
    if (Pick(4) != 0) r.match.protocol = kProtocols[Pick(9)];
    if (Pick(6) == 0) r.not_match.protocol = kProtocols[Pick(9)];
    if (Pick(6) == 0) r.ip_version = Pick(2) ? 4 : 6;
    for (calc::RuleMatch* m : {&r.match, &r.not_match}) {
      if (Pick(4) == 0) m->src_net = Net();
      if (Pick(4) == 0) m->dst_net = Net();
      if (!direct_forms_ && Pick(8) == 0) m->src_nets = std::vector{Net(), Net()};
      if (Pick(3) == 0) m->src_ip_set_ids = {"s" + std::to_string(Pick(3))};
      if (Pick(5) == 0) m->dst_ip_set_ids = {"s" + std::to_string(Pick(3))};
      const bool ports = r.match.protocol && *r.match.protocol != "icmp" &&
                         *r.match.protocol != "icmpv6" && *r.match.protocol != "1" &&
                         *r.match.protocol != "58";
      if (ports && Pick(2)) m->dst_ports = Ports();
      if (ports && Pick(3) == 0) m->src_ports = Ports();
      if (Pick(3) == 0) m->icmp_type = Pick(256);
      if (Pick(4) == 0) m->icmp_code = Pick(256);
    }
    return r;
  }

  int Pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }

 private:
  model::Cidr Net() {
    static const char* kNets[] = {"10.1.2.3/32", "10.0.0.0/8",     "10.1.0.0/17",
                                  "0.0.0.0/0",   "192.168.1.0/24", "fd00::1/128",
                                  "fd00::/64",   "fd00::/13",      "::/0"};
    const char* c = kNets[Pick(9)];
    return *model::ParseCidr(c, std::string(c).find(':') == std::string::npos ? 4 : 6);
  }
  std::vector<model::PortRange> Ports() {
    std::vector<model::PortRange> out;
    const int n = Pick(3) == 0 ? 2 + Pick(2) : 1;
    for (int i = n; i > 0; --i) {
      const int lo = Pick(2) ? Pick(65536) : Pick(1024);
      const bool range = Pick(3) == 0 && !(direct_forms_ && n > 1);
      out.push_back(range ? model::PortRange{lo, std::min(65535, lo + Pick(5000))}
                          : model::PortRange{lo, lo});
    }
    return out;
  }
  std::mt19937 rng_;
  bool direct_forms_;
};

// A desired state with random policies and profiles on host and workload
// endpoints (one with a MAC), untracked policy, and three IP sets.
rules::DesiredState RandomState(unsigned seed, bool direct_forms = false) {
  RandomRules gen(seed, direct_forms);
  rules::DesiredState s;
  s.in_sync = true;
  s.config.failsafe_inbound = {config::FailsafePort{config::Protocol::kTcp, "", 22}};
  for (int i = 0; i < 3; ++i) {
    s.ip_sets["s" + std::to_string(i)] = {*model::ParseCidr("10.0.0.1/32", 4),
                                          *model::ParseCidr("fd00::1/128", 6)};
  }
  std::vector<std::string> names;
  for (int p = 0; p < 8; ++p) {
    calc::ActivePolicyUpdate u;
    u.id = {"default", "p" + std::to_string(p)};
    for (int k = gen.Pick(4) + 1; k > 0; --k) u.inbound.push_back(gen.Next());
    for (int k = gen.Pick(3); k > 0; --k) u.outbound.push_back(gen.Next());
    u.untracked = p == 7;
    names.push_back(u.id.name);
    rules::ApplyMessage(s, u);
  }
  calc::ActiveProfileUpdate pr{"prof", {gen.Next(), gen.Next()}, {gen.Next()}};
  rules::ApplyMessage(s, pr);
  calc::HostEndpointUpdate h;
  h.id.endpoint = "h0";
  h.name = "eth0";
  h.policy.tiers = {calc::TierInfo{"default", {names.begin(), names.begin() + 7}}};
  h.policy.untracked_tiers = {calc::TierInfo{"default", {"p7"}}};
  h.policy.profile_ids = {"prof"};
  rules::ApplyMessage(s, h);
  calc::WorkloadEndpointUpdate w;
  w.id = {"k8s", "wl", "eth0"};
  w.name = "cali1";
  w.active = true;
  w.mac = "02:00:00:00:00:01";
  w.policy.tiers = {calc::TierInfo{"default", {"p1", "p3"}}};
  w.policy.profile_ids = {"prof"};
  rules::ApplyMessage(s, w);
  return s;
}

class DirectNetnsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "integration tests need root";
    Status st = sb_.Add("h");
    if (!st.ok()) GTEST_SKIP() << st.message();
    ASSERT_TRUE(sb_.Enter("h").ok());
    auto b = MakeLibNftablesBackend();
    ASSERT_TRUE(b.ok()) << b.status().message();
    nft_ = std::move(*b);
  }
  void TearDown() override {
    nft_.reset();
    sb_.Leave();
  }

  NetnsSandbox sb_;
  std::unique_ptr<NftBackend> nft_;
};

TEST_F(DirectNetnsTest, CompiledRulesAreTheExpressionsLibnftablesBuilds) {
  size_t compared = 0, texts = 0, compiled = 0;
  for (unsigned seed = 1; seed <= 40; ++seed) {
    const rules::Table t = rules::Render(RandomState(seed), rules::InterfaceResolution{});
    ASSERT_TRUE(nft_->Run(FullReplaceScript(t)).ok()) << "seed " << seed;
    // Every regular chain again, as a copy built by us, all in one batch.
    DirectChange c;
    std::map<std::string, std::string> copy_of;
    for (const auto& [name, chain] : t.chains) {
      if (chain.hook) continue;
      std::vector<std::string> ok;
      for (const auto& r : chain.rules) {
        ++texts;
        auto e = CompileRule(r);
        // Anonymous sets get the kernel's next names (__setN), so the copy's
        // lookups differ by name: FullProgramIsTheTableLibnftablesMakes
        // compares those, table against table.
        const bool anonymous = e && std::any_of(e->begin(), e->end(), [](const NftExpr& x) {
                                 return x.kind == NftExpr::Kind::kLookup && x.name.empty();
                               });
        if (e && !anonymous) ok.push_back(r);
      }
      compiled += ok.size();
      if (ok.size() != chain.rules.size() || ok.empty()) continue;
      const std::string copy = fmt::format("zz-{}", copy_of.size());
      copy_of[copy] = name;
      c.new_chains.push_back(copy);
      c.rules.push_back({copy, ok});
    }
    Status st = nft_->Commit(c);
    ASSERT_TRUE(st.ok()) << st.message() << "\nseed " << seed << "\n" << DirectChangeScript(c);
    const auto dump = DumpRules();
    for (const auto& [copy, name] : copy_of) {
      ASSERT_TRUE(dump.contains(name) && dump.contains(copy)) << name;
      const auto& want = dump.at(name);
      const auto& got = dump.at(copy);
      ASSERT_EQ(got.size(), want.size()) << name;
      for (size_t i = 0; i < want.size(); ++i) {
        EXPECT_EQ(got[i], want[i]) << "seed " << seed << " chain " << name << " rule " << i << ": "
                                   << t.chains.at(name).rules[i] << "\nours:\n"
                                   << DescribeExprs(*CompileRule(t.chains.at(name).rules[i]));
        ++compared;
      }
    }
  }
  // Most of the renderer's rules take the direct path (the rest use
  // anonymous sets: port and address lists).
  EXPECT_GT(compared, 1000u);
  EXPECT_GT(compiled * 10, texts * 6) << compiled << " of " << texts;
  std::printf("compared %zu rules; %zu of %zu rule texts compiled\n", compared, compiled, texts);
}

// The first program as our own batch gives the table libnftables gives:
// the same listing, the same expressions in every rule.
TEST_F(DirectNetnsTest, FullProgramIsTheTableLibnftablesMakes) {
  ASSERT_TRUE(sb_.Add("ref").ok());
  int direct = 0;
  for (unsigned seed = 1; seed <= 30; ++seed) {
    // Even seeds: every form (address lists and ranges in anonymous
    // interval sets); odd: single values only.
    const rules::Table t = rules::Render(RandomState(seed, /*direct_forms=*/seed % 2 == 1),
                                         rules::InterfaceResolution{});
    if (!FullProgramIsDirect(t)) continue;
    ++direct;
    DirectChange c;
    c.replace = &t;
    Status st = nft_->Commit(c);
    ASSERT_TRUE(st.ok()) << st.message() << "\nseed " << seed;
    const std::string ours = NftList("table inet calico");
    const auto our_rules = DumpRules();
    // The same table through libnftables, in the other namespace.
    ASSERT_TRUE(sb_.Enter("ref").ok());
    {
      auto ref = MakeLibNftablesBackend();
      ASSERT_TRUE(ref.ok());
      ASSERT_TRUE((*ref)->Run(FullReplaceScript(t)).ok());
      EXPECT_EQ(ours, NftList("table inet calico")) << "seed " << seed;
      EXPECT_EQ(our_rules, DumpRules()) << "seed " << seed;
    }
    ASSERT_TRUE(sb_.Enter("h").ok());
  }
  // Every table qualifies unless a list repeats a value (libnftables, which
  // drops the repeat, programs those).
  EXPECT_GE(direct, 25);
  std::printf("%d of 30 random tables programmed as our own batch\n", direct);
}

TEST_F(DirectNetnsTest, SetsChainsAndElementsInOneBatchListAsLibnftablesMakesThem) {
  ASSERT_TRUE(nft_->Run("add table inet calico\n"
                        "add set inet calico ref4 { type ipv4_addr; }\n"
                        "add element inet calico ref4 { 10.0.0.1, 10.0.0.2 }\n"
                        "add set inet calico ref6 { type ipv6_addr; }\n"
                        "add element inet calico ref6 { fd00::1 }\n"
                        "add set inet calico old { type ipv4_addr; }\n"
                        "add chain inet calico gone\n"
                        "add rule inet calico gone ip saddr @old drop\n")
                  .ok());
  DirectChange c;
  c.new_chains = {"pol"};
  c.new_sets = {{"new4", 4, {"10.0.0.1", "10.0.0.2"}}, {"new6", 6, {"fd00::1"}}};
  c.elements = {{"ref4", 4, {"10.0.0.2"}, {"10.0.0.3"}}};
  c.flush_chains = {"gone"};
  c.rules = {{"pol",
              {"meta nfproto ipv4 ip saddr @new4 tcp dport 80 accept",
               "meta nfproto ipv6 ip6 saddr != @new6 drop"}}};
  c.delete_chains = {"gone"};
  c.delete_sets = {"old"};
  Status st = nft_->Commit(c);
  ASSERT_TRUE(st.ok()) << st.message();
  auto body = [](std::string s, const std::string& name) {
    s.replace(s.find("set " + name), 4 + name.size(), "set X");
    return s;
  };
  EXPECT_EQ(body(NftList("set inet calico new6"), "new6"),
            body(NftList("set inet calico ref6"), "ref6"));
  const std::string ref4 = NftList("set inet calico ref4");
  EXPECT_NE(ref4.find("10.0.0.1, 10.0.0.3"), std::string::npos) << ref4;
  ASSERT_TRUE(nft_->Run("flush set inet calico ref4\n"
                        "add element inet calico ref4 { 10.0.0.1, 10.0.0.2 }\n")
                  .ok());
  EXPECT_EQ(body(NftList("set inet calico new4"), "new4"),
            body(NftList("set inet calico ref4"), "ref4"));
  const std::string pol = NftList("chain inet calico pol");
  EXPECT_NE(pol.find("ip saddr @new4 tcp dport 80 accept"), std::string::npos) << pol;
  EXPECT_NE(pol.find("ip6 saddr != @new6 drop"), std::string::npos) << pol;
  EXPECT_NE(NftList("chain inet calico gone").find("No such file"), std::string::npos);
  EXPECT_NE(NftList("set inet calico old").find("No such file"), std::string::npos);
}

TEST_F(DirectNetnsTest, AFailingBatchChangesNothing) {
  ASSERT_TRUE(nft_->Run("add table inet calico\nadd set inet calico s { type ipv4_addr; }\n").ok());
  Result<uint32_t> before = nft_->Generation();
  ASSERT_TRUE(before.ok());
  DirectChange c;
  c.new_chains = {"a"};
  c.rules = {{"a", {"ip saddr @s accept"}}};
  c.elements = {{"s", 4, {}, {"10.0.0.9"}}};
  c.delete_chains = {"no-such-chain"};  // fails last: the whole batch is aborted
  Status st = nft_->Commit(c);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(NftList("chain inet calico a").find("No such file"), std::string::npos);
  EXPECT_EQ(NftList("set inet calico s").find("10.0.0.9"), std::string::npos);
  EXPECT_EQ(*nft_->Generation(), *before);
  // The socket is still usable: the next batch goes through.
  c.delete_chains.clear();
  st = nft_->Commit(c);
  EXPECT_TRUE(st.ok()) << st.message();
  EXPECT_NE(NftList("set inet calico s").find("10.0.0.9"), std::string::npos);
}

TEST_F(DirectNetnsTest, LargeBatchesGoWhole) {
  // A new shared list of 8,000 rules and 20,000 set members in one batch:
  // beyond the socket's default send buffer and one element message.
  ASSERT_TRUE(nft_->Run("add table inet calico\nadd chain inet calico target\n").ok());
  DirectChange c;
  c.new_sets = {{"big", 4, {}}};
  for (int i = 0; i < 20000; ++i) {
    c.new_sets[0].elements.push_back(fmt::format("10.{}.{}.{}", i >> 16, (i >> 8) & 255, i & 255));
  }
  c.new_chains = {"list"};
  c.rules = {{"list", {}}};
  for (int i = 0; i < 4000; ++i) {
    c.rules[0].rules.push_back("meta mark & 0x02000000 == 0 jump target");
    c.rules[0].rules.push_back(
        "meta mark & 0x01000000 == 0x01000000 meta mark set meta mark & 0xfcffffff return");
  }
  Status st = nft_->Commit(c);
  ASSERT_TRUE(st.ok()) << st.message();
  Result<TableShape> shape = nft_->ReadShape();
  ASSERT_TRUE(shape.ok());
  EXPECT_EQ(shape->chain_rules.at("list"), 8000u);
  EXPECT_EQ(shape->set_elements.at("big"), 20000u);
}

}  // namespace
}  // namespace felix::dataplane
