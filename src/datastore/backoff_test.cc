// Tests for the capped backoff.
#include <gtest/gtest.h>

#include "datastore/backoff.h"

namespace felix::datastore {
namespace {

using std::chrono::milliseconds;

TEST(Backoff, DoublesUpToTheCapAndResets) {
  Backoff b(milliseconds(250), milliseconds(2000));
  std::vector<int64_t> got;
  for (int i = 0; i < 6; ++i) got.push_back(b.Next().count());
  EXPECT_EQ(got, (std::vector<int64_t>{250, 500, 1000, 2000, 2000, 2000}));
  b.Reset();
  EXPECT_EQ(b.Next().count(), 250);
}

}  // namespace
}  // namespace felix::datastore
