// Tests for the Clock seam: the fake moves only when told, the real one is
// monotonic.
#include "base/clock.h"

#include <gtest/gtest.h>

namespace felix {
namespace {

TEST(FakeClockTest, MovesOnlyWhenAdvanced) {
  FakeClock c;
  const Clock::time_point t0 = c.Now();
  EXPECT_EQ(c.Now(), t0);
  c.Advance(std::chrono::seconds(90));
  EXPECT_EQ(c.Now() - t0, std::chrono::seconds(90));
  c.Set(t0);
  EXPECT_EQ(c.Now(), t0);
}

TEST(RealClockTest, IsMonotonic) {
  const Clock::time_point a = RealClock().Now();
  const Clock::time_point b = RealClock().Now();
  EXPECT_LE(a, b);
}

}  // namespace
}  // namespace felix
