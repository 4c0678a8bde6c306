// State sequences about endpoints and profiles: a host endpoint by name,
// missing then present profiles (rules, tags, labels), label inheritance
// (own labels win; among profiles the FIRST listed wins, as Go Felix 2.x),
// workload endpoints (active, inactive, bad interface prefix), other hosts'
// endpoints (IP sets only) and an invalid value replacing a valid one.
#include "calc/states.h"

namespace felix::calc::testing {
namespace {

const std::string kEth0 = HostEndpointPath(kLocalHost, "eth0");
const std::string kRemoteEth0 = HostEndpointPath("otherhost", "eth0");

Sequence ProfilesSequence() {
  const State named = State{}
                          .Named("hep by name")
                          .With(kEth0, R"js({"name": "eth0"})js")
                          .Endpoint(HepId("eth0"), Ep());
  const State missing = State{}
                            .Named("profile missing")
                            .With(kEth0, R"js({"name": "eth0", "expected_ipv4_addrs": ["10.0.0.1"],
                           "profile_ids": ["prof1"]})js")
                            .Endpoint(HepId("eth0"), Ep({}, {"prof1"}));
  const State present = missing.Named("profile present")
                            .With(ProfileRulesPath("prof1"),
                                  R"js({"inbound_rules": [{"action": "allow", "src_tag": "tag1"}],
                    "outbound_rules": [{"action": "allow"}]})js")
                            .With(ProfileTagsPath("prof1"), R"js(["tag1"])js")
                            .With(ProfileLabelsPath("prof1"), R"js({"group": "g1"})js")
                            .Profiles({"prof1"})
                            .IpSet(TagSet("tag1"), {"10.0.0.1/32"});
  const State no_tags = present.Named("profile tags deleted")
                            .Without(ProfileTagsPath("prof1"))
                            .IpSet(TagSet("tag1"), {});
  const State remote =
      present.Named("remote hep with the profile")
          .With(kRemoteEth0, R"js({"name": "eth0", "expected_ipv4_addrs": ["10.9.0.1"],
                                 "expected_ipv6_addrs": ["fd00::9"], "profile_ids": ["prof1"]})js")
          .IpSet(TagSet("tag1"), {"10.0.0.1/32", "10.9.0.1/32", "fd00::9/128"});
  const State invalid =
      remote.Named("invalid value replaces the local hep")
          .With(kEth0, R"js({"labels": {"foo": "bar"}, "profile_ids": ["prof1"]})js")
          .NoEndpoint(HepId("eth0"))
          .Profiles({})
          .NoIpSet(TagSet("tag1"));
  const State only_remote = invalid.Named("only the remote hep").Without(kEth0);
  return {"profiles",
          {State{}.Named("empty"), named, missing, present, no_tags, remote, invalid, only_remote}};
}

Sequence LabelInheritanceSequence() {
  State base = State{}.Named("policies only");
  for (const auto& [name, sel] : std::vector<std::pair<std::string, std::string>>{
           {"pol-g1", R"js(group == \"g1\")js"},
           {"pol-g2", R"js(group == \"g2\")js"},
           {"pol-own", R"js(role == \"own\")js"},
           {"pol-profrole", R"js(role == \"fromprofile\")js"},
           {"pol-zone", R"js(zone == \"z2\")js"}}) {
    base = base.With(
        PolicyPath("default", name),
        R"js({"selector": ")js" + sel + R"js(", "inbound_rules": [], "outbound_rules": []})js");
  }
  const State one =
      base.Named("one profile: inherited group, own role")
          .With(kEth0,
                R"js({"name": "eth0", "labels": {"role": "own"}, "profile_ids": ["prof1"]})js")
          .With(ProfileLabelsPath("prof1"), R"js({"group": "g1", "role": "fromprofile"})js")
          .Policies({"default/pol-g1", "default/pol-own"})
          .Endpoint(HepId("eth0"), Ep({{"default", {"pol-g1", "pol-own"}}}, {"prof1"}));
  const State two =
      one.Named("two profiles: first listed wins group")
          .With(kEth0, R"js({"name": "eth0", "labels": {"role": "own"},
                           "profile_ids": ["prof1", "prof2"]})js")
          .With(ProfileLabelsPath("prof2"), R"js({"group": "g2", "zone": "z2"})js")
          .Policies({"default/pol-g1", "default/pol-own", "default/pol-zone"})
          .Endpoint(HepId("eth0"),
                    Ep({{"default", {"pol-g1", "pol-own", "pol-zone"}}}, {"prof1", "prof2"}));
  const State swapped =
      two.Named("profiles swapped")
          .With(kEth0, R"js({"name": "eth0", "labels": {"role": "own"},
                           "profile_ids": ["prof2", "prof1"]})js")
          .Policies({"default/pol-g2", "default/pol-own", "default/pol-zone"})
          .Endpoint(HepId("eth0"),
                    Ep({{"default", {"pol-g2", "pol-own", "pol-zone"}}}, {"prof2", "prof1"}));
  const State own_group =
      swapped.Named("own group label wins over both profiles")
          .With(kEth0, R"js({"name": "eth0", "labels": {"role": "own", "group": "mine"},
                           "profile_ids": ["prof2", "prof1"]})js")
          .Policies({"default/pol-own", "default/pol-zone"})
          .Endpoint(HepId("eth0"), Ep({{"default", {"pol-own", "pol-zone"}}}, {"prof2", "prof1"}));
  const State labels_gone = one.Named("profile labels deleted, endpoint still lists the profile")
                                .Without(ProfileLabelsPath("prof1"))
                                .Policies({"default/pol-own"})
                                .Endpoint(HepId("eth0"), Ep({{"default", {"pol-own"}}}, {"prof1"}));
  return {"label_inheritance", {base, one, two, swapped, own_group, labels_gone}};
}

