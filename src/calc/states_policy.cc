// State sequences about policy: order within a tier (ties by name, byte
// order; "default" and absent = +inf), tier order from metadata (a tier
// without metadata = +inf), untracked policy (host endpoints only), rule IP
// sets from src/dst selectors and tags (negated too) fed by local and remote
// host endpoints and workloads (IPv4 + IPv6), shared IPs, equivalent
// selectors sharing a set, and asymmetric teardown (delete a tier, a profile's
// tags or an endpoint while something still refers to it).
#include "calc/states.h"

namespace felix::calc::testing {
namespace {

const std::string kEth0 = HostEndpointPath(kLocalHost, "eth0");

std::string PolicyJson(const std::string& selector, const std::string& extra = "") {
  return R"js({"selector": ")js" + selector +
         R"js(", "inbound_rules": [], "outbound_rules": [])js" + extra + "}";
}

Sequence PolicyOrderSequence() {
  const State s1 =
      State{}
          .Named("orders, ties by name, default")
          .With(kEth0, R"js({"name": "eth0", "labels": {"role": "web"}})js")
          .With(PolicyPath("default", "p-a"),
                PolicyJson(R"js(role == \"web\")js", R"js(, "order": 10)js"))
          .With(PolicyPath("default", "p-b"),
                PolicyJson(R"js(role == \"web\")js", R"js(, "order": 5)js"))
          .With(PolicyPath("default", "p-c"), PolicyJson("has(role)", R"js(, "order": 5)js"))
          .With(PolicyPath("default", "Z"), PolicyJson("all()", R"js(, "order": 5)js"))
          .With(PolicyPath("default", "p-d"), PolicyJson("all()"))
          .With(PolicyPath("default", "p-e"), PolicyJson("all()", R"js(, "order": "default")js"))
          .With(PolicyPath("default", "p-x"),
                PolicyJson(R"js(role == \"db\")js", R"js(, "order": 1)js"))
          .Policies({"default/p-a", "default/p-b", "default/p-c", "default/Z", "default/p-d",
                     "default/p-e"})
          .Endpoint(HepId("eth0"), Ep({{"default", {"Z", "p-b", "p-c", "p-a", "p-d", "p-e"}}}));
  const State s2 =
      s1.Named("reordered")
          .With(PolicyPath("default", "p-a"),
                PolicyJson(R"js(role == \"web\")js", R"js(, "order": 1)js"))
          .With(PolicyPath("default", "p-c"), PolicyJson("has(role)", R"js(, "order": 4.5)js"))
          .Endpoint(HepId("eth0"), Ep({{"default", {"p-a", "p-c", "Z", "p-b", "p-d", "p-e"}}}));
  const State s3 =
      s1.Named("endpoint relabelled")
          .With(kEth0, R"js({"name": "eth0", "labels": {"role": "db"}})js")
          .Policies({"default/p-x", "default/p-c", "default/Z", "default/p-d", "default/p-e"})
          .Endpoint(HepId("eth0"), Ep({{"default", {"p-x", "Z", "p-c", "p-d", "p-e"}}}));
  return {"policy_order", {s1, s2, s3}};
}

