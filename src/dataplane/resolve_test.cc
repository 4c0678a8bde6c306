// Table tests for ResolveInterfaces (spec §18.6 tie-breaking).
#include <gtest/gtest.h>

#include "dataplane/dataplane.h"
#include "rules/trace.h"

namespace felix::dataplane {
namespace {

model::IpAddr Ip(const std::string& s) { return *model::ParseIpAddr(s, 0); }

calc::HostEndpointUpdate ByIp(const std::string& id, std::vector<std::string> v4,
                              std::vector<std::string> v6 = {}) {
  calc::HostEndpointUpdate u;
  u.id.endpoint = id;
  for (const auto& a : v4) u.expected_ipv4_addrs.push_back(Ip(a));
  for (const auto& a : v6) u.expected_ipv6_addrs.push_back(Ip(a));
  return u;
}

using Ifaces = std::map<calc::HostEndpointId, std::vector<std::string>>;

struct ResolveCase {
  std::string description;
  std::vector<calc::HostEndpointUpdate> endpoints;
  InterfaceAddrs interfaces;
  Ifaces want_v4, want_v6;
  std::vector<std::string> want_warnings;
};

TEST(ResolveTest, Table) {
  calc::HostEndpointUpdate named = ByIp("named", {"10.0.0.1"});
  named.name = "eth9";
  const std::vector<ResolveCase> cases = {
      {"no address present: nothing resolves",
       {ByIp("a", {"10.0.0.1"})},
       {{"eth0", {Ip("10.0.0.2")}}},
       {},
       {},
       {}},
      {"an address resolves per family only",
       {ByIp("a", {"10.0.0.1"}, {"fd00::1"})},
       {{"eth0", {Ip("10.0.0.1")}}, {"eth1", {Ip("fd00::1")}}},
       {{{"a"}, {"eth0"}}},
       {{{"a"}, {"eth1"}}},
       {}},
      {"one endpoint may take several interfaces, sorted",
       {ByIp("a", {"10.0.0.1", "10.0.0.2"})},
       {{"eth1", {Ip("10.0.0.1")}}, {"eth0", {Ip("10.0.0.2")}}},
       {{{"a"}, {"eth0", "eth1"}}},
       {},
       {}},
      {"an interface claimed by an earlier endpoint id is skipped with a warning",
       {ByIp("b", {"10.0.0.1"}), ByIp("a", {"10.0.0.1"})},
       {{"eth0", {Ip("10.0.0.1")}}},
       {{{"a"}, {"eth0"}}},
       {},
       {"Interface eth0 matched with multiple entries in datamodel; using HostEndpointId<a>"}},
      {"workload-prefixed interfaces are ignored",
       {ByIp("a", {"10.0.0.1"})},
       {{"cali123", {Ip("10.0.0.1")}}},
       {},
       {},
       {}},
      {"an @parent suffix is stripped",
       {ByIp("a", {"10.0.0.1"})},
       {{"eth0.10@eth0", {Ip("10.0.0.1")}}},
       {{{"a"}, {"eth0.10"}}},
       {},
       {}},
      {"an endpoint with a name is dispatched by name, never by IP",
       {named},
       {{"eth0", {Ip("10.0.0.1")}}},
       {},
       {},
       {}},
  };
  for (const ResolveCase& c : cases) {
    std::map<calc::HostEndpointId, calc::HostEndpointUpdate> eps;
    for (const auto& e : c.endpoints) eps[e.id] = e;
    std::vector<std::string> warnings;
    rules::InterfaceResolution r = ResolveInterfaces(eps, c.interfaces, {"cali"}, &warnings);
    EXPECT_EQ(r.v4_ifaces, c.want_v4) << c.description;
    EXPECT_EQ(r.v6_ifaces, c.want_v6) << c.description;
    EXPECT_EQ(warnings, c.want_warnings) << c.description;
  }
}

}  // namespace
}  // namespace felix::dataplane

namespace felix::dataplane {
namespace {

// Several host endpoints that match one interface, changed one at a time as
// in Felix's endpoint manager tests: the endpoint that owns eth0 after each
// step ("" = none). An explicit name beats an address match; among address
// matches the alphabetically first id wins.
TEST(ResolveTest, SeveralEndpointsOnOneInterfaceLadder) {
  rules::DesiredState s;
  const InterfaceAddrs ifaces = {{"eth0", {Ip("10.0.0.1")}}};
  auto owner = [&] {
    const rules::InterfaceResolution r = ResolveInterfaces(s.host_endpoints, ifaces, {"cali"});
    const auto id = rules::HostEndpointOfInterface(s, r, "eth0", 4);
    return id ? id->endpoint : std::string();
  };
  auto add = [&](calc::HostEndpointUpdate u) { s.host_endpoints[u.id] = std::move(u); };
  add(ByIp("b", {"10.0.0.1"}));
  EXPECT_EQ(owner(), "b") << "one endpoint matches the address";
  add(ByIp("c", {"10.0.0.1"}));
  EXPECT_EQ(owner(), "b") << "another endpoint with a higher id matches: no change";
  add(ByIp("a", {"10.0.0.1"}));
  EXPECT_EQ(owner(), "a") << "an endpoint with a lower id matches: it takes over";
  s.host_endpoints.erase({"a"});
  EXPECT_EQ(owner(), "b") << "the first removed: the next id owns it";
  s.host_endpoints.erase({"b"});
  s.host_endpoints.erase({"c"});
  EXPECT_EQ(owner(), "") << "both removed: unpoliced";
  calc::HostEndpointUpdate named = ByIp("z", {});
  named.name = "eth0";
  add(named);
  add(ByIp("a", {"10.0.0.1"}));
  EXPECT_EQ(owner(), "z") << "an explicit name beats an address match";
  s.host_endpoints.erase({"z"});
  EXPECT_EQ(owner(), "a") << "the name removed: the address match owns it";
}

}  // namespace
}  // namespace felix::dataplane