Sequence WorkloadSequence() {
  const std::string wl = WorkloadPath(kLocalHost, "k8s", "wl1", "eth0");
  const std::string remote_wl = WorkloadPath("otherhost", "k8s", "wl2", "eth0");
  const std::string wl_json = R"js("name": "cali1", "mac": "ee:ee:ee:ee:ee:ee",
      "ipv4_nets": ["10.2.0.1/32"], "ipv6_nets": ["fd00::2:1/128"], "profile_ids": ["prof1"],
      "labels": {"app": "web"}})js";
  const State base =
      State{}
          .Named("local active workload")
          .With(PolicyPath("default", "pol-web"),
                R"js({"selector": "app == \"web\"", "inbound_rules": [
                     {"action": "allow", "src_selector": "app == 'web'"}], "outbound_rules": []})js")
          .With(PolicyPath("default", "pol-untracked"),
                R"js({"selector": "all()", "untracked": true,
                    "inbound_rules": [{"action": "allow"}], "outbound_rules": []
})js")
          .With(wl, R"js({"state": "active", )js" + wl_json)
          .Policies({"default/pol-web"})
          .IpSet(SelectorSet("app == 'web'"), {"10.2.0.1/32", "fd00::2:1/128"})
          .Endpoint(WepId("k8s", "wl1", "eth0"), Ep({{"default", {"pol-web"}}}, {"prof1"}));
  auto active_is = [](bool want) -> ViewCheck {
    return [want](const DataplaneView& v) -> std::optional<std::string> {
      auto it = v.workload_endpoints().find(WorkloadEndpointId{"k8s", "wl1", "eth0"});
      if (it == v.workload_endpoints().end() || it->second.active == want) return std::nullopt;
      return std::string("workload wl1 active=") + (want ? "false, want true" : "true, want false");
    };
  };
  const State active = base.Check(active_is(true));
  const State inactive = base.Named("local inactive workload")
                             .With(wl, R"js({"state": "inactive", )js" + wl_json)
                             .Check(active_is(false));
  const State bad_prefix =
      base.Named("local workload with a non-prefixed interface (invalid)")
          .With(wl, R"js({"state": "active", "name": "eth5", "labels": {"app": "web"}})js")
          .Policies({})
          .NoIpSet(SelectorSet("app == 'web'"))
          .NoEndpoint(WepId("k8s", "wl1", "eth0"));
  const State remote = bad_prefix.Named("remote workload only")
                           .Without(wl)
                           .With(remote_wl, R"js({"state": "active", )js" + wl_json);
  const State both =
      active.Named("local and remote workloads, same IPs")
          .With(remote_wl, R"js({"state": "active", "name": "cali2",
                               "ipv4_nets": ["10.2.0.1/32", "10.2.0.2"], "labels": {"app": "web"}})js")
          .IpSet(SelectorSet("app == 'web'"), {"10.2.0.1/32", "10.2.0.2/32", "fd00::2:1/128"});
  return {"workloads", {active, inactive, bad_prefix, remote, both}};
}

}  // namespace

std::vector<Sequence> EndpointSequences() {
  return {ProfilesSequence(), LabelInheritanceSequence(), WorkloadSequence()};
}

}  // namespace felix::calc::testing
