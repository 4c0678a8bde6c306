// Log rate limiting per kind of message: a repeated failure (a watch that
// keeps failing, one datastore key rewritten with garbage) is logged once per
// interval, and the next line says how many were held back. Reads an injected
// Clock so tests advance a FakeClock instead of sleeping.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <string>

#include "base/clock.h"

namespace felix {

// Not thread-safe. Memory is bounded: past kMaxKinds kinds, the ones whose
// interval has passed are forgotten (a flood of distinct keys cannot grow it
// without bound; each forgotten kind is simply logged again).
class LogLimiter {
 public:
  static constexpr size_t kMaxKinds = 10000;

  LogLimiter(const Clock& clock, Clock::duration interval) : clock_(clock), interval_(interval) {}

  // True if a message of `kind` should be logged now; `*suppressed` is set to
  // how many were held back since the last one logged.
  bool Allow(const std::string& kind, int* suppressed) {
    const auto now = clock_.Now();
    if (entries_.size() >= kMaxKinds) Expire(now);
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
  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    Clock::time_point last;
    int suppressed = 0;
  };
  void Expire(Clock::time_point now) {
    std::erase_if(entries_, [&](const auto& e) { return now - e.second.last >= interval_; });
  }
  const Clock& clock_;
  Clock::duration interval_;
  std::map<std::string, Entry> entries_;
};

}  // namespace felix
