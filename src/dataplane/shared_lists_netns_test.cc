// Integration tests (root) of the table's scale layout: endpoints with equal
// policy share one policy-list chain in the kernel, relabels move endpoints
// between lists with traffic following, and drift is found through the
// ruleset generation and repaired object by object. Fixture: netns_fixture.h.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "base/stop_within.h"
#include "dataplane/netns_fixture.h"

namespace felix::dataplane {
namespace {

using namespace nstest;  // NOLINT: the fixture's helpers

// Rules in the kernel's chains whose names start with `prefix`.
size_t KernelRules(const TableShape& shape, const std::string& prefix) {
  size_t n = 0;
  for (const auto& [name, count] : shape.chain_rules) {
    if (name.starts_with(prefix)) n += count;
  }
  return n;
}

TEST_F(NetnsTest, FiftyEndpointsHundredPoliciesShareOneListPerDirection) {
  std::vector<calc::Message> msgs = {Config()};
  std::vector<std::string> names;
  for (int i = 0; i < 100; ++i) {
    names.push_back(fmt::format("p{:03}", i));
    msgs.push_back(Policy(names.back(), {Tcp(model::Action::kAllow, 1000 + i)}));
  }
  msgs.push_back(Policy("z-allow-80", {Tcp(model::Action::kAllow, 80)}));
  names.push_back("z-allow-80");
  // eth0 carries traffic; the other 49 are named endpoints whose interfaces
  // do not exist (by name they are programmed all the same).
  msgs.push_back(Hep("ep00", "eth0", names));
  for (int i = 1; i < 50; ++i)
    msgs.push_back(Hep(fmt::format("ep{:02}", i), fmt::format("x{}", i), names));
  msgs.push_back(calc::InSync{});
  Program(msgs);
  EXPECT_TRUE(Connects("10.99.0.1", 80));
  EXPECT_FALSE(Connects("10.99.0.1", 8080));

  Result<TableShape> shape = backend_->ReadShape();
  ASSERT_TRUE(shape.ok()) << shape.status().message();
  EXPECT_EQ(DescribeDrift(ShapeOf(dp_->programmed()), *shape), std::vector<std::string>{});
  // Two lists (inbound, outbound), each: mark reset, per policy a jump and
  // an accept check, the tier's end drop, the final drop.
  const size_t list_len = 1 + 2 * 101 + 1 + 1;
  EXPECT_EQ(KernelRules(*shape, "cali-pl-"), 2 * list_len);
  // Per endpoint and direction: conntrack (2), NDP, failsafe, goto.
  EXPECT_EQ(KernelRules(*shape, "cali-fh-") + KernelRules(*shape, "cali-th-"), 50u * 2 * 5);
  // Not 50 x 101 jumps per direction: the whole table stays small.
  size_t total = 0;
  for (const auto& [name, n] : shape->chain_rules) total += n;
  EXPECT_LT(total, 2 * list_len + 500 + 2 * 101 + 100);
}

TEST_F(NetnsTest, RelabelMovesAnEndpointBetweenSharedLists) {
  std::vector<calc::Message> msgs = {Config(), Policy("allow-80", {Tcp(model::Action::kAllow, 80)}),
                                     Policy("allow-8080", {Tcp(model::Action::kAllow, 8080)})};
  msgs.push_back(Hep("ep00", "eth0", {"allow-80"}));
  for (int i = 1; i < 10; ++i)
    msgs.push_back(Hep(fmt::format("a{}", i), fmt::format("a{}", i), {"allow-80"}));
  for (int i = 1; i < 10; ++i)
    msgs.push_back(Hep(fmt::format("b{}", i), fmt::format("b{}", i), {"allow-8080"}));
  msgs.push_back(calc::InSync{});
  Program(msgs);
  EXPECT_TRUE(Connects("10.99.0.1", 80));
  EXPECT_FALSE(Connects("10.99.0.1", 8080));

  Program({Hep("ep00", "eth0", {"allow-8080"})});
  // Both lists exist before and after: only ep00's own chains change.
  const std::string& script = backend_->scripts.back();
  EXPECT_EQ(script.find("cali-pl-", script.find("add chain")), std::string::npos) << script;
  EXPECT_NE(script.find("flush chain inet calico cali-fh-ep00"), std::string::npos) << script;
  EXPECT_EQ(script.find("cali-fh-a1"), std::string::npos) << script;
  EXPECT_FALSE(Connects("10.99.0.1", 80));
  EXPECT_TRUE(Connects("10.99.0.1", 8080));

  Program({Hep("ep00", "eth0", {"allow-80"})});
  EXPECT_TRUE(Connects("10.99.0.1", 80));
  EXPECT_FALSE(Connects("10.99.0.1", 8080));
}

TEST_F(NetnsTest, DriftIsFoundByGenerationAndRepairedPerObject) {
  calc::Rule from_set = Tcp(model::Action::kAllow, 80);
  from_set.match.src_ip_set_ids = {"sel1"};
  // sel2 holds CIDRs: interval sets, whose kernel elements come in start/end
  // pairs (counted once), one of them ending at the top of the range.
  calc::Rule from_nets = Tcp(model::Action::kAllow, 8080);
  from_nets.match.src_ip_set_ids = {"sel2"};
  Program(
      {Config(), calc::IpSetUpdate{"sel1", {*model::ParseCidr("10.99.0.2/32", 4)}},
       calc::IpSetUpdate{"sel2",
                         {*model::ParseCidr("172.16.0.0/12", 4),
                          *model::ParseCidr("192.168.0.1/32", 4), *model::ParseCidr("::/0", 6)}},
       Policy("from-sel", {from_set, from_nets}), Hep("ep0", "eth0", {"from-sel"}),
       calc::InSync{}});
  ASSERT_TRUE(Connects("10.99.0.1", 80));
  {
    Result<TableShape> shape = backend_->ReadShape();
    ASSERT_TRUE(shape.ok());
    EXPECT_EQ(DescribeDrift(ShapeOf(dp_->programmed()), *shape), std::vector<std::string>{});
    backend_->shape_reads = 0;  // that read was the test's own
  }
  // Nobody else committed: a refresh reads only the generation id.
  ASSERT_TRUE(dp_->Refresh().ok());
  EXPECT_EQ(backend_->shape_reads, 0);

  // Another process deletes one of our set elements.
  const std::string set = rules::IpSetName("sel1", 4);
  ASSERT_EQ(sb_.Exec("h", fmt::format("nft delete element inet calico {} {{ 10.99.0.2 }}", set)),
            0);
  EXPECT_FALSE(Connects("10.99.0.1", 80)) << "drift closed the port";
  const size_t before = backend_->scripts.size();
  ASSERT_TRUE(dp_->Refresh().ok());
  EXPECT_EQ(backend_->shape_reads, 1);
  ASSERT_EQ(backend_->scripts.size(), before + 1);
  EXPECT_EQ(backend_->scripts.back(),
            fmt::format("add set inet calico {0} {{ type ipv4_addr; }}\nflush set inet calico {0}\n"
                        "add element inet calico {0} {{ 10.99.0.2 }}\n",
                        set));
  EXPECT_TRUE(Connects("10.99.0.1", 80)) << "repaired";

  // A change elsewhere in the ruleset (another table) is no drift of ours.
  ASSERT_EQ(sb_.Exec("h", "nft add table inet other && nft delete table inet other"), 0);
  ASSERT_TRUE(dp_->Refresh().ok());
  EXPECT_EQ(backend_->shape_reads, 2);
  EXPECT_EQ(backend_->scripts.size(), before + 1);
  ASSERT_TRUE(dp_->Refresh().ok());
  EXPECT_EQ(backend_->shape_reads, 2) << "generation known again";

  // A foreign chain added to our table is removed.
  ASSERT_EQ(sb_.Exec("h", "nft add chain inet calico intruder"), 0);
  ASSERT_TRUE(dp_->Refresh().ok());
  EXPECT_EQ(backend_->scripts.back(),
            "flush chain inet calico intruder\ndelete chain inet calico intruder\n");
  Result<TableShape> shape = backend_->ReadShape();
  ASSERT_TRUE(shape.ok());
  EXPECT_EQ(DescribeDrift(ShapeOf(dp_->programmed()), *shape), std::vector<std::string>{});
}

TEST_F(NetnsTest, FailedElementBatchChangesNothingAndIsRetried) {
  const auto c = [](const char* s) { return *model::ParseCidr(s, 4); };
  calc::Rule from_set = Tcp(model::Action::kAllow, 80);
  from_set.match.src_ip_set_ids = {"sel1"};
  Program({Config(), calc::IpSetUpdate{"sel1", {c("10.99.0.7/32")}}, Policy("from-sel", {from_set}),
           Hep("ep0", "eth0", {"from-sel"}), calc::InSync{}});
  ASSERT_FALSE(Connects("10.99.0.1", 80));
  // Another process removes 10.99.0.7 first: our batch (delete it, add the
  // peer) fails on the delete, and the add must not have happened.
  const std::string set = rules::IpSetName("sel1", 4);
  ASSERT_EQ(sb_.Exec("h", fmt::format("nft delete element inet calico {} {{ 10.99.0.7 }}", set)),
            0);
  dp_->OnUpdate(calc::IpSetDeltaUpdate{"sel1", {c("10.99.0.2/32")}, {c("10.99.0.7/32")}});
  Status st = dp_->Apply();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("No such file or directory"), std::string::npos) << st.message();
  EXPECT_FALSE(Connects("10.99.0.1", 80)) << "the batch is one transaction";
  EXPECT_FALSE(dp_->health().ok);
  // The retry (after the back-off) replaces the table: the peer is let in.
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  ASSERT_TRUE(dp_->Apply().ok());
  EXPECT_TRUE(Connects("10.99.0.1", 80));
  EXPECT_TRUE(dp_->health().ok);
}

// A child process (in namespace h) starts replacing the table with a huge
// one and gets SIGTERM while the program runs: it must exit within a second
// (StopWithin, as calico-felix does) and the table must stay as it was.
// `members` addresses from 10.100.0.0 on, of `prefix` bits: /31s make an
// interval set, which libnftables programs (seconds of its parsing, which
// the exit cuts short); /32s a plain set, which goes as our own batch,
// where the kernel's part cannot be interrupted (so the program is sized
// as the design point's first program, 100,000 members).
class SigtermNetnsTest : public NetnsTest {
 protected:
  void DuringProgram(uint32_t count, int prefix);
};

void SigtermNetnsTest::DuringProgram(uint32_t count, int prefix) {
  Program({Config(), Policy("allow-80", {Tcp(model::Action::kAllow, 80)}),
           Hep("ep0", "eth0", {"allow-80"}), calc::InSync{}});
  ASSERT_TRUE(Connects("10.99.0.1", 80));
  const TableShape before = ShapeOf(dp_->programmed());
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    sigset_t term;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &term, nullptr);
    auto backend = MakeLibNftablesBackend();
    if (!backend.ok()) std::_Exit(3);
    std::vector<model::Cidr> members;
    const uint32_t step = prefix == 32 ? 1 : 2;
    for (uint32_t i = 0; i < count; ++i) {
      const uint32_t a = i * step;
      members.push_back(*model::ParseCidr(
          fmt::format("10.{}.{}.{}/{}", 100 + a / 65536, a / 256 % 256, a % 256, prefix), 4));
    }
    std::thread apply([&] {
      Dataplane dp(**backend, RealClock());
      dp.OnUpdate(Config());
      dp.OnUpdate(calc::IpSetUpdate{"huge", std::move(members)});
      dp.OnUpdate(calc::InSync{});
      (void)!write(ready[1], "x", 1);
      (void)dp.Apply();
    });
    int sig = 0;
    sigwait(&term, &sig);
    const bool stopped = StopWithin([&apply] { apply.join(); }, std::chrono::milliseconds(800));
    std::_Exit(stopped ? 1 : 0);  // 0: gave up on the program, as the agent does
  }
  close(ready[1]);
  char c = 0;
  ASSERT_EQ(read(ready[0], &c, 1), 1);
  close(ready[0]);
  std::this_thread::sleep_for(std::chrono::milliseconds(prefix == 32 ? 20 : 300));
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(kill(child, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  const auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_LT(took, std::chrono::milliseconds(1000));
  ASSERT_TRUE(WIFEXITED(status));
  if (prefix != 32) {
    EXPECT_EQ(WEXITSTATUS(status), 0) << "the program had finished: not a long program";
  }
  // Either table is whole: the old one, or (if the kernel had the batch
  // before the exit) the new one; never a half.
  Result<TableShape> after = backend_->ReadShape();
  ASSERT_TRUE(after.ok()) << after.status().message();
  if (DescribeDrift(before, *after).empty()) {
    EXPECT_TRUE(Connects("10.99.0.1", 80));
    EXPECT_FALSE(Connects("10.99.0.1", 8080));
  } else {
    EXPECT_EQ(prefix, 32) << "libnftables' program was not cut short";
    EXPECT_EQ(after->set_elements.at(rules::IpSetName("huge", 4)), count);
  }
}

TEST_F(SigtermNetnsTest, DuringALongProgramExitsPromptlyAndKeepsTheTable) {
  DuringProgram(600'000, 31);
}

TEST_F(SigtermNetnsTest, DuringADirectFullProgramExitsWithinASecond) { DuringProgram(100'000, 32); }

}  // namespace
}  // namespace felix::dataplane
