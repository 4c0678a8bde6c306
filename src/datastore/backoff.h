// Private to the datastore layer: retry delays and log rate limiting for the
// Syncer. Both are small value types; the limiter reads an injected Clock so
// tests advance a FakeClock instead of sleeping.
#pragma once

#include <algorithm>
#include <chrono>
#include <map>
#include <string>

#include "base/clock.h"

namespace felix::datastore {

// Capped exponential backoff: initial, 2x, 4x, ... up to max; Reset() after a
// success starts again at initial.
class Backoff {
 public:
  using ms = std::chrono::milliseconds;
  Backoff(ms initial, ms max) : initial_(initial), max_(max), next_(initial) {}
  ms Next() {
    ms d = next_;
    next_ = std::min(max_, next_ * 2);
    return d;
  }
  void Reset() { next_ = initial_; }

 private:
  ms initial_;
  ms max_;
  ms next_;
};

// Lets a message of a given kind through at most once per interval, counting
// what it held back so the next line can say so. Not thread-safe.
class LogLimiter {
 public:
  LogLimiter(const Clock& clock, Clock::duration interval) : clock_(clock), interval_(interval) {}
  // True if a message of `kind` should be logged now; `*suppressed` is set to
  // how many were held back since the last one logged.
  bool Allow(const std::string& kind, int* suppressed) {
    auto now = clock_.Now();
    auto [it, fresh] = entries_.try_emplace(kind, Entry{now, 0});
    if (!fresh && now - it->second.last < interval_) {
      ++it->second.suppressed;
      return false;
    }
    *suppressed = fresh ? 0 : it->second.suppressed;
    it->second = Entry{now, 0};
    return true;
  }
  // Forgets `kind` (e.g. after recovery) so the next error is logged at once.
  void Clear(const std::string& kind) { entries_.erase(kind); }

 private:
  struct Entry {
    Clock::time_point last;
    int suppressed = 0;
  };
  const Clock& clock_;
  Clock::duration interval_;
  std::map<std::string, Entry> entries_;
};

}  // namespace felix::datastore
