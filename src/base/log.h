// Logging facade in Felix 1.x's line format:
//   2016-05-31 12:16:21,651 [WARNING][8657/3] calico.felix.fetcd 1017: message
// Each component logs through a named Logger; lines go to the sinks installed
// in the process-wide LogRouter (file, screen, syslog), each with its own
// minimum severity. Thread-safe: any thread may log.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "base/status.h"

namespace felix {

enum class Severity { kDebug = 10, kInfo = 20, kWarning = 30, kError = 40, kCritical = 50 };

// "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL".
std::string_view SeverityName(Severity s);

// A sink's threshold: a severity, or "off" (config value `none`).
using SeverityThreshold = std::optional<Severity>;

// Parses LogSeverity* values, case-insensitively: none, debug, info, warn,
// warning, err, error, crit, critical. `none` gives an empty threshold.
Result<SeverityThreshold> ParseSeverityThreshold(std::string_view text);

struct LogRecord {
  Severity severity = Severity::kInfo;
  std::chrono::system_clock::time_point time;
  int pid = 0;
  int tid = 0;              // small per-thread counter, starting at 1
  std::string_view logger;  // e.g. "calico.felix.fetcd"
  int line = 0;             // source line of the logging call
  std::string_view message;
};

// Renders one record in Felix's format (local time, no trailing newline).
std::string FormatLogLine(const LogRecord& r);

// Where formatted lines go. Implementations must be safe to call from the
// LogRouter, which serialises calls.
class LogSink {
 public:
  virtual ~LogSink() = default;
  virtual void Write(const LogRecord& record, std::string_view line) = 0;
  // Reopens any underlying file (after log rotation); default no-op.
  virtual void Reopen() {}
};

// Lines a sink failed to write (a full disk, an unopenable file), since the
// start: felix_log_errors. Sinks call CountLogWriteError.
uint64_t LogWriteErrors();
void CountLogWriteError();

// Appends to a file, creating its directory if missing; reopens the file when
// it was rotated away (inode changed or path gone), like Python's
// WatchedFileHandler.
Result<std::unique_ptr<LogSink>> MakeFileSink(const std::string& path);
// Writes to stderr.
std::unique_ptr<LogSink> MakeScreenSink();
// Writes to syslog(3) as `<ident>[<pid>]: <logger>@<line> <message>`.
std::unique_ptr<LogSink> MakeSyslogSink(const std::string& ident);

// The process-wide set of sinks. Named slots let start-of-day logging be
// reconfigured (e.g. the file sink installed once the config is read).
class LogRouter {
 public:
  enum class Slot { kFile, kScreen, kSyslog, kExtra };
  static LogRouter& Get();

  // Installs (or with sink == nullptr removes) the sink in a slot.
  void SetSink(Slot slot, std::unique_ptr<LogSink> sink, SeverityThreshold threshold);
  void SetThreshold(Slot slot, SeverityThreshold threshold);
  void ReopenAll();
  // True if any sink would take a record at this severity (cheap pre-check).
  bool Enabled(Severity s) const;
  void Dispatch(const LogRecord& r);

 private:
  struct Entry {
    std::unique_ptr<LogSink> sink;
    SeverityThreshold threshold;
  };
  void RecomputeMinLocked();
  mutable std::mutex mu_;
  Entry slots_[4];
  std::atomic<int> min_enabled_{1000};  // lowest threshold of any installed sink
};

// A component's logger. Cheap to copy; the name must outlive it (use string
// literals).
class Logger {
 public:
  constexpr explicit Logger(std::string_view name) : name_(name) {}
  std::string_view name() const { return name_; }
  void Log(Severity s, int line, std::string_view message) const;
  template <typename... Args>
  void Logf(Severity s, int line, fmt::format_string<Args...> f, Args&&... args) const {
    if (!LogRouter::Get().Enabled(s)) return;
    Log(s, line, fmt::format(f, std::forward<Args>(args)...));
  }

 private:
  std::string_view name_;
};

}  // namespace felix

// Logging macros record the caller's line number, as Felix's format wants.
#define FLOG(logger, sev, ...) (logger).Logf(::felix::Severity::sev, __LINE__, __VA_ARGS__)
#define FLOG_DEBUG(logger, ...) FLOG(logger, kDebug, __VA_ARGS__)
#define FLOG_INFO(logger, ...) FLOG(logger, kInfo, __VA_ARGS__)
#define FLOG_WARNING(logger, ...) FLOG(logger, kWarning, __VA_ARGS__)
#define FLOG_ERROR(logger, ...) FLOG(logger, kError, __VA_ARGS__)
#define FLOG_CRITICAL(logger, ...) FLOG(logger, kCritical, __VA_ARGS__)
