// The real Clock: std::chrono::steady_clock.
#include "base/clock.h"

namespace felix {
namespace {

class SteadyClock : public Clock {
 public:
  time_point Now() const override { return std::chrono::steady_clock::now(); }
};

}  // namespace

Clock& RealClock() {
  static SteadyClock clock;
  return clock;
}

}  // namespace felix
