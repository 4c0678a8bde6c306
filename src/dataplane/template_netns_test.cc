// Integration tests (root; label `integration`) of host endpoints named by
// an interface template on the real packet path: "*" against
// DefaultEndpointToHostAction with and without pre-DNAT policy (the cases of
// Felix's ep_to_host_action FV test), and a prefix template that polices an
// interface created after its policy, with no agent round trip.
#include "dataplane/netns_fixture.h"

namespace felix::dataplane {
namespace {

using namespace nstest;  // NOLINT: the fixture's helpers
using A = config::EndpointToHostAction;
using model::Action;

calc::Rule Any(Action a) {
  calc::Rule r;
  r.action = a;
  return r;
}

// What the "*" endpoint has in a case.
enum class Star { kNone, kNormalDeny, kNormalAllow, kPreDnatAllow, kPreDnatDeny };

struct StarCase {
  A to_host;
  Star star;
  bool workload_reaches_host;  // w -> h:80
  bool peer_reaches_host;      // p -> h:80 through eth0 (no endpoint of its own)
};

class StarNetnsTest : public NetnsTest {
 protected:
  void Run(const StarCase& c) {
    NewDriver();
    std::vector<calc::Message> msgs = {Config(c.to_host),
                                       Policy("open", {Any(Action::kAllow)}, {Any(Action::kAllow)}),
                                       Wep({"open"})};
    if (c.star != Star::kNone) {
      const bool pre_dnat = c.star == Star::kPreDnatAllow || c.star == Star::kPreDnatDeny;
      const bool allow = c.star == Star::kNormalAllow || c.star == Star::kPreDnatAllow;
      calc::ActivePolicyUpdate p =
          Policy("star", {Any(allow ? Action::kAllow : Action::kDeny)}, {Any(Action::kAllow)});
      p.pre_dnat = pre_dnat;
      if (pre_dnat) p.outbound.clear();
      msgs.push_back(p);
      calc::HostEndpointUpdate all = Hep("all", "*");
      // A "*" endpoint with pre-DNAT policy only: its normal policy is
      // "open", so only the pre-DNAT stage decides.
      all.policy.tiers = {calc::TierInfo{"default", {pre_dnat ? "open" : "star"}}};
      if (pre_dnat) all.policy.pre_dnat_tiers = {calc::TierInfo{"default", {"star"}}};
      msgs.push_back(all);
    }
    msgs.push_back(calc::InSync{});
    Program(msgs);
  }
};

TEST_F(StarNetnsTest, DefaultEndpointToHostActionAgainstTheStarEndpoint) {
  const StarCase cases[] = {
      {A::kDrop, Star::kNone, false, true},           {A::kDrop, Star::kNormalDeny, false, false},
      {A::kDrop, Star::kNormalAllow, false, true},    {A::kDrop, Star::kPreDnatAllow, false, true},
      {A::kDrop, Star::kPreDnatDeny, false, false},   {A::kReturn, Star::kNone, true, true},
      {A::kReturn, Star::kNormalDeny, true, false},  // "*"'s normal policy: not workloads'
      {A::kReturn, Star::kNormalAllow, true, true},   {A::kReturn, Star::kPreDnatAllow, true, true},
      {A::kReturn, Star::kPreDnatDeny, false, false},  // pre-DNAT: every arriving packet
      {A::kAccept, Star::kNone, true, true},          {A::kAccept, Star::kNormalDeny, true, false},
      {A::kAccept, Star::kNormalAllow, true, true},   {A::kAccept, Star::kPreDnatAllow, true, true},
      {A::kAccept, Star::kPreDnatDeny, false, false},
  };
  int n = 0;
  for (const auto& c : cases) {
    SCOPED_TRACE(::testing::Message() << "case " << n++ << ": " << config::ToString(c.to_host)
                                      << " star " << static_cast<int>(c.star));
    ASSERT_NO_FATAL_FAILURE(Run(c));
    EXPECT_EQ(Connects("10.95.0.1", 80, "w"), c.workload_reaches_host);
    EXPECT_EQ(Connects("10.99.0.1", 80), c.peer_reaches_host);
    EXPECT_TRUE(Connects("10.99.0.1", 22)) << "failsafe";
    // Forwarded (no apply_on_forward policy): only "*"'s pre-DNAT deny,
    // which meets the workload's packets too (Calico's catch-all), stops it.
    EXPECT_EQ(Connects("10.97.0.2", 80, "w"), c.star != Star::kPreDnatDeny);
  }
}

TEST_F(NetnsTest, ATemplatePolicesAnInterfaceCreatedAfterIt) {
  Program({Config(), Policy("allow-80", {Tcp(Action::kAllow, 80)}),
           Hep("bonds", "tpl*", {"allow-80"}), calc::InSync{}});
  const size_t programs = backend_->scripts.size();
  // The interface appears after the endpoint and its policy: the kernel
  // matches the template from the first packet, no agent change needed.
  ASSERT_TRUE(sb_.Veth("h", "tpl0", "p", "tplp0").ok());
  ASSERT_EQ(sb_.Exec("h", "ip addr add 10.94.0.1/24 dev tpl0"), 0);
  ASSERT_EQ(sb_.Exec("p", "ip addr add 10.94.0.2/24 dev tplp0"), 0);
  EXPECT_TRUE(Connects("10.94.0.1", 80));
  EXPECT_FALSE(Connects("10.94.0.1", 8080));
  EXPECT_TRUE(Connects("10.94.0.1", 22)) << "failsafe";
  EXPECT_EQ(backend_->scripts.size(), programs) << "nothing reprogrammed";
  // Not matching the template: not policed; a named endpoint beats it.
  EXPECT_TRUE(Connects("10.98.0.1", 8080)) << "eth1: no endpoint";
  Program({Policy("allow-8080", {Tcp(Action::kAllow, 8080)}),
           Hep("tpl0-by-name", "tpl0", {"allow-8080"})});
  EXPECT_TRUE(Connects("10.94.0.1", 8080));
  EXPECT_FALSE(Connects("10.94.0.1", 80));
  // The template goes: tpl0 is still its named endpoint's; without that
  // either, it is not policed.
  Program({calc::HostEndpointRemove{{"bonds"}}, calc::HostEndpointRemove{{"tpl0-by-name"}}});
  EXPECT_TRUE(Connects("10.94.0.1", 8080));
  EXPECT_TRUE(Connects("10.94.0.1", 80));
}

}  // namespace
}  // namespace felix::dataplane