Sequence TierSequence() {
  const State s1 =
      State{}
          .Named("tiers by metadata order, then name; no metadata = +inf")
          .With(kEth0, R"js({"name": "eth0"})js")
          .With(TierPath("t1"), R"js({"order": 10})js")
          .With(TierPath("t2"), R"js({"order": 5})js")
          .With(TierPath("t9"), R"js({"order": 1})js")
          .With(PolicyPath("t1", "pol1"), PolicyJson("all()"))
          .With(PolicyPath("t2", "pol2"), PolicyJson("all()"))
          .With(PolicyPath("t3", "pol3"), PolicyJson("all()"))
          .With(PolicyPath("default", "pol4"), PolicyJson("all()"))
          .With(PolicyPath("t9", "pol9"), PolicyJson("has(nothing)"))
          .Policies({"t1/pol1", "t2/pol2", "t3/pol3", "default/pol4"})
          .Endpoint(
              HepId("eth0"),
              Ep({{"t2", {"pol2"}}, {"t1", {"pol1"}}, {"default", {"pol4"}}, {"t3", {"pol3"}}}));
  const State s2 =
      s1.Named("t1 metadata deleted while its policy lives")
          .Without(TierPath("t1"))
          .Endpoint(
              HepId("eth0"),
              Ep({{"t2", {"pol2"}}, {"default", {"pol4"}}, {"t1", {"pol1"}}, {"t3", {"pol3"}}}));
  const State s3 =
      s1.Named("t2 moved after t1")
          .With(TierPath("t2"), R"js({"order": 20})js")
          .Endpoint(
              HepId("eth0"),
              Ep({{"t1", {"pol1"}}, {"t2", {"pol2"}}, {"default", {"pol4"}}, {"t3", {"pol3"}}}));
  return {"tiers", {s1, s2, s3}};
}

Sequence UntrackedSequence() {
  const std::string wl = WorkloadPath(kLocalHost, "k8s", "wl1", "eth0");
  const State s1 =
      State{}
          .Named("untracked on host endpoint only")
          .With(kEth0, R"js({"name": "eth0", "labels": {"role": "host"}})js")
          .With(wl, R"js({"state": "active", "name": "cali1", "labels": {"role": "wl"}})js")
          .With(PolicyPath("default", "pol-u"), PolicyJson("all()", R"js(, "untracked": true)js"))
          .With(PolicyPath("default", "pol-t"), PolicyJson("all()"))
          .Policies({"default/pol-u", "default/pol-t"})
          .Endpoint(HepId("eth0"), Ep({{"default", {"pol-t"}}}, {}, {{"default", {"pol-u"}}}))
          .Endpoint(WepId("k8s", "wl1", "eth0"), Ep({{"default", {"pol-t"}}}));
  const State s2 = s1.Named("no host endpoint: untracked policy inactive")
                       .Without(kEth0)
                       .Policies({"default/pol-t"})
                       .NoEndpoint(HepId("eth0"));
  const State s3 = s1.Named("untracked policy selecting only the workload")
                       .With(PolicyPath("default", "pol-u"),
                             PolicyJson(R"js(role == \"wl\")js", R"js(, "untracked": 1)js"))
                       .Policies({"default/pol-t"})
                       .Endpoint(HepId("eth0"), Ep({{"default", {"pol-t"}}}));
  return {"untracked", {s1, s2, s3}};
}

