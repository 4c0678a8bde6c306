// Tests for the capped backoff and the clock-driven log limiter.
#include <gtest/gtest.h>

#include "datastore/backoff.h"

namespace felix::datastore {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(Backoff, DoublesUpToTheCapAndResets) {
  Backoff b(milliseconds(250), milliseconds(2000));
  std::vector<int64_t> got;
  for (int i = 0; i < 6; ++i) got.push_back(b.Next().count());
  EXPECT_EQ(got, (std::vector<int64_t>{250, 500, 1000, 2000, 2000, 2000}));
  b.Reset();
  EXPECT_EQ(b.Next().count(), 250);
}

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

}  // namespace
}  // namespace felix::datastore
