// The real log sinks: a watched file, stderr and syslog. This is the only
// file in base/ that touches the OS.
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "base/log.h"

namespace felix {
namespace {

// Appends lines to a file; before each write it checks that the path still
// names the open file and reopens it otherwise (logrotate moved it away).
class WatchedFileSink : public LogSink {
 public:
  explicit WatchedFileSink(std::string path) : path_(std::move(path)) {}
  ~WatchedFileSink() override { Close(); }

  Status Open() {
    Close();
    std::error_code ec;
    const auto dir = std::filesystem::path(path_).parent_path();
    if (!dir.empty()) std::filesystem::create_directories(dir, ec);
    file_ = std::fopen(path_.c_str(), "a");
    if (file_ == nullptr) {
      return Status::IoError(path_ + ": " + std::strerror(errno));
    }
    struct stat st {};
    if (::fstat(fileno(file_), &st) == 0) {
      dev_ = st.st_dev;
      ino_ = st.st_ino;
    }
    return Status::Ok();
  }

  void Write(const LogRecord&, std::string_view line) override {
    struct stat st {};
    if (file_ == nullptr || ::stat(path_.c_str(), &st) != 0 || st.st_dev != dev_ ||
        st.st_ino != ino_) {
      if (!Open().ok()) {
        CountLogWriteError();
        return;
      }
    }
    const bool ok = std::fwrite(line.data(), 1, line.size(), file_) == line.size() &&
                    std::fputc('\n', file_) != EOF && std::fflush(file_) == 0;
    if (!ok) CountLogWriteError();
  }

  void Reopen() override { (void)Open(); }

 private:
  void Close() {
    if (file_ != nullptr) std::fclose(file_);
    file_ = nullptr;
  }
  std::string path_;
  std::FILE* file_ = nullptr;
  dev_t dev_ = 0;
  ino_t ino_ = 0;
};

class ScreenSink : public LogSink {
 public:
  void Write(const LogRecord&, std::string_view line) override {
    if (std::fwrite(line.data(), 1, line.size(), stderr) != line.size() ||
        std::fputc('\n', stderr) == EOF) {
      CountLogWriteError();
    }
  }
};

class SyslogSink : public LogSink {
 public:
  explicit SyslogSink(std::string ident) : ident_(std::move(ident)) {
    ::openlog(ident_.c_str(), LOG_PID, LOG_USER);
  }
  ~SyslogSink() override { ::closelog(); }
  void Write(const LogRecord& r, std::string_view) override {
    ::syslog(Priority(r.severity), "%.*s@%d %.*s", static_cast<int>(r.logger.size()),
             r.logger.data(), r.line, static_cast<int>(r.message.size()), r.message.data());
  }

 private:
  static int Priority(Severity s) {
    switch (s) {
      case Severity::kDebug:
        return LOG_DEBUG;
      case Severity::kInfo:
        return LOG_INFO;
      case Severity::kWarning:
        return LOG_WARNING;
      case Severity::kError:
        return LOG_ERR;
      case Severity::kCritical:
        return LOG_CRIT;
    }
    return LOG_INFO;
  }
  std::string ident_;  // openlog keeps the pointer
};

}  // namespace

Result<std::unique_ptr<LogSink>> MakeFileSink(const std::string& path) {
  auto sink = std::make_unique<WatchedFileSink>(path);
  Status s = sink->Open();
  if (!s.ok()) return s;
  return std::unique_ptr<LogSink>(std::move(sink));
}

std::unique_ptr<LogSink> MakeScreenSink() { return std::make_unique<ScreenSink>(); }

std::unique_ptr<LogSink> MakeSyslogSink(const std::string& ident) {
  return std::make_unique<SyslogSink>(ident);
}

}  // namespace felix
