#include "base/log.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace felix {
namespace {

// Records what reaches it.
class RecordingSink : public LogSink {
 public:
  explicit RecordingSink(std::vector<std::string>* lines) : lines_(lines) {}
  void Write(const LogRecord&, std::string_view line) override { lines_->emplace_back(line); }

 private:
  std::vector<std::string>* lines_;
};

// Puts the router back to "no sinks" after each test.
class LogTest : public ::testing::Test {
 protected:
  void TearDown() override {
    for (auto slot : {LogRouter::Slot::kFile, LogRouter::Slot::kScreen, LogRouter::Slot::kSyslog,
                      LogRouter::Slot::kExtra}) {
      LogRouter::Get().SetSink(slot, nullptr, std::nullopt);
    }
  }
};

TEST_F(LogTest, FormatsFelixLine) {
  setenv("TZ", "UTC", 1);
  tzset();
  LogRecord r;
  r.severity = Severity::kWarning;
  // 2016-05-31 12:16:21.651 UTC
  r.time = std::chrono::system_clock::time_point(std::chrono::milliseconds(1464696981651));
  r.pid = 8657;
  r.tid = 3;
  r.logger = "calico.felix.fetcd";
  r.line = 1017;
  r.message = "Validation failed";
  EXPECT_EQ(FormatLogLine(r),
            "2016-05-31 12:16:21,651 [WARNING][8657/3] calico.felix.fetcd 1017: "
            "Validation failed");
}

TEST_F(LogTest, SeverityNames) {
  EXPECT_EQ(SeverityName(Severity::kDebug), "DEBUG");
  EXPECT_EQ(SeverityName(Severity::kInfo), "INFO");
  EXPECT_EQ(SeverityName(Severity::kWarning), "WARNING");
  EXPECT_EQ(SeverityName(Severity::kError), "ERROR");
  EXPECT_EQ(SeverityName(Severity::kCritical), "CRITICAL");
}

TEST_F(LogTest, ParsesSeverityThresholds) {
  struct Row {
    const char* in;
    SeverityThreshold out;
  };
  const Row rows[] = {
      {"none", std::nullopt},        {"NONE", std::nullopt},
      {"debug", Severity::kDebug},   {"Info", Severity::kInfo},
      {"warn", Severity::kWarning},  {"WARNING", Severity::kWarning},
      {"err", Severity::kError},     {"error", Severity::kError},
      {"crit", Severity::kCritical}, {"CRITICAL", Severity::kCritical},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.in);
    auto got = ParseSeverityThreshold(r.in);
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(*got, r.out);
  }
  auto bad = ParseSeverityThreshold("loud");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "Invalid log level 'loud': expected one of none, debug, info, warning, error, "
            "critical");
}

TEST_F(LogTest, EachSinkHasItsOwnThreshold) {
  std::vector<std::string> warn_lines, debug_lines;
  auto& router = LogRouter::Get();
  router.SetSink(LogRouter::Slot::kScreen, std::make_unique<RecordingSink>(&warn_lines),
                 Severity::kWarning);
  router.SetSink(LogRouter::Slot::kExtra, std::make_unique<RecordingSink>(&debug_lines),
                 Severity::kDebug);
  const Logger log("calico.felix.test");
  FLOG_DEBUG(log, "debug {}", 1);
  FLOG_WARNING(log, "warn {}", 2);
  ASSERT_EQ(warn_lines.size(), 1u);
  ASSERT_EQ(debug_lines.size(), 2u);
  const std::regex line_re(
      R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} \[WARNING\]\[(\d+)/\d+\] calico\.felix\.test (\d+): warn 2)");
  std::smatch m;
  ASSERT_TRUE(std::regex_match(warn_lines[0], m, line_re)) << warn_lines[0];
  EXPECT_EQ(std::stoi(m[1]), getpid());
  EXPECT_GT(std::stoi(m[2]), 0);

  router.SetThreshold(LogRouter::Slot::kExtra, std::nullopt);  // "none" turns a sink off
  FLOG_ERROR(log, "error");
  EXPECT_EQ(warn_lines.size(), 2u);
  EXPECT_EQ(debug_lines.size(), 2u);
}

TEST_F(LogTest, ARecordIsOneLineWhateverItsMessageHolds) {
  std::vector<std::string> lines;
  LogRouter::Get().SetSink(LogRouter::Slot::kExtra, std::make_unique<RecordingSink>(&lines),
                           Severity::kDebug);
  const Logger log("calico.felix.test");
  // As a value from etcd could: a forged second record after a newline.
  const std::string value =
      "x\n2026-12-01 00:00:00,000 [ERROR][1/1] calico.felix.felix 1: forged\r\x01\x7f é";
  FLOG_WARNING(log, "Rejected {}", value);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].find('\n'), std::string::npos);
  EXPECT_TRUE(
      lines[0].ends_with("Rejected x\\n2026-12-01 00:00:00,000 [ERROR][1/1] calico.felix.felix 1: "
                         "forged\\r\\x01\\x7f é"))
      << lines[0];
}

TEST_F(LogTest, NothingEnabledWithoutSinks) {
  EXPECT_FALSE(LogRouter::Get().Enabled(Severity::kCritical));
}

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST_F(LogTest, FileSinkCreatesDirectoryAndReopensAfterRotation) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("felix-log-test-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  const auto path = dir / "sub" / "felix.log";
  auto sink = MakeFileSink(path.string());
  ASSERT_TRUE(sink.ok()) << sink.status().ToString();
  LogRouter::Get().SetSink(LogRouter::Slot::kFile, std::move(sink).value(), Severity::kInfo);
  const Logger log("calico.felix.test");
  FLOG_INFO(log, "first");
  std::filesystem::rename(path, dir / "sub" / "felix.log.1");  // logrotate
  FLOG_INFO(log, "second");
  EXPECT_NE(ReadFile(dir / "sub" / "felix.log.1").find("first"), std::string::npos);
  const std::string current = ReadFile(path);
  EXPECT_EQ(current.find("first"), std::string::npos);
  EXPECT_NE(current.find("second"), std::string::npos);
  LogRouter::Get().SetSink(LogRouter::Slot::kFile, nullptr, std::nullopt);
  std::filesystem::remove_all(dir);
}

TEST_F(LogTest, FileSinkReportsUnwritablePath) {
  auto sink = MakeFileSink("/proc/felix-no-such-dir/felix.log");
  EXPECT_FALSE(sink.ok());
}

}  // namespace
}  // namespace felix
