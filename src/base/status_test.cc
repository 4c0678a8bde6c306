#include "base/status.h"

#include <gtest/gtest.h>

namespace felix {
namespace {

TEST(StatusTest, OkByDefault) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "OK");
}

TEST(StatusTest, NamedConstructorsCarryCodeAndMessage) {
  struct Row {
    const char* desc;
    Status status;
    bool (Status::*predicate)() const;
    const char* text;
  };
  const Row rows[] = {
      {"invalid argument", Status::InvalidArgument("bad port"), &Status::IsInvalidArgument,
       "Invalid argument: bad port"},
      {"not found", Status::NotFound("no key"), &Status::IsNotFound, "Not found: no key"},
      {"io error", Status::IoError("disk"), &Status::IsIoError, "IO error: disk"},
      {"unavailable", Status::Unavailable("etcd down"), &Status::IsUnavailable,
       "Unavailable: etcd down"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.desc);
    EXPECT_FALSE(r.status.ok());
    EXPECT_TRUE((r.status.*r.predicate)());
    EXPECT_EQ(r.status.ToString(), r.text);
  }
}

TEST(ResultTest, HoldsValueOrError) {
  Result<int> good(42);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 42);
  EXPECT_TRUE(good.status().ok());

  Result<int> bad(Status::NotFound("x"));
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "x");
}

TEST(ResultTest, MovesValueOut) {
  Result<std::string> r(std::string("hello"));
  std::string s = std::move(r).value();
  EXPECT_EQ(s, "hello");
}

}  // namespace
}  // namespace felix
