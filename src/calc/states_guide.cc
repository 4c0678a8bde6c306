// The objects of the guide "Using Calico to Secure Host Interfaces" as one
// state sequence: Ready, the failsafe policy (tier default, all(), order 0),
// the host endpoint by name (written as the guide prints it, trailing comma
// included), an endpoint by IP only, the guide's invalid endpoint (ignored),
// the webserver policy, another host's endpoints (feeding an IP set only) and
// relabelling the endpoint so that the webserver policy no longer applies.
#include "calc/states.h"

namespace felix::calc::testing {
namespace {

// The guide's placeholders, filled in.
constexpr const char* kFailsafe = R"js({
  "selector": "all()",
  "order": 0,
  "inbound_rules": [
    {"protocol": "tcp", "dst_ports": [22], "src_net": "172.18.0.0/16", "action": "allow"},
    {"protocol": "icmp", "action": "allow"}
  ],
  "outbound_rules": [
    {"protocol": "tcp", "dst_ports": [2379, 2380, 4001, 7001], "dst_net": "10.0.0.100/32",
     "action": "allow"},
    {"protocol": "udp", "dst_ports": [67], "action": "allow"}
  ]
})js";

constexpr const char* kEth0Json = R"js({
  "name": "eth0",
  "expected_ipv4_addrs": ["10.0.0.1"],
  "profile_ids": [],
  "labels": {
    "role": "webserver",
    "environment": "production",
  }
})js";

constexpr const char* kWebserver = R"js({
  "selector": "role==\"webserver\"",
  "order": 100,
  "inbound_rules": [{"protocol": "tcp", "dst_ports": [80], "action": "allow"}],
  "outbound_rules": [{"action": "allow"}]
})js";

std::optional<std::string> FailsafeRulesTranslated(const DataplaneView& v) {
  auto it = v.policies().find(PolicyId{"default", "failsafe"});
  if (it == v.policies().end()) return "failsafe policy not active";
  const auto& p = it->second;
  if (p.untracked || p.inbound.size() != 2 || p.outbound.size() != 2) {
    return "failsafe has wrong rule counts";
  }
  const Rule& ssh = p.inbound[0];
  if (ssh.action != model::Action::kAllow || ssh.match.protocol != "tcp" || !ssh.match.src_net ||
      ssh.match.src_net->ToString() != "172.18.0.0/16" ||
      ssh.match.dst_ports != std::vector<model::PortRange>{{22, 22}}) {
    return "failsafe inbound ssh rule mistranslated";
  }
  if (p.inbound[1].match.protocol != "icmp") return "failsafe icmp rule mistranslated";
  const Rule& etcd = p.outbound[0];
  if (!etcd.match.dst_net || etcd.match.dst_net->ToString() != "10.0.0.100/32" ||
      etcd.match.dst_ports !=
          std::vector<model::PortRange>{{2379, 2379}, {2380, 2380}, {4001, 4001}, {7001, 7001}}) {
    return "failsafe etcd rule mistranslated";
  }
  if (p.outbound[1].match.protocol != "udp" ||
      p.outbound[1].match.dst_ports != std::vector<model::PortRange>{{67, 67}}) {
    return "failsafe dhcp rule mistranslated";
  }
  return std::nullopt;
}

std::optional<std::string> Eth0Programmed(const DataplaneView& v) {
  auto it = v.host_endpoints().find(HostEndpointId{"eth0"});
  if (it == v.host_endpoints().end()) return "eth0 not programmed";
  if (it->second.name != "eth0" || it->second.expected_ipv4_addrs.size() != 1 ||
      it->second.expected_ipv4_addrs[0].ToString() != "10.0.0.1") {
    return "eth0 programmed without its name and expected IP";
  }
  return std::nullopt;
}

}  // namespace

Sequence GuideSequence() {
  const std::string eth0 = HostEndpointPath(kLocalHost, "eth0");
  const std::string by_ip = HostEndpointPath(kLocalHost, "data");
  const std::string invalid = HostEndpointPath(kLocalHost, "broken");
  const std::string remote_web = HostEndpointPath("otherhost", "eth0");
  const std::string remote_by_ip = HostEndpointPath("otherhost", "data");
  const std::string web_set = SelectorSet("role == 'webserver'");

  const State ready = State{}
                          .Named("Ready and the failsafe policy, no endpoint yet")
                          .With("/calico/v1/Ready", "true")
                          .With("/calico/v1/config/LogSeverityScreen", "INFO")
                          .With(PolicyPath("default", "failsafe"), kFailsafe);
  const State hep = ready.Named("host endpoint eth0 by name")
                        .With(eth0, kEth0Json)
                        .Policies({"default/failsafe"})
                        .Endpoint(HepId("eth0"), Ep({{"default", {"failsafe"}}}))
                        .Check(FailsafeRulesTranslated)
                        .Check(Eth0Programmed);
  const State ip_only =
      hep.Named("endpoint by IP only")
          .With(by_ip,
                R"js({"expected_ipv4_addrs": ["192.168.5.1"], "labels": {"role": "data"}})js")
          .Endpoint(HepId("data"), Ep({{"default", {"failsafe"}}}));
  const State with_invalid =
      ip_only.Named("the guide's invalid endpoint is ignored")
          .With(invalid, R"js({ "labels": {"foo": "bar"}, "profile_ids": ["prof1"]})js");
  const State web = with_invalid.Named("webserver policy")
                        .With(PolicyPath("default", "webserver"), kWebserver)
                        .Policies({"default/failsafe", "default/webserver"})
                        .Endpoint(HepId("eth0"), Ep({{"default", {"failsafe", "webserver"}}}));
  // Not in the guide: a policy whose rule selects the webservers, so that
  // the other host's endpoints have an IP set to feed.
  const State remote =
      web.Named("another host's endpoints feed an IP set")
          .With(PolicyPath("default", "from-webservers"), R"js({"selector": "role == 'webserver'",
              "order": 200, "inbound_rules": [{"action": "allow",
              "src_selector": "role == 'webserver'"}]})js")
          .With(remote_web, R"js({"name": "eth0", "expected_ipv4_addrs": ["10.0.0.2"],
                                "labels": {"role": "webserver"}})js")
          .With(remote_by_ip, R"js({"expected_ipv4_addrs": ["10.0.0.3"],
                                  "labels": {"role": "webserver"}})js")
          .Policies({"default/failsafe", "default/webserver", "default/from-webservers"})
          .Endpoint(HepId("eth0"), Ep({{"default", {"failsafe", "webserver", "from-webservers"}}}))
          .IpSet(web_set, {"10.0.0.1/32", "10.0.0.2/32", "10.0.0.3/32"});
  const State relabelled =
      remote.Named("eth0 relabelled: webserver policy no longer applies")
          .With(eth0, R"js({"name": "eth0", "expected_ipv4_addrs": ["10.0.0.1"],
                          "labels": {"role": "database", "environment": "production"}})js")
          .Policies({"default/failsafe"})
          .Endpoint(HepId("eth0"), Ep({{"default", {"failsafe"}}}))
          .NoIpSet(web_set);
  return {"guide", {ready, hep, ip_only, with_invalid, web, remote, relabelled}};
}

}  // namespace felix::calc::testing
