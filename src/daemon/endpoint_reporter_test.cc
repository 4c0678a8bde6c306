// Per-endpoint status (spec §17.4): the status each endpoint gets, and the
// reporter's writes, deletes and sweep of stale keys over a fake etcd.
#include "daemon/endpoint_reporter.h"

#include <gtest/gtest.h>

#include "datastore/fake_etcd.h"

namespace felix::daemon {
namespace {

using std::chrono::seconds;
using Map = std::map<std::string, std::string>;

const std::string kDir = "/calico/felix/v1/host/h1";
const std::string kUp = R"({"status": "up"})", kDown = R"({"status": "down"})",
                  kError = R"({"status": "error"})";

model::IpAddr Ip(const char* s) { return *model::ParseIpAddr(s, 0); }

class EndpointStatusTest : public ::testing::Test {
 protected:
  EndpointStatusTest() {
    auto& named = s_.host_endpoints[{"named"}];
    named.id = {"named"};
    named.name = "eth0";
    auto& by_ip = s_.host_endpoints[{"by-ip"}];
    by_ip.id = {"by-ip"};
    by_ip.expected_ipv4_addrs = {Ip("10.0.0.1")};
    by_ip.expected_ipv6_addrs = {Ip("fd00::1")};
    auto& w = s_.workload_endpoints[{"k8s", "pod", "eth0"}];
    w.id = {"k8s", "pod", "eth0"};
    w.name = "cali1";
    w.active = true;
    w.policy.tiers = {{"default", {"p"}}};
    ifaces_ = {{"eth0", {}}, {"eth1", {Ip("10.0.0.1"), Ip("fd00::1")}}, {"cali1", {}}};
    r_.v4_ifaces[{"by-ip"}] = {"eth1"};
    r_.v6_ifaces[{"by-ip"}] = {"eth1"};
  }
  Map Statuses(const std::set<std::string>* up = nullptr, bool ok = true,
               std::map<std::string, std::vector<std::string>> quarantined = {}) {
    return EndpointStatuses("h1", s_, r_, ifaces_, up, ok, quarantined);
  }
  rules::DesiredState s_;
  rules::InterfaceResolution r_;
  dataplane::InterfaceAddrs ifaces_;
};

TEST_F(EndpointStatusTest, PresentAndResolvedEndpointsAreUpAtTheirKeys) {
  EXPECT_EQ(Statuses(), (Map{{kDir + "/endpoint/by-ip", kUp},
                             {kDir + "/endpoint/named", kUp},
                             {kDir + "/workload/k8s/pod/endpoint/eth0", kUp}}));
}

TEST_F(EndpointStatusTest, MissingOrDownInterfacesAndInactiveWorkloadsAreDown) {
  ifaces_.erase("eth0");
  r_.v6_ifaces.clear();  // one family unresolved: the worst wins
  s_.workload_endpoints.begin()->second.active = false;
  EXPECT_EQ(Statuses(), (Map{{kDir + "/endpoint/by-ip", kDown},
                             {kDir + "/endpoint/named", kDown},
                             {kDir + "/workload/k8s/pod/endpoint/eth0", kDown}}));
  // A family it has no address of is ignored.
  s_.host_endpoints.at({"by-ip"}).expected_ipv6_addrs.clear();
  EXPECT_EQ(Statuses().at(kDir + "/endpoint/by-ip"), kUp);
  // Link state: only running interfaces are up.
  const std::set<std::string> running = {"cali1"};
  s_.workload_endpoints.begin()->second.active = true;
  EXPECT_EQ(Statuses(&running).at(kDir + "/endpoint/by-ip"), kDown);
  EXPECT_EQ(Statuses(&running).at(kDir + "/workload/k8s/pod/endpoint/eth0"), kUp);
}

TEST_F(EndpointStatusTest, StarIsAlwaysUpATemplateWhileAnInterfaceItTakesIs) {
  for (const auto& [id, name] : std::map<std::string, std::string>{{"all", "*"},
                                                                   {"all2", "*"},
                                                                   {"eths", "eth*"},
                                                                   {"e", "e*"},
                                                                   {"calis", "cali*"},
                                                                   {"bonds", "bond*"}}) {
    auto& ep = s_.host_endpoints[{id}];
    ep.id = {id};
    ep.name = name;
  }
  const Map all = Statuses();
  EXPECT_EQ(all.at(kDir + "/endpoint/all"), kUp);
  EXPECT_EQ(all.at(kDir + "/endpoint/all2"), kDown) << "the first \"*\" polices";
  EXPECT_EQ(all.at(kDir + "/endpoint/eths"), kDown) << "eth0 is named, eth1 bound by IP";
  EXPECT_EQ(all.at(kDir + "/endpoint/e"), kDown);
  ifaces_["eth5"] = {};
  EXPECT_EQ(Statuses().at(kDir + "/endpoint/eths"), kUp) << "the longest template takes eth5";
  EXPECT_EQ(Statuses().at(kDir + "/endpoint/e"), kDown);
  EXPECT_EQ(all.at(kDir + "/endpoint/calis"), kDown) << "never a workload interface";
  EXPECT_EQ(all.at(kDir + "/endpoint/bonds"), kDown) << "no such interface";
  const std::set<std::string> running = {"cali1"};
  EXPECT_EQ(Statuses(&running).at(kDir + "/endpoint/eths"), kDown) << "eth5 is not running";
  EXPECT_EQ(Statuses(&running).at(kDir + "/endpoint/all"), kUp);
}

TEST_F(EndpointStatusTest, AFailingDataplaneOrAQuarantinedPolicyIsError) {
  const Map failing = Statuses(nullptr, /*ok=*/false);
  for (const auto& [key, value] : failing) EXPECT_EQ(value, kError) << key;
  const Map q = Statuses(nullptr, true, {{"cali-pi-default/p", {"drop"}}});
  EXPECT_EQ(q.at(kDir + "/workload/k8s/pod/endpoint/eth0"), kError);
  EXPECT_EQ(q.at(kDir + "/endpoint/named"), kUp);
}

TEST(EndpointReporterTest, WritesChangesDeletesWhatWentAwayAndSweepsStaleKeys) {
  auto etcd = std::make_unique<datastore::FakeEtcdClient>();
  datastore::FakeEtcdClient* fake = etcd.get();
  fake->data[kDir + "/endpoint/old"] = kUp;  // a previous agent's
  fake->data[kDir + "/status"] = "{}";       // not ours to sweep
  EndpointReporter r(std::move(etcd), "h1");
  r.Publish({{kDir + "/endpoint/a", kUp}});
  ASSERT_TRUE(r.SyncOnce().ok());
  EXPECT_TRUE(fake->data.empty() || !fake->data.contains(kDir + "/endpoint/a")) << "disabled";
  r.Configure(true, seconds(1));
  ASSERT_TRUE(r.SyncOnce().ok());
  EXPECT_EQ(fake->data.at(kDir + "/endpoint/a"), kUp);
  EXPECT_FALSE(fake->data.contains(kDir + "/endpoint/old"));
  EXPECT_TRUE(fake->data.contains(kDir + "/status"));
  r.Publish({{kDir + "/endpoint/a", kDown}, {kDir + "/workload/o/w/endpoint/e", kUp}});
  ASSERT_TRUE(r.SyncOnce().ok());
  EXPECT_EQ(fake->data.at(kDir + "/endpoint/a"), kDown);
  r.Publish({{kDir + "/workload/o/w/endpoint/e", kUp}});
  ASSERT_TRUE(r.SyncOnce().ok());
  EXPECT_FALSE(fake->data.contains(kDir + "/endpoint/a"));
  // Turned off: what it wrote goes.
  r.Configure(false, seconds(1));
  ASSERT_TRUE(r.SyncOnce().ok());
  EXPECT_FALSE(fake->data.contains(kDir + "/workload/o/w/endpoint/e"));
  EXPECT_TRUE(fake->data.contains(kDir + "/status"));
}

}  // namespace
}  // namespace felix::daemon
