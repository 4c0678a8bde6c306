#include "daemon/bootstrap.h"

#include "base/log.h"

namespace felix::daemon {
namespace {

const Logger kLog("calico.felix.config");

// The path of the file sink currently installed ("" = none).
std::string& CurrentLogFile() {
  static std::string path;
  return path;
}

}  // namespace

void ConfigureLogging(const config::Config& c) {
  LogRouter& router = LogRouter::Get();
  router.SetSink(LogRouter::Slot::kScreen, MakeScreenSink(), c.log_severity_screen);
  router.SetSink(LogRouter::Slot::kSyslog,
                 c.log_severity_sys ? MakeSyslogSink("calico-felix") : nullptr, c.log_severity_sys);
  const std::string want = (c.log_file_path && c.log_severity_file) ? *c.log_file_path : "";
  if (want == CurrentLogFile()) {
    router.SetThreshold(LogRouter::Slot::kFile, c.log_severity_file);
    return;
  }
  CurrentLogFile() = want;
  if (want.empty()) {
    router.SetSink(LogRouter::Slot::kFile, nullptr, std::nullopt);
    return;
  }
  auto sink = MakeFileSink(want);
  if (!sink.ok()) {
    router.SetSink(LogRouter::Slot::kFile, nullptr, std::nullopt);
    CurrentLogFile().clear();
    FLOG_ERROR(kLog, "Cannot log to file: {}", sink.status().message());
    return;
  }
  router.SetSink(LogRouter::Slot::kFile, std::move(sink).value(), c.log_severity_file);
}

void LogParameters(const config::ResolvedConfig& r) {
  for (const std::string& line : config::StartOfDayLines(r)) FLOG_INFO(kLog, "{}", line);
  for (const std::string& w : r.warnings) FLOG_WARNING(kLog, "{}", w);
}

}  // namespace felix::daemon
