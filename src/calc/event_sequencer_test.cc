// Tests for EventSequencer: coalescing (one message per object, add then
// remove cancels, removes only for sent objects) and the flush order.
#include "calc/event_sequencer.h"

#include <map>
#include <string>
#include <vector>

#include "calc/dataplane_view.h"
#include "gtest/gtest.h"

namespace felix::calc {
namespace {

// A Source whose objects exist while listed in `present`.
class FakeSource final : public EventSequencer::Source {
 public:
  void TakeIpSets(std::vector<Message>* updates, std::vector<Message>* removes) override {
    for (auto& m : ip_updates) updates->push_back(m);
    for (auto& m : ip_removes) removes->push_back(m);
    ip_updates.clear();
    ip_removes.clear();
  }
  std::optional<ActivePolicyUpdate> BuildPolicy(const PolicyId& id) override {
    ++builds;
    if (!present.count("pol:" + id.name)) return std::nullopt;
    return ActivePolicyUpdate{id, {}, {}, false};
  }
  std::optional<ActiveProfileUpdate> BuildProfile(const std::string& id) override {
    if (!present.count("prof:" + id)) return std::nullopt;
    return ActiveProfileUpdate{id, {}, {}};
  }
  std::optional<HostEndpointUpdate> BuildHostEndpoint(const HostEndpointId& id) override {
    if (!present.count("hep:" + id.endpoint)) return std::nullopt;
    return HostEndpointUpdate{id, {}, {}, {}, {}};
  }
  std::optional<WorkloadEndpointUpdate> BuildWorkloadEndpoint(
      const WorkloadEndpointId& id) override {
    if (!present.count("wep:" + id.endpoint)) return std::nullopt;
    return WorkloadEndpointUpdate{id, "cali1", true, {}, {}, {}, {}};
  }
  std::set<std::string> present;
  std::vector<Message> ip_updates, ip_removes;
  int builds = 0;
};

class Collect final : public MessageSink {
 public:
  void OnMessage(const Message& m) override { out.push_back(testing::Describe(m)); }
  std::vector<std::string> out;
};

std::vector<std::string> Flush(EventSequencer& seq, FakeSource& src) {
  Collect c;
  seq.Flush(src, c);
  return c.out;
}

TEST(EventSequencerTest, CoalescesAndCancels) {
  EventSequencer seq;
  FakeSource src;
  Flush(seq, src);  // the first ConfigUpdate is not set here: nothing
  src.present = {"pol:a"};
  seq.MarkPolicy({"t", "a"});
  seq.MarkPolicy({"t", "a"});
  EXPECT_EQ(Flush(seq, src).size(), 1u) << "marked twice, sent once";
  EXPECT_EQ(src.builds, 1);
  seq.MarkPolicy({"t", "b"});  // added and removed before the flush
  EXPECT_EQ(Flush(seq, src).size(), 0u) << "never sent: no remove";
  src.present.clear();
  seq.MarkPolicy({"t", "a"});
  auto out = Flush(seq, src);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].substr(0, 18), "ActivePolicyRemove");
  seq.MarkPolicy({"t", "a"});
  EXPECT_EQ(Flush(seq, src).size(), 0u) << "already removed";
}

TEST(EventSequencerTest, FlushOrderFollowsTheContract) {
  EventSequencer seq;
  FakeSource src;
  seq.SetConfig(DataplaneConfig{});
  seq.SetInSync();
  src.present = {"pol:a", "prof:p", "hep:eth0", "wep:w"};
  src.ip_updates = {IpSetUpdate{"s:x", {}}};
  seq.MarkWorkloadEndpoint({"k8s", "wl", "w"});
  seq.MarkHostEndpoint({"eth0"});
  seq.MarkProfile("p");
  seq.MarkPolicy({"t", "a"});
  testing::DataplaneView view;
  view.BeginFlush();
  seq.Flush(src, view);
  view.EndFlush();
  EXPECT_EQ(view.last_flush().size(), 7u);
  // The removal flush: all gone.
  src.present.clear();
  src.ip_removes = {IpSetRemove{"s:x"}};
  seq.MarkWorkloadEndpoint({"k8s", "wl", "w"});
  seq.MarkHostEndpoint({"eth0"});
  seq.MarkProfile("p");
  seq.MarkPolicy({"t", "a"});
  seq.SetConfig(DataplaneConfig{});  // unchanged: not sent again
  seq.SetInSync();                   // sent once only
  Collect c;
  seq.Flush(src, c);
  std::vector<std::string> kinds;
  for (const auto& line : c.out) kinds.push_back(line.substr(0, line.find(' ')));
  EXPECT_EQ(kinds,
            (std::vector<std::string>{"HostEndpointRemove", "WorkloadEndpointRemove",
                                      "ActiveProfileRemove", "ActivePolicyRemove", "IpSetRemove"}));
}

}  // namespace
}  // namespace felix::calc