Sequence RuleIpSetSequence() {
  const std::string db = HostEndpointPath("otherhost", "db");
  const std::string bad = WorkloadPath("otherhost", "k8s", "bad", "eth0");
  const std::string db_sel = SelectorSet("role == 'db'"), bad_sel = SelectorSet("has(bad)"),
                    web_sel = SelectorSet("role == 'web'");
  const State s1 =
      State{}
          .Named("selectors and tags, negated, local and remote members")
          .With(kEth0, R"js({"name": "eth0", "expected_ipv4_addrs": ["10.0.0.1"],
                           "labels": {"role": "web"}, "profile_ids": ["prof-web"]})js")
          .With(ProfileTagsPath("prof-web"), R"js(["web"])js")
          .With(db, R"js({"expected_ipv4_addrs": ["10.1.0.1"], "expected_ipv6_addrs": ["fd00::1"],
                        "labels": {"role": "db"}, "profile_ids": ["prof-db"]})js")
          .With(ProfileTagsPath("prof-db"), R"js(["db", "other"])js")
          .With(bad, R"js({"state": "active", "name": "cali9", "ipv4_nets": ["10.1.9.0/24"],
                         "ipv6_nets": ["fd00:9::/64"], "labels": {"role": "db", "bad": "yes"}})js")
          .With(PolicyPath("default", "pol-rules"), R"js({"selector": "role == \"web\"",
              "inbound_rules": [{"action": "allow", "src_selector": "role == \"db\""},
                                {"action": "deny", "!src_selector": "has(bad)"
},
                                {"action": "allow", "protocol": "tcp", "src_tag": "db",
                                 "dst_tag": "web"}],
              "outbound_rules": [{"action": "deny", "!dst_tag": "other"},
                                 {"action": "allow", "dst_selector": "role == 'web'",
                                  "!dst_selector": "has(bad)"}]
})js")
          .Policies({"default/pol-rules"})
          .Endpoint(HepId("eth0"), Ep({{"default", {"pol-rules"}}}, {"prof-web"}))
          .IpSet(db_sel, {"10.1.0.1/32", "10.1.9.0/24", "fd00::1/128", "fd00:9::/64"})
          .IpSet(bad_sel, {"10.1.9.0/24", "fd00:9::/64"})
          .IpSet(web_sel, {"10.0.0.1/32"})
          .IpSet(TagSet("db"), {"10.1.0.1/32", "fd00::1/128"})
          .IpSet(TagSet("other"), {"10.1.0.1/32", "fd00::1/128"})
          .IpSet(TagSet("web"), {"10.0.0.1/32"});
  const State rules_checked = s1.Check([=](const DataplaneView& v) -> std::optional<std::string> {
    auto it = v.policies().find(PolicyId{"default", "pol-rules"});
    if (it == v.policies().end() || it->second.inbound.size() != 3 ||
        it->second.outbound.size() != 2) {
      return "pol-rules missing or with wrong rule counts";
    }
    const auto& in = it->second.inbound;
    const auto& out = it->second.outbound;
    using Ids = std::vector<std::string>;
    if (in[0].match.src_ip_set_ids != Ids{db_sel}) return "in[0] src ids wrong";
    if (in[1].not_match.src_ip_set_ids != Ids{bad_sel} || !in[1].match.src_ip_set_ids.empty()) {
      return "in[1] !src ids wrong";
    }
    if (in[2].match.src_ip_set_ids != Ids{"t:db"} || in[2].match.dst_ip_set_ids != Ids{"t:web"}) {
      return "in[2] tag ids wrong";
    }
    if (out[0].not_match.dst_ip_set_ids != Ids{"t:other"}) return "out[0] !dst_tag id wrong";
    if (out[1].match.dst_ip_set_ids != Ids{web_sel} ||
        out[1].not_match.dst_ip_set_ids != Ids{bad_sel}) {
      return "out[1] selector ids wrong";
    }
    return std::nullopt;
  });
  const State db_gone = s1.Named("remote db endpoint deleted while its IPs are in sets")
                            .Without(db)
                            .IpSet(db_sel, {"10.1.9.0/24", "fd00:9::/64"})
                            .IpSet(TagSet("db"), {})
                            .IpSet(TagSet("other"), {});
  const State tags_gone = s1.Named("profile tags deleted while the endpoint lists the profile")
                              .Without(ProfileTagsPath("prof-db"))
                              .IpSet(TagSet("db"), {})
                              .IpSet(TagSet("other"), {});
  const State policy_gone =
      State{}.Named("policy deleted, endpoints remain").With(kEth0, s1.kvs.at(kEth0));
  const State policy_gone_full = s1.Named("policy deleted, everything else remains")
                                     .Without(PolicyPath("default", "pol-rules"))
                                     .Policies({})
                                     .Endpoint(HepId("eth0"), Ep({}, {"prof-web"}));
  State cleared = policy_gone_full;
  cleared.ip_sets.clear();
  return {"rule_ip_sets",
          {rules_checked, db_gone, tags_gone,
           policy_gone.Endpoint(HepId("eth0"), Ep({}, {"prof-web"})), cleared}};
}

