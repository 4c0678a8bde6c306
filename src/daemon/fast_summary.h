// A Prometheus summary cheap enough to observe every datastore update
// (prometheus-cpp's summary costs ~20 us per observation, which would add
// seconds to a 100,000-key snapshot): durations counted in log-spaced
// buckets (4 per octave, 1 ns to 4.3 s), quantiles estimated from the
// buckets of the last 5-10 minutes (two alternating 5-minute halves), count
// and sum over the process lifetime as a summary's are. One writer (the loop
// thread), any number of readers; an observation is a few relaxed atomic
// adds.
#pragma once

#include <prometheus/metric_family.h>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace felix::daemon {

class FastSummary {
 public:
  static constexpr int kBuckets = 128;
  static constexpr std::chrono::minutes kHalf{5};

  void Observe(std::chrono::nanoseconds d,
               std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now());
  // The family with one summary series: the 0.5, 0.9 and 0.99 quantiles
  // (seconds, the upper edge of the bucket holding the rank), count, sum.
  prometheus::MetricFamily Collect(const std::string& name, const std::string& help) const;

  // Bucket index of a duration, and the upper edge (ns) of a bucket.
  static int Bucket(uint64_t ns);
  static double UpperNs(int bucket);

 private:
  struct Half {
    std::array<std::atomic<uint64_t>, kBuckets> n{};
  };
  Half halves_[2];
  std::atomic<int> current_{0};
  std::atomic<int64_t> half_start_ns_{0};
  std::atomic<uint64_t> count_{0}, sum_ns_{0};
};

}  // namespace felix::daemon
