// Time as an injected dependency (STYLE rule 15): back-off, refresh timers and
// rate limits take a Clock& so tests advance a FakeClock instead of sleeping.
#pragma once

#include <chrono>

namespace felix {

// A monotonic clock. Implementations must be safe to call from the thread
// that owns the object using them; RealClock is safe from any thread.
class Clock {
 public:
  using time_point = std::chrono::steady_clock::time_point;
  using duration = std::chrono::steady_clock::duration;
  virtual ~Clock() = default;
  virtual time_point Now() const = 0;
};

// The process's steady clock.
Clock& RealClock();

// A clock that only moves when told to. Starts at an arbitrary fixed point.
class FakeClock : public Clock {
 public:
  time_point Now() const override { return now_; }
  void Advance(duration d) { now_ += d; }
  void Set(time_point t) { now_ = t; }

 private:
  time_point now_ = time_point(std::chrono::hours(1000));
};

}  // namespace felix
