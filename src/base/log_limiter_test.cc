// LogLimiter: once per interval per kind, counting what it held back, with
// its memory bounded under a flood of distinct kinds.
#include "base/log_limiter.h"

#include <gtest/gtest.h>

namespace felix {
namespace {

using std::chrono::seconds;

TEST(LogLimiter, OncePerIntervalCountingSuppressed) {
  FakeClock clock;
  LogLimiter limiter(clock, seconds(30));
  int suppressed = -1;
  EXPECT_TRUE(limiter.Allow("watch", &suppressed));
  EXPECT_EQ(suppressed, 0);
  clock.Advance(seconds(10));
  EXPECT_FALSE(limiter.Allow("watch", &suppressed));
  EXPECT_TRUE(limiter.Allow("ready", &suppressed)) << "kinds are independent";
  clock.Advance(seconds(19));
  EXPECT_FALSE(limiter.Allow("watch", &suppressed));
  clock.Advance(seconds(1));
  EXPECT_TRUE(limiter.Allow("watch", &suppressed)) << "30 s after the last logged";
  EXPECT_EQ(suppressed, 2);
  limiter.Clear("watch");
  EXPECT_TRUE(limiter.Allow("watch", &suppressed)) << "cleared after recovery";
  EXPECT_EQ(suppressed, 0);
}

TEST(LogLimiter, AFloodOfDistinctKindsIsBounded) {
  FakeClock clock;
  LogLimiter limiter(clock, seconds(30));
  int suppressed = 0;
  for (size_t i = 0; i < 3 * LogLimiter::kMaxKinds; ++i) {
    EXPECT_TRUE(limiter.Allow("key" + std::to_string(i), &suppressed));
    if (i % 1000 == 999) clock.Advance(seconds(31));
  }
  EXPECT_LE(limiter.size(), LogLimiter::kMaxKinds + 1000);
  // A kind still inside its interval is not forgotten early.
  EXPECT_TRUE(limiter.Allow("fresh", &suppressed));
  EXPECT_FALSE(limiter.Allow("fresh", &suppressed));
}

}  // namespace
}  // namespace felix