Sequence SharedIpSequence() {
  const std::string h = HostEndpointPath("otherhost", "db1");
  const std::string w = WorkloadPath("otherhost", "k8s", "pod1", "eth0");
  const std::string set = SelectorSet("role == 'db'");
  const State base = State{}
                         .Named("policy, no members")
                         .With(kEth0, R"js({"name": "eth0"})js")
                         .With(PolicyPath("default", "pol-db"), R"js({"selector": "all()",
              "inbound_rules": [{"action": "allow", "src_selector": "role == \"db\""}]
})js")
                         .Policies({"default/pol-db"})
                         .Endpoint(HepId("eth0"), Ep({{"default", {"pol-db"}}}))
                         .IpSet(set, {});
  const std::string host_json = R"js({"expected_ipv4_addrs": ["10.1.0.5"],
      "expected_ipv6_addrs": ["fd00::5"], "labels": {"role": "db"}})js";
  const State hep =
      base.Named("remote hep").With(h, host_json).IpSet(set, {"10.1.0.5/32", "fd00::5/128"});
  const State both =
      hep.Named("remote hep and workload share IPs")
          .With(
              w,
              R"js({"state": "active", "name": "cali1", "ipv4_nets": ["10.1.0.5/32", "10.1.1.0/24"],
                       "ipv6_nets": ["fd00::5/128"], "labels": {"role": "db"}})js")
          .IpSet(set, {"10.1.0.5/32", "10.1.1.0/24", "fd00::5/128"});
  const State wl_only = both.Named("hep gone, shared IPs stay").Without(h);
  const State relabelled =
      both.Named("workload relabelled")
          .With(
              w,
              R"js({"state": "active", "name": "cali1", "ipv4_nets": ["10.1.0.5/32", "10.1.1.0/24"],
                       "ipv6_nets": ["fd00::5/128"], "labels": {"role": "web"}})js")
          .IpSet(set, {"10.1.0.5/32", "fd00::5/128"});
  return {"shared_ips", {base, hep, both, wl_only, relabelled}};
}

Sequence EquivalentSelectorSequence() {
  const std::string set = SelectorSet("role == 'db'");
  const std::string remote = HostEndpointPath("otherhost", "db1");
  const State both =
      State{}
          .Named("two spellings, one set")
          .With(kEth0, R"js({"name": "eth0"})js")
          .With(remote, R"js({"expected_ipv4_addrs": ["10.1.0.5"], "labels": {"role": "db"}})js")
          .With(PolicyPath("default", "pol-a"), R"js({"selector": "all()",
              "inbound_rules": [{"action": "allow", "src_selector": "role == \"db\""}]
})js")
          .With(PolicyPath("default", "pol-b"), R"js({"selector": "all()",
              "outbound_rules": [{"action": "allow", "dst_selector": " role=='db' "}]
})js")
          .Policies({"default/pol-a", "default/pol-b"})
          .Endpoint(HepId("eth0"), Ep({{"default", {"pol-a", "pol-b"}}}))
          .IpSet(set, {"10.1.0.5/32"});
  const State b_only = both.Named("one spelling gone, set stays")
                           .Without(PolicyPath("default", "pol-a"))
                           .Policies({"default/pol-b"})
                           .Endpoint(HepId("eth0"), Ep({{"default", {"pol-b"}}}));
  const State a_only = both.Named("other spelling gone, set stays")
                           .Without(PolicyPath("default", "pol-b"))
                           .Policies({"default/pol-a"})
                           .Endpoint(HepId("eth0"), Ep({{"default", {"pol-a"}}}));
  return {"equivalent_selectors", {both, b_only, a_only}};
}

}  // namespace

std::vector<Sequence> PolicySequences() {
  return {PolicyOrderSequence(), TierSequence(),     UntrackedSequence(),
          RuleIpSetSequence(),   SharedIpSequence(), EquivalentSelectorSequence()};
}

}  // namespace felix::calc::testing
