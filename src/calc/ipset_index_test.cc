// Tests for IpSetIndex: members from every matching endpoint, refcounted per
// member (a shared IP leaves with its last contributor), tag sets, and the
// full-then-delta output with removes only for sets the dataplane holds.
#include "calc/ipset_index.h"

#include <string>
#include <vector>

#include "calc/dataplane_view.h"
#include "gtest/gtest.h"

namespace felix::calc {
namespace {

model::Cidr C(const char* text) { return *model::ParseCidr(text, 0); }

std::vector<std::string> Pending(IpSetIndex& index) {
  std::vector<Message> updates, removes;
  index.TakePending(&updates, &removes);
  std::vector<std::string> out;
  for (const Message& m : updates) out.push_back(testing::Describe(m));
  for (const Message& m : removes) out.push_back(testing::Describe(m));
  return out;
}

std::string Members(const IpSetIndex& index, const std::string& id) {
  std::string out;
  for (const auto& c : index.MembersForTest(id)) out += (out.empty() ? "" : " ") + c.ToString();
  return out;
}

TEST(IpSetIndexTest, SharedIpLeavesWithLastContributor) {
  Interner strings;
  IpSetIndex index(strings);
  auto sel = *selector::Parse("has(web)");
  const std::string id = sel.unique_id();
  index.RefSelector(sel);
  index.UpdateEndpoint(1, {{"web", ""}}, {}, {C("10.0.0.1/32"), C("10.0.0.2/32")});
  index.UpdateEndpoint(2, {{"web", ""}}, {}, {C("10.0.0.1/32")});
  EXPECT_EQ(Members(index, id), "10.0.0.1/32 10.0.0.2/32");
  ASSERT_EQ(Pending(index).size(), 1u);
  index.RemoveEndpoint(1);
  EXPECT_EQ(Members(index, id), "10.0.0.1/32") << "still contributed by endpoint 2";
  index.UpdateEndpoint(2, {{"db", ""}}, {}, {C("10.0.0.1/32")});
  EXPECT_EQ(Members(index, id), "");
  auto out = Pending(index);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].substr(0, 17), "IpSetDeltaUpdate ");
}

struct LifecycleCase {
  const char* description;
  std::vector<const char*> steps;  // "ref", "unref", "flush", "ep+" (add), "ep-" (remove)
  size_t last_flush_messages;      // messages of the final flush
};

const LifecycleCase kLifecycle[] = {
    {"created and removed before a flush: nothing", {"ref", "ep+", "unref", "flush"}, 0},
    {"first flush sends the full set", {"ref", "ep+", "flush"}, 1},
    {"removed after being sent: one remove", {"ref", "flush", "unref", "flush"}, 1},
    {"removed and re-added: one delta", {"ref", "ep+", "flush", "unref", "ref", "ep-", "flush"}, 1},
    {"removed and re-added unchanged: nothing",
     {"ref", "ep+", "flush", "unref", "ref", "flush"},
     0},
    {"second reference keeps it", {"ref", "ref", "flush", "unref", "flush"}, 0},
    {"member added then removed: nothing", {"ref", "flush", "ep+", "ep-", "flush"}, 0},
};

TEST(IpSetIndexTest, LifecycleTable) {
  for (const LifecycleCase& c : kLifecycle) {
    Interner strings;
    IpSetIndex index(strings);
    std::vector<std::string> tags = {"t1"};
    index.SetProfileTags("p", &tags);
    std::vector<std::string> last;
    for (std::string step : c.steps) {
      if (step == "ref") index.RefTag("t1");
      if (step == "unref") index.UnrefTag("t1");
      if (step == "ep+") index.UpdateEndpoint(1, {}, {"p"}, {C("fd00::1/128")});
      if (step == "ep-") index.RemoveEndpoint(1);
      if (step == "flush") last = Pending(index);
    }
    EXPECT_EQ(last.size(), c.last_flush_messages) << c.description;
  }
}

TEST(IpSetIndexTest, TagSetAndIpChange) {
  Interner strings;
  IpSetIndex index(strings);
  std::vector<std::string> tags = {"blue"};
  index.SetProfileTags("p", &tags);
  index.RefTag("blue");
  index.UpdateEndpoint(4, {}, {"p"}, {C("10.1.0.0/24")});
  EXPECT_EQ(Pending(index), (std::vector<std::string>{"IpSetUpdate t:blue [10.1.0.0/24]"}));
  index.UpdateEndpoint(4, {}, {"p"}, {C("10.2.0.0/24")});
  EXPECT_EQ(Members(index, "t:blue"), "10.2.0.0/24");
  index.SetProfileTags("p", nullptr);
  EXPECT_EQ(Members(index, "t:blue"), "");
}

}  // namespace
}  // namespace felix::calc
