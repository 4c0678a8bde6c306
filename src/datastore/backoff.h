// Private to the datastore layer: retry delays for the Syncer (and the
// base layer's log limiter under its old name here).
#pragma once

#include <algorithm>
#include <chrono>
#include <map>
#include <string>

#include "base/clock.h"
#include "base/log_limiter.h"

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

using felix::LogLimiter;

}  // namespace felix::datastore
