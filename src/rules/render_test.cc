// Render tests: exact chain and map contents for every chain shape (base
// chains, failsafe, tiers, next-tier, profiles incl. missing, workloads incl.
// MAC and inactive, DefaultEndpointToHostAction, untracked, forward, IPv6
// sets, IP-only host endpoints).
#include <gtest/gtest.h>

#include "rules/match.h"
#include "rules/rules.h"
#include "rules/test_util.h"

namespace felix::rules {
namespace {

using namespace testing;  // NOLINT
using Rules = std::vector<std::string>;

const char kCt1[] = "ct state established,related accept";
const char kCt2[] = "ct state invalid drop";
const char kNdp[] = "icmpv6 type 133-136 accept";
const char kClear[] = "meta mark set meta mark & 0xfcffffff";
const char kAllowed[] =
    "meta mark & 0x01000000 == 0x01000000 meta mark set meta mark & 0xfcffffff return";
const char kFinal[] = "counter drop comment \"no policy or profile allowed\"";

std::string TierDrop(const std::string& tier) {
  return "meta mark & 0x02000000 == 0 counter drop comment \"end of tier " + tier + "\"";
}

calc::HostEndpointUpdate NamedHost(const char* id, const char* iface, calc::EndpointPolicy p = {}) {
  calc::HostEndpointUpdate h;
  h.id = {id};
  h.name = iface;
  h.policy = std::move(p);
  return h;
}

Rules ChainRules(const Table& t, const std::string& name) {
  auto it = t.chains.find(name);
  if (it == t.chains.end()) return {"<missing chain " + name + ">"};
  return it->second.rules;
}

// An endpoint chain's effective rules: its own, with the final (counted)
// `goto` of its shared policy list replaced by the list's rules.
Rules Effective(const Table& t, const std::string& name) {
  Rules own = ChainRules(t, name);
  if (own.empty() || !own.back().starts_with("counter goto cali-pl-")) return own;
  const std::string list = own.back().substr(13);
  own.pop_back();
  Rules tail = ChainRules(t, list);
  own.insert(own.end(), tail.begin(), tail.end());
  return own;
}

DesiredState WithPolicies() {
  DesiredState s;
  s.policies[{"t1", "a"}] = calc::ActivePolicyUpdate{{"t1", "a"}, {Allow()}, {}, false};
  s.policies[{"t1", "b"}] = calc::ActivePolicyUpdate{{"t1", "b"}, {}, {}, false};
  s.policies[{"t2", "c"}] = calc::ActivePolicyUpdate{{"t2", "c"}, {}, {}, false};
  s.profiles["prof"] = calc::ActiveProfileUpdate{"prof", {Allow()}, {}};
  return s;
}

TEST(RenderTest, BaseChainsAndDefaults) {
  DesiredState s;
  Table t = Render(s, {});
  EXPECT_EQ(t.chains.at("cali-input").hook, (Hook{"filter", "input", 0, "accept"}));
  EXPECT_EQ(t.chains.at("cali-raw-prerouting").hook,
            (Hook{"filter", "prerouting", -300, "accept"}));
  EXPECT_EQ(t.chains.at("cali-raw-output").hook, (Hook{"filter", "output", -300, "accept"}));
  const std::string untracked = "meta mark & 0x01000000 == 0x01000000 ct state untracked accept";
  const std::string accepted = "meta mark & 0x01000000 == 0x01000000 accept";
  EXPECT_EQ(ChainRules(t, "cali-input"),
            (Rules{"iifname \"cali*\" goto cali-wl-to-host", accepted, "jump cali-from-host"}));
  EXPECT_EQ(ChainRules(t, "cali-output"),
            (Rules{untracked, "oifname \"cali*\" accept", "jump cali-to-host"}));
  EXPECT_EQ(ChainRules(t, "cali-forward"),
            (Rules{untracked, "meta mark & 0x01000000 == 0 jump cali-from-host-fwd",
                   "iifname \"cali*\" jump cali-from-wl", "oifname \"cali*\" jump cali-to-wl",
                   "jump cali-to-host-fwd"}));
  EXPECT_EQ(ChainRules(t, "cali-from-host-fwd"),
            (Rules{"oifname \"cali*\" goto cali-from-host-fwd-wl", "iifname vmap @cali-fhf-map"}));
  EXPECT_EQ(ChainRules(t, "cali-to-host-fwd"),
            (Rules{"iifname \"cali*\" goto cali-to-host-fwd-wl", "oifname vmap @cali-thf-map"}));
  EXPECT_EQ(ChainRules(t, "cali-from-host-fwd-wl"), (Rules{"iifname vmap @cali-fhw-map"}));
  EXPECT_EQ(ChainRules(t, "cali-to-host-fwd-wl"), (Rules{"oifname vmap @cali-thw-map"}));
  EXPECT_EQ(t.chains.at("cali-pre-dnat").hook, (Hook{"filter", "prerouting", -150, "accept"}));
  EXPECT_EQ(ChainRules(t, "cali-pre-dnat"), Rules{}) << "no endpoint has pre-DNAT policy";
  EXPECT_EQ(ChainRules(t, "cali-from-host-pre-dnat"), (Rules{"iifname vmap @cali-fhp-map"}));
  EXPECT_EQ(ChainRules(t, "cali-from-wl"), (Rules{"iifname vmap @cali-fw-map", "drop"}));
  EXPECT_EQ(ChainRules(t, "cali-to-host"), (Rules{"oifname vmap @cali-th-map"}));
  EXPECT_EQ(ChainRules(t, "cali-raw-prerouting"),
            (Rules{"meta mark & 0x03000000 != 0 meta mark set meta mark & 0xfcffffff",
                   "jump cali-from-host-raw"}));
  EXPECT_EQ(ChainRules(t, "cali-wl-to-host").back(), "drop");
  EXPECT_TRUE(t.sets.at("cali-fw-map").elements.empty());
  EXPECT_EQ(t.sets.at("cali-fw-map").data_type, "verdict");
}

TEST(RenderTest, DefaultEndpointToHostAction) {
  struct Case {
    const char* desc;
    config::EndpointToHostAction action;
    Rules tail;
  };
  const Case cases[] = {
      {"DROP", config::EndpointToHostAction::kDrop, {"udp dport 53 accept", "drop"}},
      {"RETURN",
       config::EndpointToHostAction::kReturn,
       {"udp dport 53 accept", "jump cali-from-wl", "accept"}},
      {"ACCEPT",
       config::EndpointToHostAction::kAccept,
       {"udp dport 53 accept", "jump cali-from-wl", "accept"}},
  };
  for (const auto& c : cases) {
    DesiredState s;
    s.config.default_endpoint_to_host_action = c.action;
    Rules want = {kCt1, kCt2, "icmpv6 type { 130, 131, 132, 133, 135, 136 } accept",
                  "meta nfproto ipv4 udp sport 68 udp dport 67 accept",
                  "meta nfproto ipv6 udp sport 546 udp dport 547 accept"};
    want.insert(want.end(), c.tail.begin(), c.tail.end());
    EXPECT_EQ(ChainRules(Render(s, {}), "cali-wl-to-host"), want) << c.desc;
  }
}

TEST(RenderTest, SeveralInterfacePrefixes) {
  DesiredState s;
  s.config.interface_prefixes = {"cali", "tap"};
  Table t = Render(s, {});
  EXPECT_EQ(ChainRules(t, "cali-output"),
            (Rules{"meta mark & 0x01000000 == 0x01000000 ct state untracked accept",
                   "oifname \"cali*\" accept", "oifname \"tap*\" accept", "jump cali-to-host"}));
}

TEST(RenderTest, FailsafeChains) {
  DesiredState s;
  s.config.failsafe_inbound = {{config::Protocol::kTcp, "", 22},
                               {config::Protocol::kTcp, "10.0.0.0/8", 2222}};
  s.config.failsafe_outbound = {{config::Protocol::kUdp, "", 53},
                                {config::Protocol::kTcp, "fd00::/8", 2379}};
  Table t = Render(s, {});
  // Each entry counted, with the entry in the comment.
  const std::string t22 = "counter accept comment \"failsafe tcp:22\"";
  const std::string t2222 = "counter accept comment \"failsafe tcp:10.0.0.0/8:2222\"";
  const std::string u53 = "counter accept comment \"failsafe udp:53\"";
  const std::string t2379 = "counter accept comment \"failsafe tcp:[fd00::/8]:2379\"";
  EXPECT_EQ(ChainRules(t, "cali-failsafe-in"),
            (Rules{"tcp dport 22 " + t22, "ip saddr 10.0.0.0/8 tcp dport 2222 " + t2222}));
  EXPECT_EQ(ChainRules(t, "cali-failsafe-out"),
            (Rules{"udp dport 53 " + u53, "ip6 daddr fd00::/8 tcp dport 2379 " + t2379}));
  EXPECT_EQ(ChainRules(t, "cali-failsafe-in-raw"),
            (Rules{"tcp dport 22 " + t22, "ip saddr 10.0.0.0/8 tcp dport 2222 " + t2222,
                   "udp sport 53 " + u53, "ip6 saddr fd00::/8 tcp sport 2379 " + t2379}));
  EXPECT_EQ(ChainRules(t, "cali-failsafe-out-raw"),
            (Rules{"udp dport 53 " + u53, "ip6 daddr fd00::/8 tcp dport 2379 " + t2379,
                   "tcp sport 22 " + t22, "ip daddr 10.0.0.0/8 tcp sport 2222 " + t2222}));
}

TEST(RenderTest, HostEndpointNoPolicyIsFailsafeThenDrop) {
  DesiredState s;
  s.host_endpoints[{"ep"}] = NamedHost("ep", "eth0");
  Table t = Render(s, {});
  EXPECT_EQ(Effective(t, "cali-fh-ep"),
            (Rules{kCt1, kCt2, kNdp, "jump cali-failsafe-in", kClear, kFinal}));
  EXPECT_EQ(Effective(t, "cali-th-ep"),
            (Rules{kCt1, kCt2, kNdp, "jump cali-failsafe-out", kClear, kFinal}));
  EXPECT_EQ(t.sets.at("cali-fh-map").elements,
            (std::map<std::string, std::string>{{"\"eth0\"", "goto cali-fh-ep"}}));
  EXPECT_EQ(t.sets.at("cali-th-map").elements,
            (std::map<std::string, std::string>{{"\"eth0\"", "goto cali-th-ep"}}));
  EXPECT_TRUE(t.sets.at("cali-fhr-map").elements.empty());  // no untracked policy
  EXPECT_FALSE(t.chains.contains("cali-fhr-ep"));
}

// DropActionOverride turns every drop of ours (endpoint chains, tier ends,
// deny rules) into what it says; nothing else changes.
TEST(RenderTest, DropActionOverride) {
  using O = config::DropActionOverride;
  const std::string log = "limit rate 10/second log prefix \"calico-drop: \" level notice";
  const std::string final_accept = "counter accept comment \"no policy or profile allowed\"";
  struct Row {
    O o;
    Rules want;
  } rows[] = {
      {O::kDrop, {kCt1, kCt2, kNdp, "jump cali-failsafe-in", kClear, kFinal}},
      {O::kAccept,
       {kCt1, "ct state invalid accept", kNdp, "jump cali-failsafe-in", kClear, final_accept}},
      {O::kLogAndDrop,
       {kCt1, "ct state invalid " + log, kCt2, kNdp, "jump cali-failsafe-in", kClear, log, kFinal}},
      {O::kLogAndAccept,
       {kCt1, "ct state invalid " + log, "ct state invalid accept", kNdp, "jump cali-failsafe-in",
        kClear, log, final_accept}},
  };
  for (const auto& r : rows) {
    DesiredState s;
    s.config.drop_action_override = r.o;
    s.host_endpoints[{"ep"}] = NamedHost("ep", "eth0");
    s.policies[{"t", "deny"}] = calc::ActivePolicyUpdate{
        {"t", "deny"}, {WithAction(Allow(), model::Action::kDeny)}, {}, false};
    Table t = Render(s, {});
    EXPECT_EQ(Effective(t, "cali-fh-ep"), r.want) << static_cast<int>(r.o);
    Rules again = ChainRules(t, "cali-fh-ep");
    const Rules before = again;
    OverrideDrops(again, r.o);
    EXPECT_EQ(again, before) << "idempotent";
    for (const auto& [name, chain] : t.chains) {
      for (const auto& rule : chain.rules) {
        if (r.o == O::kAccept || r.o == O::kLogAndAccept) {
          EXPECT_TRUE(rule.find(" drop") == std::string::npos && !rule.starts_with("drop"))
              << name << ": " << rule;
        }
      }
    }
  }
}

TEST(RenderTest, LogPrefixIsTheLogActionsDefault) {
  DesiredState s;
  s.config.log_prefix = "my-host";
  calc::Rule log = Allow();
  log.action = model::Action::kLog;
  calc::Rule own = log;
  own.log_prefix = "own";
  s.policies[{"t", "p"}] = calc::ActivePolicyUpdate{{"t", "p"}, {log, own}, {}, false};
  Table t = Render(s, {});
  bool found_default = false, found_own = false;
  for (const auto& [name, chain] : t.chains) {
    for (const auto& rule : chain.rules) {
      found_default = found_default || rule.find("log prefix \"my-host: \"") != rule.npos;
      found_own = found_own || rule.find("log prefix \"own: \"") != rule.npos;
    }
  }
  EXPECT_TRUE(found_default);
  EXPECT_TRUE(found_own);
}

TEST(RenderTest, TiersNextTierAndProfiles) {
  DesiredState s = WithPolicies();
  calc::EndpointPolicy p;
  p.tiers = {{"t1", {"a", "b"}}, {"t2", {"c"}}};
  p.profile_ids = {"prof", "missing", "never-reached"};
  s.host_endpoints[{"ep"}] = NamedHost("ep", "eth0", p);
  Table t = Render(s, {});
  EXPECT_EQ(
      Effective(t, "cali-fh-ep"),
      (Rules{kCt1, kCt2, kNdp, "jump cali-failsafe-in", kClear,
             // tier t1
             "jump cali-pi-t1/a", kAllowed, "meta mark & 0x02000000 == 0 jump cali-pi-t1/b",
             kAllowed, TierDrop("t1"),
             // tier t2
             "meta mark set meta mark & 0xfdffffff", "jump cali-pi-t2/c", kAllowed, TierDrop("t2"),
             // profiles: prof, then the missing one drops
             "jump cali-pri-prof", kAllowed, "counter drop comment \"missing profile missing\""}));
  EXPECT_EQ(ChainRules(t, "cali-pi-t1/a"),
            (Rules{"counter meta mark set meta mark | 0x01000000 return comment \"policy t1/a "
                   "inbound rule 1\""}));
  EXPECT_EQ(ChainRules(t, "cali-po-t1/a"), Rules{});
  EXPECT_EQ(ChainRules(t, "cali-pri-prof"),
            (Rules{"counter meta mark set meta mark | 0x01000000 return comment \"profile prof "
                   "inbound rule 1\""}));
  EXPECT_EQ(ChainRules(t, "cali-pro-prof"), Rules{});
}

TEST(RenderTest, ATierWhoseDefaultActionIsPassHasNoDropAtItsEnd) {
  DesiredState s = WithPolicies();
  calc::EndpointPolicy p;
  p.tiers = {{"t1", {"a", "b"}, /*default_pass=*/true}, {"t2", {"c"}}};
  p.profile_ids = {"prof"};
  s.host_endpoints[{"ep"}] = NamedHost("ep", "eth0", p);
  EXPECT_EQ(Effective(Render(s, {}), "cali-fh-ep"),
            (Rules{kCt1, kCt2, kNdp, "jump cali-failsafe-in", kClear, "jump cali-pi-t1/a", kAllowed,
                   "meta mark & 0x02000000 == 0 jump cali-pi-t1/b", kAllowed,
                   // no end-of-tier drop for t1: on to t2
                   "meta mark set meta mark & 0xfdffffff", "jump cali-pi-t2/c", kAllowed,
                   TierDrop("t2"), "jump cali-pri-prof", kAllowed, kFinal}));
}

TEST(RenderTest, EndpointsWithEqualPolicyShareOneListChain) {
  DesiredState s = WithPolicies();
  calc::EndpointPolicy all;
  all.tiers = {{"t1", {"a", "b"}}, {"t2", {"c"}}};
  calc::EndpointPolicy other;
  other.tiers = {{"t1", {"a"}}};
  for (int i = 0; i < 50; ++i) {
    std::string id = "ep" + std::to_string(i);
    s.host_endpoints[{id}] = NamedHost(id.c_str(), ("eth" + std::to_string(i)).c_str(), all);
  }
  s.host_endpoints[{"odd"}] = NamedHost("odd", "bond0", other);
  Table t = Render(s, {});
  size_t lists = 0, list_rules = 0, endpoint_rules = 0;
  for (const auto& [name, c] : t.chains) {
    if (name.starts_with("cali-pl-")) {
      ++lists;
      list_rules += c.rules.size();
    } else if (name.starts_with("cali-fh-") || name.starts_with("cali-th-")) {
      endpoint_rules += c.rules.size();
    }
  }
  // One inbound and one outbound list per distinct policy: 4 lists, whose
  // rules are counted once, not once per endpoint.
  EXPECT_EQ(lists, 4u);
  size_t want = 0;  // each list's rules once: effective rules less the 4 own ones
  for (const char* ep : {"cali-fh-ep0", "cali-th-ep0", "cali-fh-odd", "cali-th-odd"}) {
    want += Effective(t, ep).size() - 4;
  }
  EXPECT_EQ(list_rules, want);
  EXPECT_EQ(endpoint_rules, 51u * 2 * 5);  // ct, ct, NDP, failsafe, goto
  EXPECT_EQ(ChainRules(t, "cali-fh-ep7"), (Rules{kCt1, kCt2, kNdp, "jump cali-failsafe-in",
                                                 ChainRules(t, "cali-fh-ep0").back()}));
  EXPECT_EQ(ChainRules(t, "cali-fh-ep7").back(), ChainRules(t, "cali-fh-ep0").back());
  EXPECT_NE(ChainRules(t, "cali-fh-odd").back(), ChainRules(t, "cali-fh-ep0").back());
  EXPECT_NE(ChainRules(t, "cali-fh-ep0").back(), ChainRules(t, "cali-th-ep0").back());
}

TEST(RenderTest, InactivePolicySkippedInTier) {
  DesiredState s = WithPolicies();
  calc::EndpointPolicy p;
  p.tiers = {{"t1", {"gone", "b"}}};
  s.host_endpoints[{"ep"}] = NamedHost("ep", "eth0", p);
  EXPECT_EQ(Effective(Render(s, {}), "cali-th-ep"),
            (Rules{kCt1, kCt2, kNdp, "jump cali-failsafe-out", kClear, "jump cali-po-t1/b",
                   kAllowed, TierDrop("t1"), kFinal}));
}

TEST(RenderTest, WorkloadEndpoints) {
  DesiredState s = WithPolicies();
  calc::WorkloadEndpointUpdate w;
  w.id = {"k8s", "pod", "eth0"};
  w.name = "cali123";
  w.active = true;
  w.mac = "aa:bb:cc:dd:ee:ff";
  w.policy.profile_ids = {"prof"};
  s.workload_endpoints[w.id] = w;
  calc::WorkloadEndpointUpdate off = w;
  off.id.endpoint = "eth1";
  off.name = "cali456";
  off.active = false;
  s.workload_endpoints[off.id] = off;
  Table t = Render(s, {});
  EXPECT_EQ(Effective(t, "cali-fw-cali123"),
            (Rules{kCt1, kCt2, "ether saddr != aa:bb:cc:dd:ee:ff drop", kClear,
                   "jump cali-pro-prof", kAllowed, kFinal}));
  EXPECT_EQ(Effective(t, "cali-tw-cali123"),
            (Rules{kCt1, kCt2, kClear, "jump cali-pri-prof", kAllowed, kFinal}));
  EXPECT_EQ(ChainRules(t, "cali-fw-cali456"), Rules{"drop"});
  EXPECT_EQ(ChainRules(t, "cali-tw-cali456"), Rules{"drop"});
  EXPECT_EQ(t.sets.at("cali-fw-map").elements,
            (std::map<std::string, std::string>{{"\"cali123\"", "goto cali-fw-cali123"},
                                                {"\"cali456\"", "goto cali-fw-cali456"}}));
  EXPECT_EQ(t.sets.at("cali-tw-map").elements.at("\"cali123\""), "goto cali-tw-cali123");
}

TEST(RenderTest, UntrackedPolicy) {
  DesiredState s = WithPolicies();
  s.policies[{"u", "raw"}] = calc::ActivePolicyUpdate{{"u", "raw"}, {Allow()}, {}, true};
  calc::EndpointPolicy p;
  p.untracked_tiers = {{"u", {"raw"}}};
  s.host_endpoints[{"ep"}] = NamedHost("ep", "eth0", p);
  Table t = Render(s, {});
  const std::string notrack = "meta mark & 0x01000000 == 0x01000000 notrack accept";
  EXPECT_EQ(Effective(t, "cali-fhr-ep"),
            (Rules{"jump cali-failsafe-in-raw", kClear, "jump cali-pi-u/raw", notrack}));
  EXPECT_EQ(Effective(t, "cali-thr-ep"),
            (Rules{"jump cali-failsafe-out-raw", kClear, "jump cali-po-u/raw", notrack}));
  EXPECT_EQ(t.sets.at("cali-fhr-map").elements.at("\"eth0\""), "goto cali-fhr-ep");
  EXPECT_EQ(t.sets.at("cali-thr-map").elements.at("\"eth0\""), "goto cali-thr-ep");
  // The tracked chain has no tiers: failsafe then drop.
  EXPECT_EQ(Effective(t, "cali-fh-ep"),
            (Rules{kCt1, kCt2, kNdp, "jump cali-failsafe-in", kClear, kFinal}));
}

TEST(RenderTest, PolicyTypesSkipPoliciesAndEmptiedTiers) {
  DesiredState s = WithPolicies();
  s.policies.at({"t1", "a"}).governs_outbound = false;  // types: [ingress]
  s.policies.at({"t1", "b"}).governs_outbound = false;
  s.policies.at({"t2", "c"}).governs_inbound = false;  // types: [egress]
  calc::EndpointPolicy p;
  p.tiers = {{"t1", {"a", "b"}}, {"t2", {"c"}}};
  p.profile_ids = {"prof"};
  s.host_endpoints[{"ep"}] = NamedHost("ep", "eth0", p);
  Table t = Render(s, {});
  // Inbound: t1 only (t2 governs no inbound traffic: no tier-end drop).
  EXPECT_EQ(Effective(t, "cali-fh-ep"),
            (Rules{kCt1, kCt2, kNdp, "jump cali-failsafe-in", kClear, "jump cali-pi-t1/a", kAllowed,
                   "meta mark & 0x02000000 == 0 jump cali-pi-t1/b", kAllowed, TierDrop("t1"),
                   "jump cali-pri-prof", kAllowed, kFinal}));
  // Outbound: t2 only, its first tier (no pass-bit reset before it).
  EXPECT_EQ(Effective(t, "cali-th-ep"),
            (Rules{kCt1, kCt2, kNdp, "jump cali-failsafe-out", kClear, "jump cali-po-t2/c",
                   kAllowed, TierDrop("t2"), "jump cali-pro-prof", kAllowed, kFinal}));
}

TEST(RenderTest, PreDnatPolicy) {
  DesiredState s = WithPolicies();
  s.policies[{"p", "pin"}] = calc::ActivePolicyUpdate{{"p", "pin"}, {Allow()}, {}, false, true};
  s.policies[{"p", "deny"}] = calc::ActivePolicyUpdate{{"p", "deny"}, {}, {}, false, true};
  calc::EndpointPolicy p;
  p.pre_dnat_tiers = {{"p", {"pin", "deny"}}, {"t2", {"c"}}};
  s.host_endpoints[{"ep"}] = NamedHost("ep", "eth0", p);
  s.host_endpoints[{"plain"}] = NamedHost("plain", "eth1");
  Table t = Render(s, {});
  const std::string accept = "meta mark & 0x01000000 == 0x01000000 accept";
  // No tier-end drop, no final drop: an undecided packet goes on.
  EXPECT_EQ(Effective(t, "cali-fhp-ep"),
            (Rules{"jump cali-failsafe-in", kClear, "jump cali-pi-p/pin", accept,
                   "meta mark & 0x02000000 == 0 jump cali-pi-p/deny", accept,
                   "meta mark set meta mark & 0xfdffffff", "jump cali-pi-t2/c", accept}));
  EXPECT_EQ(t.sets.at("cali-fhp-map").elements,
            (std::map<std::string, std::string>{{"\"eth0\"", "goto cali-fhp-ep"}}));
  EXPECT_FALSE(t.chains.contains("cali-fhp-plain"));
  EXPECT_EQ(ChainRules(t, "cali-pre-dnat"), (Rules{kCt1, accept, "jump cali-from-host-pre-dnat"}));
  // The tracked chain has no tiers: failsafe then drop.
  EXPECT_EQ(Effective(t, "cali-fh-ep"),
            (Rules{kCt1, kCt2, kNdp, "jump cali-failsafe-in", kClear, kFinal}));
}

TEST(RenderTest, ForwardChainsFollowApplyOnForward) {
  DesiredState s = WithPolicies();
  s.config.interface_prefixes = {"cali", "tap"};
  auto policy = [&](const char* name, std::optional<bool> aof, bool outbound = true) {
    auto& p = s.policies[{"f", name}];
    p = calc::ActivePolicyUpdate{{"f", name}, {Allow()}, {Allow()}, false};
    p.apply_on_forward = aof;
    p.governs_outbound = outbound;
  };
  policy("fwd", true, /*outbound=*/false);
  policy("local", false);
  calc::EndpointPolicy legacy, modern, quiet;
  legacy.tiers = {{"t1", {"a"}}};
  modern.tiers = {{"f", {"fwd", "local"}}, {"t1", {"a"}}};
  quiet.tiers = {{"f", {"local"}}};
  s.host_endpoints[{"old"}] = NamedHost("old", "eth0", legacy);
  s.host_endpoints[{"new"}] = NamedHost("new", "eth1", modern);
  s.host_endpoints[{"quiet"}] = NamedHost("quiet", "eth2", quiet);
  Table t = Render(s, {});
  // v1: host-to-host forwarding meets the normal chains; workload traffic
  // is not in the -wl maps.
  EXPECT_FALSE(t.chains.contains("cali-fhf-old"));
  // Modern: conntrack, then only the apply_on_forward policies (the tier of
  // a policy that does not apply on forward is skipped), a final drop.
  EXPECT_EQ(Effective(t, "cali-fhf-new"),
            (Rules{kCt1, kCt2, kClear, "jump cali-pi-f/fwd", kAllowed, TierDrop("f"),
                   "counter drop comment \"no apply-on-forward policy allowed\""}));
  EXPECT_FALSE(t.chains.contains("cali-thf-new")) << "fwd governs inbound only";
  EXPECT_FALSE(t.chains.contains("cali-fhf-quiet"));
  using Elements = std::map<std::string, std::string>;
  EXPECT_EQ(t.sets.at("cali-fhf-map").elements,
            (Elements{{"\"eth0\"", "goto cali-fh-old"}, {"\"eth1\"", "goto cali-fhf-new"}}));
  EXPECT_EQ(t.sets.at("cali-thf-map").elements, (Elements{{"\"eth0\"", "goto cali-th-old"}}));
  EXPECT_EQ(t.sets.at("cali-fhw-map").elements, (Elements{{"\"eth1\"", "goto cali-fhf-new"}}));
  EXPECT_TRUE(t.sets.at("cali-thw-map").elements.empty());
  // The normal chains keep every policy.
  EXPECT_EQ(Effective(t, "cali-fh-new"),
            (Rules{kCt1, kCt2, kNdp, "jump cali-failsafe-in", kClear, "jump cali-pi-f/fwd",
                   kAllowed, "meta mark & 0x02000000 == 0 jump cali-pi-f/local", kAllowed,
                   TierDrop("f"), "meta mark set meta mark & 0xfdffffff", "jump cali-pi-t1/a",
                   kAllowed, TierDrop("t1"), kFinal}));
}

TEST(RenderTest, TemplateAndStarEndpointsFollowTheVerdictMaps) {
  DesiredState s = WithPolicies();
  calc::EndpointPolicy a;
  a.tiers = {{"t1", {"a"}}};
  calc::EndpointPolicy untracked = a;
  untracked.untracked_tiers = {{"t1", {"a"}}};
  s.host_endpoints[{"named"}] = NamedHost("named", "eth0", a);
  s.host_endpoints[{"bonds"}] = NamedHost("bonds", "bond*", untracked);
  s.host_endpoints[{"b2"}] = NamedHost("b2", "bo*", a);
  s.host_endpoints[{"cal"}] = NamedHost("cal", "cal*", a);          // overlaps "cali"
  s.host_endpoints[{"inside"}] = NamedHost("inside", "calix*", a);  // only workloads
  s.host_endpoints[{"all"}] = NamedHost("all", "*", untracked);
  s.host_endpoints[{"all2"}] = NamedHost("all2", "*", a);  // a second "*": the first id wins
  Table t = Render(s, {});
  // Longest prefix first; "*" last; a named interface never reaches them.
  EXPECT_EQ(ChainRules(t, "cali-from-host"),
            (Rules{"iifname vmap @cali-fh-map", "iifname \"bond*\" goto cali-fh-bonds",
                   "iifname \"cal*\" iifname != \"cali*\" goto cali-fh-cal",
                   "iifname \"bo*\" goto cali-fh-b2", "goto cali-fh-all"}));
  EXPECT_EQ(ChainRules(t, "cali-to-host"),
            (Rules{"oifname vmap @cali-th-map", "oifname \"bond*\" goto cali-th-bonds",
                   "oifname \"cal*\" oifname != \"cali*\" goto cali-th-cal",
                   "oifname \"bo*\" goto cali-th-b2", "goto cali-th-all"}));
  EXPECT_FALSE(t.chains.contains("cali-fh-inside"));
  EXPECT_FALSE(t.chains.contains("cali-fh-all2"));
  // Raw: templates with untracked policy; never "*" (as Calico); the named
  // endpoint's interface and the longer template stay off the shorter one.
  EXPECT_EQ(ChainRules(t, "cali-from-host-raw"),
            (Rules{"iifname vmap @cali-fhr-map", "iifname \"bond*\" goto cali-fhr-bonds"}));
  EXPECT_FALSE(t.chains.contains("cali-fhr-all"));
  EXPECT_EQ(t.sets.at("cali-fhr-map").elements,
            (std::map<std::string, std::string>{{"\"eth0\"", "return"}}));
  // Forward: all of them are v1 endpoints (no policy says apply_on_forward):
  // "*" leaves workload interfaces alone there.
  EXPECT_EQ(ChainRules(t, "cali-from-host-fwd"),
            (Rules{"oifname \"cali*\" goto cali-from-host-fwd-wl", "iifname vmap @cali-fhf-map",
                   "iifname \"bond*\" goto cali-fh-bonds",
                   "iifname \"cal*\" iifname != \"cali*\" goto cali-fh-cal",
                   "iifname \"bo*\" goto cali-fh-b2", "iifname != \"cali*\" goto cali-fh-all"}));
  EXPECT_EQ(ChainRules(t, "cali-from-host-fwd-wl"), (Rules{"iifname vmap @cali-fhw-map"}));
  // A modern "*" (an apply_on_forward policy) takes workload interfaces in
  // forward and pre-DNAT, as Calico's catch-all does.
  s.policies[{"t1", "a"}].apply_on_forward = true;
  s.host_endpoints[{"all"}].policy.pre_dnat_tiers = {{"t1", {"a"}}};
  t = Render(s, {});
  EXPECT_EQ(ChainRules(t, "cali-from-host-fwd-wl").back(), "goto cali-fhf-all");
  EXPECT_EQ(ChainRules(t, "cali-from-host-fwd").back(), "goto cali-fhf-all");
  EXPECT_EQ(ChainRules(t, "cali-from-host-pre-dnat"),
            (Rules{"iifname vmap @cali-fhp-map", "iifname \"bond*\" return",
                   "iifname \"cal*\" iifname != \"cali*\" return", "iifname \"bo*\" return",
                   "goto cali-fhp-all"}));
}

TEST(RenderTest, HostEndpointResolution) {
  DesiredState s;
  calc::HostEndpointUpdate a;  // IP-only, v4 on eth1 and eth2, v6 on eth2
  a.id = {"a"};
  s.host_endpoints[a.id] = a;
  calc::HostEndpointUpdate b = a;  // IP-only, v6 on eth1
  b.id = {"b"};
  s.host_endpoints[b.id] = b;
  s.host_endpoints[{"named"}] = NamedHost("named", "eth3");
  s.host_endpoints[{"wl"}] = NamedHost("wl", "cali9");  // workload prefix: ignored
  InterfaceResolution r;
  r.v4_ifaces[{"a"}] = {"eth1", "eth2", "cali1"};
  r.v6_ifaces[{"a"}] = {"eth2", "eth3"};  // eth3: the named endpoint wins
  r.v6_ifaces[{"b"}] = {"eth1"};
  r.v4_ifaces[{"named"}] = {"eth9"};  // named endpoints ignore resolution
  Table t = Render(s, r);
  EXPECT_EQ(t.sets.at("cali-fh-map").elements,
            (std::map<std::string, std::string>{{"\"eth1\"", "goto cali-fhs-eth1"},
                                                {"\"eth2\"", "goto cali-fh-a"},
                                                {"\"eth3\"", "goto cali-fh-named"}}));
  EXPECT_EQ(ChainRules(t, "cali-fhs-eth1"),
            (Rules{"meta nfproto ipv4 goto cali-fh-a", "meta nfproto ipv6 goto cali-fh-b"}));
  EXPECT_EQ(ChainRules(t, "cali-ths-eth1"),
            (Rules{"meta nfproto ipv4 goto cali-th-a", "meta nfproto ipv6 goto cali-th-b"}));
  EXPECT_FALSE(t.chains.contains("cali-fh-wl"));

  // v4 only: IPv6 traffic on eth1 falls through the split chain.
  r.v6_ifaces.clear();
  t = Render(s, r);
  EXPECT_EQ(ChainRules(t, "cali-fhs-eth1"), (Rules{"meta nfproto ipv4 goto cali-fh-a"}));
  EXPECT_EQ(t.sets.at("cali-fh-map").elements.at("\"eth2\""), "goto cali-fhs-eth2");
  EXPECT_FALSE(t.chains.contains("cali-fh-b"));  // b resolves nowhere

  // With a "*" endpoint, the unbound family goes on to it.
  s.host_endpoints[{"all"}] = NamedHost("all", "*");
  t = Render(s, r);
  EXPECT_EQ(ChainRules(t, "cali-fhs-eth1"),
            (Rules{"meta nfproto ipv4 goto cali-fh-a", "goto cali-fh-all"}));
  EXPECT_EQ(ChainRules(t, "cali-from-host"),
            (Rules{"iifname vmap @cali-fh-map", "goto cali-fh-all"}));
}

TEST(RenderTest, IpSetsPerFamilyWithOverlapsDropped) {
  DesiredState s;
  s.ip_sets["s:x"] = {C("10.0.0.0/24"), C("10.0.0.5/32"), C("10.0.1.1/32"),
                      C("fd00::/64"),   C("fd00::1/128"), C("fd01::1/128")};
  s.ip_sets["t"] = {};
  Table t = Render(s, {});
  const std::string n4 = IpSetName("s:x", 4), n6 = IpSetName("s:x", 6);
  EXPECT_EQ(
      t.sets.at(n4),
      (Set{"ipv4_addr", std::nullopt, {"interval"}, {{"10.0.0.0/24", ""}, {"10.0.1.1", ""}}}));
  EXPECT_EQ(t.sets.at(n6),
            (Set{"ipv6_addr", std::nullopt, {"interval"}, {{"fd00::/64", ""}, {"fd01::1", ""}}}));
  EXPECT_TRUE(t.sets.at("cali4-t").elements.empty());
  EXPECT_TRUE(t.sets.at("cali6-t").elements.empty());
}

TEST(RenderTest, IpSetsOfSingleAddressesArePlainSets) {
  DesiredState s;
  s.ip_sets["s:x"] = {C("10.0.0.5/32"), C("10.0.1.1/32"), C("fd00::/64")};
  Table t = Render(s, {});
  // IPv4 members are all single addresses: no interval flag (cheap element
  // updates); the IPv6 family has a CIDR, so it stays an interval set.
  EXPECT_EQ(t.sets.at(IpSetName("s:x", 4)),
            (Set{"ipv4_addr", std::nullopt, {}, {{"10.0.0.5", ""}, {"10.0.1.1", ""}}}));
  EXPECT_EQ(t.sets.at(IpSetName("s:x", 6)),
            (Set{"ipv6_addr", std::nullopt, {"interval"}, {{"fd00::/64", ""}}}));
}

TEST(RenderTest, Deterministic) {
  DesiredState s = WithPolicies();
  s.host_endpoints[{"ep"}] = NamedHost("ep", "eth0");
  EXPECT_EQ(ToNftScript(Render(s, {})), ToNftScript(Render(s, {})));
}

}  // namespace
}  // namespace felix::rules
