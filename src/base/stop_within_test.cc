// StopWithin: a stop that returns in time reports true; one that blocks is
// given up on after the limit (and keeps running on its own thread).
#include "base/stop_within.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>

namespace felix {
namespace {

using std::chrono::milliseconds;

TEST(StopWithinTest, QuickStopIsWaitedFor) {
  std::atomic<bool> ran{false};
  EXPECT_TRUE(StopWithin([&] { ran = true; }, milliseconds(2000)));
  EXPECT_TRUE(ran);
}

TEST(StopWithinTest, BlockedStopIsGivenUpAfterTheLimit) {
  auto release = std::make_shared<std::promise<void>>();
  std::shared_future<void> gate = release->get_future().share();
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_FALSE(StopWithin([gate] { gate.wait(); }, milliseconds(50)));
  const auto waited = std::chrono::steady_clock::now() - t0;
  EXPECT_GE(waited, milliseconds(50));
  EXPECT_LT(waited, milliseconds(1000));
  release->set_value();  // lets the abandoned thread finish
}

}  // namespace
}  // namespace felix
