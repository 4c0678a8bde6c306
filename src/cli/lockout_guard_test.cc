// The lockout guard's decisions (CheckChange) over hand-made host inputs:
// a datastore snapshot and the interfaces of this machine.
#include "cli/lockout_guard.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace felix::cli::internal {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr char kEp[] = "/calico/v1/host/me/endpoint/eth0";
constexpr char kPol[] = "/calico/v1/policy/tier/default/policy/p";

std::string Policy(const std::string& inbound,
                   const std::string& outbound = R"({"action": "allow"})") {
  return R"j({"selector": "all()", "order": 1, "inbound_rules": [)j" + inbound +
         R"(], "outbound_rules": [)" + outbound + "]}";
}

class GuardTest : public ::testing::Test {
 protected:
  GuardTest() {
    opts_.local_host = "me";
    opts_.ssh_connection = "10.0.0.9 51000 10.0.0.1 2222";  // ssh on 2222: no failsafe entry
    in_.hostname = "me";
    in_.snapshot = {
        {"/calico/v1/Ready", "true"},
        {kEp, R"({"name": "eth0", "labels": {"role": "web"}})"},
        {kPol, Policy(R"({"protocol": "tcp", "dst_ports": [2222], "action": "allow"})")}};
    in_.interfaces = dataplane::InterfaceAddrs{{"eth0", {*model::ParseIpAddr("10.0.0.1", 4)}},
                                               {"lo", {*model::ParseIpAddr("127.0.0.1", 4)}}};
  }
  GuardFindings Check(const std::vector<datastore::KeyUpdate>& changes) {
    return CheckChange(opts_, {in_}, changes);
  }

  GuardOptions opts_;
  daemon::HostModelInputs in_;
};

TEST_F(GuardTest, RefusesWhatCutsTheCallersSshConnectionAndNamesTheRule) {
  const auto f =
      Check({{kPol, Policy(R"({"protocol": "tcp", "dst_ports": [80], "action": "allow"})")}});
  ASSERT_THAT(f.refusals, SizeIs(1));
  EXPECT_THAT(f.refusals[0], HasSubstr("your SSH connection from 10.0.0.9 (SSH_CONNECTION) on "
                                       "host me (in eth0)"));
  EXPECT_THAT(f.refusals[0], HasSubstr("tier default applies but none of its policies allowed"));
}

TEST_F(GuardTest, ANewHostEndpointWithoutPolicyIsALockoutToo) {
  in_.snapshot = {{"/calico/v1/Ready", "true"}};  // eth0 not policed yet
  const auto f = Check({{kEp, R"({"name": "eth0"})"}});
  ASSERT_THAT(f.refusals, SizeIs(1));
  EXPECT_THAT(f.refusals[0], HasSubstr("the endpoint's final drop"));
}

TEST_F(GuardTest, DeletingTheAllowingPolicyIsRefused) {
  EXPECT_THAT(Check({{kPol, std::nullopt}}).refusals, SizeIs(1));
}

TEST_F(GuardTest, HarmlessChangesPass) {
  auto f =
      Check({{kPol, Policy(R"({"protocol": "tcp", "dst_ports": [2222, 80], "action": "allow"})")}});
  EXPECT_THAT(f.refusals, IsEmpty());
  EXPECT_THAT(f.warnings, IsEmpty());
  // Another host's endpoint does not touch this one.
  f = Check({{"/calico/v1/host/other/endpoint/eth0", R"({"name": "eth0"})"}});
  EXPECT_THAT(f.refusals, IsEmpty());
}

TEST_F(GuardTest, WhatWasAlreadyCutIsNotThisChangesDoing) {
  opts_.ssh_connection = "10.0.0.9 51000 10.0.0.1 3333";  // denied before and after
  EXPECT_THAT(
      Check({{kPol, Policy(R"({"protocol": "tcp", "dst_ports": [80], "action": "allow"})")}})
          .refusals,
      IsEmpty());
}

TEST_F(GuardTest, ProtectedConnectionsAndTheAgentsEtcdConnection) {
  opts_.ssh_connection.clear();
  opts_.protect = {"10.0.0.7:8443"};
  opts_.etcd_endpoints = {"http://10.0.0.5:12379"};  // not a failsafe port
  in_.snapshot.back().value =
      Policy(R"({"protocol": "tcp", "dst_ports": [8443], "action": "allow"})",
             R"({"protocol": "tcp", "dst_ports": [12379], "action": "allow"})");
  const auto f = Check({{kPol, Policy(R"({"action": "deny"})", R"({"action": "deny"})")}});
  ASSERT_THAT(f.refusals, SizeIs(2));
  EXPECT_THAT(f.refusals[0],
              HasSubstr("tcp from 10.0.0.7 to port 8443 (--protect) on host me (in eth0)"));
  EXPECT_THAT(f.refusals[1], HasSubstr("the agent's etcd connection to http://10.0.0.5:12379 on "
                                       "host me (out eth0)"));
  EXPECT_THAT(f.refusals[1], HasSubstr("outbound rule 1: deny"));
}

TEST_F(GuardTest, WarnsOfDenyRulesOnFailsafePortsAndOfFailsafeRemovedUnreplaced) {
  auto f = Check({{kPol, Policy(R"({"protocol": "tcp", "dst_ports": [2222], "action": "allow"},
                                   {"protocol": "tcp", "dst_ports": ["20:30"], "action": "deny"})")}});
  ASSERT_THAT(f.warnings, SizeIs(1));
  EXPECT_THAT(f.warnings[0],
              HasSubstr(std::string(kPol) + ": inbound rule 2 denies tcp:22, a "
                                            "failsafe port (FailsafeInboundHostPorts): it has no "
                                            "effect while failsafe is on"));
  f = Check({{"/calico/v1/config/FailsafeInboundHostPorts", "none"}});
  ASSERT_THAT(f.warnings, SizeIs(1));
  EXPECT_THAT(f.warnings[0], HasSubstr("host me: failsafe inbound tcp:22 is being disabled and no "
                                       "policy allows it on eth0"));
  // With a policy that allows ssh, disabling failsafe is fine.
  in_.snapshot.back().value =
      Policy(R"({"protocol": "tcp", "dst_ports": [22, 2222], "action": "allow"})");
  EXPECT_THAT(Check({{"/calico/v1/config/FailsafeInboundHostPorts", "none"}}).warnings, IsEmpty());
}

}  // namespace
}  // namespace felix::cli::internal
