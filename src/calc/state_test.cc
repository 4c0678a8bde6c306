// Whole-graph state-sequence tests (STYLE rule 16): every sequence of
// states.h, in every replay variant (forwards, reversed, empty state between
// each pair, all ordered pairs), split (a flush after every key) and squashed
// (one flush per state). Each case asserts that the DataplaneView rebuilt from
// the messages equals every state's expectation and that no flush broke the
// contract of messages.h.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/strings.h"
#include "calc/states.h"

namespace felix::calc::testing {
namespace {

struct Case {
  std::string name;  // sequence_variant_mode
  std::vector<State> states;
  FlushMode mode;
  uint32_t seed;
};

std::vector<Case> AllCases() {
  std::vector<Sequence> seqs = EndpointSequences();
  for (auto& s : PolicySequences()) seqs.push_back(std::move(s));
  seqs.push_back(GuideSequence());
  std::vector<Case> out;
  uint32_t seed = 1;
  for (const auto& seq : seqs) {
    for (const auto& v : Variants(seq)) {
      for (FlushMode mode : {FlushMode::kSplit, FlushMode::kSquashed}) {
        out.push_back(
            {seq.name + "_" + v.name + (mode == FlushMode::kSplit ? "_split" : "_squashed"),
             v.states, mode, seed++});
      }
    }
  }
  return out;
}

class StateSequenceTest : public ::testing::TestWithParam<Case> {};

TEST_P(StateSequenceTest, DataplaneMatchesEveryState) {
  const Case& c = GetParam();
  std::vector<std::string> failures = Replay(c.states, c.mode, c.seed);
  EXPECT_TRUE(failures.empty()) << Join(failures, "\n");
}

INSTANTIATE_TEST_SUITE_P(Sequences, StateSequenceTest, ::testing::ValuesIn(AllCases()),
                         [](const auto& info) { return info.param.name; });

// The same sequences with a different update order per state.
TEST(StateSequenceOrderTest, OtherSeedsGiveTheSameResult) {
  for (const auto& c : AllCases()) {
    for (uint32_t extra : {1000u, 2000u}) {
      auto failures = Replay(c.states, c.mode, c.seed + extra);
      EXPECT_TRUE(failures.empty()) << c.name << " seed " << c.seed + extra << ":\n"
                                    << Join(failures, "\n");
      if (!failures.empty()) return;
    }
  }
}

// Every state's expectation names only well-formed ids (guards the tables).
TEST(StateTablesTest, SelectorIdsParse) {
  std::vector<Sequence> seqs = EndpointSequences();
  for (auto& s : PolicySequences()) seqs.push_back(std::move(s));
  seqs.push_back(GuideSequence());
  for (const auto& seq : seqs) {
    for (const auto& st : seq.states) {
      for (const auto& [id, members] : st.ip_sets) {
        EXPECT_TRUE(id.starts_with("s:") || id.starts_with("t:")) << seq.name << ": " << id;
      }
    }
  }
}

}  // namespace
}  // namespace felix::calc::testing

namespace felix::calc::testing {
namespace {

// The harness itself must notice a wrong expectation and report it exactly.
TEST(StateHarnessTest, ReportsMismatches) {
  const std::string eth0 = HostEndpointPath(kLocalHost, "eth0");
  const State s = State{}
                      .Named("s")
                      .With(eth0, R"({"name": "eth0", "profile_ids": ["p"]})")
                      .Endpoint(HepId("eth0"), Ep({{"default", {"ghost"}}}, {"p"}))
                      .Policies({"default/ghost"})
                      .IpSet("t:x", {"10.0.0.1/32"})
                      .Check([](const DataplaneView&) -> std::optional<std::string> {
                        return "extra check ran";
                      });
  EXPECT_THAT(Replay({s}, FlushMode::kSquashed, 1),
              ::testing::ElementsAre(
                  "state 0 's': missing IP set t:x {10.0.0.1/32}",
                  "state 0 's': active policies {}, want {default/ghost}",
                  "state 0 's': endpoint hep:eth0 has tiers=[] untracked=[] profiles=[p], want "
                  "tiers=[default:[ghost]] untracked=[] profiles=[p]",
                  "state 0 's': extra check ran"));
  const State unexpected = State{}.Named("u").With(eth0, R"({"name": "eth0"})");
  EXPECT_THAT(Replay({unexpected}, FlushMode::kSplit, 1),
              ::testing::ElementsAre(
                  "state 0 'u': unexpected endpoint hep:eth0 tiers=[] untracked=[] profiles=[]"));
}

TEST(StateHarnessTest, VariantsOfASequence) {
  const Sequence seq{"x", {State{}.Named("a"), State{}.Named("b")}};
  std::vector<std::string> got;
  for (const auto& v : Variants(seq)) {
    std::vector<std::string> names;
    for (const auto& s : v.states) names.push_back(s.name);
    got.push_back(v.name + ": " + Join(names, ","));
  }
  EXPECT_THAT(got, ::testing::ElementsAre("forwards: a,b", "reversed: b,a",
                                          "empty_between: empty,a,empty,b,empty",
                                          "all_pairs: a,b,empty,b,a,empty"));
}

}  // namespace
}  // namespace felix::calc::testing
