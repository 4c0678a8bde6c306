// Formatting and routing of log records; the sinks live in log_sinks.cc.
#include "base/log.h"

#include <unistd.h>

#include <atomic>
#include <ctime>

#include "base/strings.h"

namespace felix {
namespace {

int ThisThreadTid() {
  static std::atomic<int> next{1};
  thread_local int tid = next.fetch_add(1);
  return tid;
}

}  // namespace

std::string_view SeverityName(Severity s) {
  switch (s) {
    case Severity::kDebug:
      return "DEBUG";
    case Severity::kInfo:
      return "INFO";
    case Severity::kWarning:
      return "WARNING";
    case Severity::kError:
      return "ERROR";
    case Severity::kCritical:
      return "CRITICAL";
  }
  return "INFO";
}

Result<SeverityThreshold> ParseSeverityThreshold(std::string_view text) {
  const std::string v = ToLower(text);
  if (v == "none") return SeverityThreshold{};
  if (v == "debug") return SeverityThreshold{Severity::kDebug};
  if (v == "info") return SeverityThreshold{Severity::kInfo};
  if (v == "warn" || v == "warning") return SeverityThreshold{Severity::kWarning};
  if (v == "err" || v == "error") return SeverityThreshold{Severity::kError};
  if (v == "crit" || v == "critical") return SeverityThreshold{Severity::kCritical};
  return Status::InvalidArgument(fmt::format(
      "Invalid log level '{}': expected one of none, debug, info, warning, error, critical", text));
}

std::string FormatLogLine(const LogRecord& r) {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  const std::time_t secs = std::chrono::system_clock::to_time_t(r.time);
  const auto millis = duration_cast<milliseconds>(r.time.time_since_epoch()).count() % 1000;
  std::tm tm{};
  localtime_r(&secs, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);
  return fmt::format("{},{:03d} [{}][{}/{}] {} {}: {}", stamp, millis < 0 ? 0 : millis,
                     SeverityName(r.severity), r.pid, r.tid, r.logger, r.line, r.message);
}

LogRouter& LogRouter::Get() {
  static LogRouter* router = new LogRouter();  // never destroyed: usable at exit
  return *router;
}

void LogRouter::SetSink(Slot slot, std::unique_ptr<LogSink> sink, SeverityThreshold threshold) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& e = slots_[static_cast<int>(slot)];
  e.sink = std::move(sink);
  e.threshold = threshold;
  RecomputeMinLocked();
}

void LogRouter::SetThreshold(Slot slot, SeverityThreshold threshold) {
  std::lock_guard<std::mutex> lock(mu_);
  slots_[static_cast<int>(slot)].threshold = threshold;
  RecomputeMinLocked();
}

void LogRouter::ReopenAll() {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& e : slots_) {
    if (e.sink) e.sink->Reopen();
  }
}

void LogRouter::RecomputeMinLocked() {
  int m = 1000;
  for (const auto& e : slots_) {
    if (e.sink && e.threshold) m = std::min(m, static_cast<int>(*e.threshold));
  }
  min_enabled_.store(m, std::memory_order_relaxed);
}

bool LogRouter::Enabled(Severity s) const {
  return static_cast<int>(s) >= min_enabled_.load(std::memory_order_relaxed);
}

void LogRouter::Dispatch(const LogRecord& r) {
  if (!Enabled(r.severity)) return;
  const std::string line = FormatLogLine(r);
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& e : slots_) {
    if (e.sink && e.threshold && r.severity >= *e.threshold) e.sink->Write(r, line);
  }
}

void Logger::Log(Severity s, int line, std::string_view message) const {
  LogRouter& router = LogRouter::Get();
  if (!router.Enabled(s)) return;
  LogRecord r;
  r.severity = s;
  r.time = std::chrono::system_clock::now();
  r.pid = static_cast<int>(::getpid());
  r.tid = ThisThreadTid();
  r.logger = name_;
  r.line = line;
  // One record, one line, whatever the message carries (a value written to
  // etcd with a newline must not forge a record of its own).
  std::string escaped;
  if (HasControl(message)) {
    escaped = EscapeControl(message);
    message = escaped;
  }
  r.message = message;
  router.Dispatch(r);
}

namespace {
std::atomic<uint64_t> log_write_errors{0};
}  // namespace

uint64_t LogWriteErrors() { return log_write_errors.load(std::memory_order_relaxed); }
void CountLogWriteError() { log_write_errors.fetch_add(1, std::memory_order_relaxed); }

}  // namespace felix
