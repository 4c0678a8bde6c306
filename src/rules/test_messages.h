// Random calc messages for the rules and dataplane layers' property tests
// (header-only, tests only): a small universe of ids so that updates,
// removes, interface name clashes and references to missing objects happen.
#pragma once

#include <random>
#include <set>
#include <string>
#include <vector>

#include "calc/messages.h"
#include "rules/rules.h"
#include "rules/test_util.h"

namespace felix::rules::testing {

// Random messages over a small universe of ids, so that updates, removes,
// name clashes and references to missing objects all happen.
class RandomMessages {
 public:
  explicit RandomMessages(unsigned seed) : rng_(seed) {}

  calc::Message Next(const DesiredState& s) {
    switch (Pick(12)) {
      case 0:
        return calc::IpSetUpdate{SetId(), Members()};
      case 1:
      case 2:
      case 3:
        return Delta(s);
      case 4:
        return calc::IpSetRemove{SetId()};
      case 5: {
        calc::ActivePolicyUpdate p;
        p.id = {Pick(2) ? "t0" : "t1", Id("p", 4)};
        calc::Rule r = Proto("tcp");
        r.match.src_ip_set_ids = {SetId()};
        p.inbound = {r};
        p.outbound = {Allow()};
        if (Pick(2)) p.inbound.push_back(WithAction(Allow(), model::Action::kDeny));
        p.governs_inbound = Pick(5) != 0;  // types leaving out a direction
        p.governs_outbound = Pick(5) != 0;
        if (Pick(3) == 0) p.apply_on_forward = Pick(2) != 0;  // else absent (v1)
        return p;
      }
      case 6:
        return calc::ActivePolicyRemove{{Pick(2) ? "t0" : "t1", Id("p", 4)}};
      case 7:
        if (Pick(3) == 0) return calc::ActiveProfileRemove{Id("pr", 3)};
        return calc::ActiveProfileUpdate{
            Id("pr", 3), {Allow()}, Pick(2) ? std::vector{Allow()} : std::vector<calc::Rule>{}};
      case 8: {
        if (Pick(4) == 0) return calc::HostEndpointRemove{{Id("h", 4)}};
        calc::HostEndpointUpdate h;
        h.id.endpoint = Id("h", 4);
        if (Pick(8) == 0) {
          h.name = Pick(2) ? "*" : "eth*";  // templates
        } else if (Pick(3)) {
          h.name = Id("eth", 3);
        } else {
          h.expected_ipv4_addrs = {*model::ParseIpAddr(Pick(2) ? "10.9.0.1" : "10.9.0.2", 4)};
          if (Pick(2)) h.expected_ipv6_addrs = {*model::ParseIpAddr("fd09::1", 6)};
        }
        h.policy = Policy(true);
        return h;
      }
      case 9: {
        calc::WorkloadEndpointId id{"k8s", Id("w", 4), "eth0"};
        if (Pick(4) == 0) return calc::WorkloadEndpointRemove{id};
        calc::WorkloadEndpointUpdate w;
        w.id = id;
        w.name = Id("cali", 3);
        w.active = Pick(4) != 0;
        if (Pick(2)) w.mac = "02:00:00:00:00:01";
        w.policy = Policy(false);
        return w;
      }
      case 10: {
        calc::DataplaneConfig c;
        if (Pick(2)) c.default_endpoint_to_host_action = config::EndpointToHostAction::kAccept;
        return calc::ConfigUpdate{c};
      }
      default:
        return calc::InSync{};
    }
  }

  InterfaceResolution Resolution() {
    InterfaceResolution r;
    for (int i = 0; i < 4; ++i) {
      if (Pick(3) == 0) r.v4_ifaces[{Id("h", 4)}].push_back(Pick(2) ? "eth1" : "eth7");
      if (Pick(4) == 0) r.v6_ifaces[{Id("h", 4)}].push_back(Pick(2) ? "eth1" : "eth8");
    }
    return r;
  }

  int Pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }

 private:
  std::string Id(const char* prefix, int n) { return prefix + std::to_string(Pick(n)); }
  std::string SetId() { return Id("s", 4); }

  model::Cidr Member() {
    static const char* kPool[] = {"10.0.0.1/32", "10.0.0.2/32", "10.0.0.3/32", "10.0.1.0/24",
                                  "10.0.0.0/16", "fd00::1/128", "fd00::2/128", "fd00::/64"};
    return C(kPool[(Pick(Pick(3) == 0 ? 8 : 3) + (Pick(4) == 0 ? 5 : 0)) % 8]);
  }
  std::vector<model::Cidr> Members() {
    std::set<model::Cidr> m;
    for (int i = Pick(5); i > 0; --i) m.insert(Member());
    return {m.begin(), m.end()};
  }
  calc::Message Delta(const DesiredState& s) {
    calc::IpSetDeltaUpdate d{SetId(), {}, {}};
    auto it = s.ip_sets.find(d.id);
    std::set<model::Cidr> added, removed;
    for (int i = Pick(3); i > 0; --i) {
      model::Cidr c = Member();
      if (it != s.ip_sets.end() && it->second.contains(c)) {
        removed.insert(c);
      } else {
        added.insert(c);
      }
    }
    d.added.assign(added.begin(), added.end());
    d.removed.assign(removed.begin(), removed.end());
    return d;
  }
  calc::EndpointPolicy Policy(bool host) {
    calc::EndpointPolicy p;
    for (const char* tier : {"t0", "t1"}) {
      if (Pick(2)) p.tiers.push_back({tier, {Id("p", 4), Id("p", 4)}, Pick(4) == 0});
    }
    if (host && Pick(3) == 0) p.untracked_tiers.push_back({"t0", {Id("p", 4)}});
    if (host && Pick(3) == 0) p.pre_dnat_tiers.push_back({"t1", {Id("p", 4)}});
    for (int i = Pick(3); i > 0; --i) p.profile_ids.push_back(Id("pr", 3));
    return p;
  }

  std::mt19937 rng_;
};

}  // namespace felix::rules::testing
