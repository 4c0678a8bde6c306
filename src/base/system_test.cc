#include "base/system.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace felix {
namespace {

TEST(SystemTest, EnvironmentHoldsWhatWasSet) {
  setenv("FELIX_SYSTEM_TEST", "a=b", 1);
  auto env = ProcessEnvironment();
  EXPECT_EQ(env["FELIX_SYSTEM_TEST"], "a=b");  // split at the first '='
  unsetenv("FELIX_SYSTEM_TEST");
}

TEST(SystemTest, MissingFileIsEmptyNotAnError) {
  auto r = ReadFileIfExists("/nonexistent/felix.cfg");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has_value());
}

TEST(SystemTest, ReadsAFile) {
  const auto path =
      std::filesystem::temp_directory_path() / ("felix-system-" + std::to_string(getpid()));
  std::ofstream(path) << "[global]\nEtcdAddr = x:1\n";
  auto r = ReadFileIfExists(path.string());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->value(), "[global]\nEtcdAddr = x:1\n");
  std::filesystem::remove(path);
}

TEST(SystemTest, UnreadablePathIsAnError) {
  auto r = ReadFileIfExists("/proc/self/mem/x");  // not a directory
  EXPECT_FALSE(r.ok());
}

TEST(SystemTest, HostnameIsNotEmpty) { EXPECT_FALSE(SystemHostname().empty()); }

TEST(SystemTest, FileLimitIsRaisedToTheHardLimit) {
  rlimit r{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &r), 0);
  rlimit lowered = r;
  lowered.rlim_cur = std::min<rlim_t>(r.rlim_max, 256);
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &lowered), 0);
  EXPECT_EQ(RaiseFileLimit(), r.rlim_max);
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &lowered), 0);
  EXPECT_EQ(lowered.rlim_cur, r.rlim_max);
  setrlimit(RLIMIT_NOFILE, &r);
}

}  // namespace
}  // namespace felix
