// FastSummary (fast_summary.h).
#include "daemon/fast_summary.h"

#include <bit>
#include <cmath>

namespace felix::daemon {

int FastSummary::Bucket(uint64_t ns) {
  if (ns < 4) return static_cast<int>(ns);                    // 0..3 ns: one bucket each
  const int width = std::bit_width(ns);                       // ns in [2^(width-1), 2^width)
  const int sub = static_cast<int>((ns >> (width - 3)) & 3);  // the next two bits
  const int b = (width - 1) * 4 + sub - 4;
  return b < kBuckets ? b : kBuckets - 1;
}

double FastSummary::UpperNs(int bucket) {
  if (bucket < 4) return bucket + 1;
  const int octave = (bucket + 4) / 4;  // width - 1
  const int sub = (bucket + 4) % 4;
  return std::ldexp(1.0 + (sub + 1) / 4.0, octave);
}

void FastSummary::Observe(std::chrono::nanoseconds d, std::chrono::steady_clock::time_point now) {
  const int64_t t = now.time_since_epoch().count();
  const int64_t start = half_start_ns_.load(std::memory_order_relaxed);
  const int64_t half = std::chrono::duration_cast<std::chrono::nanoseconds>(kHalf).count();
  if (start == 0 || t - start >= half) {
    // A new half: the older one is cleared and takes the new observations.
    const int next = start == 0 ? 0 : 1 - current_.load(std::memory_order_relaxed);
    for (auto& n : halves_[next].n) n.store(0, std::memory_order_relaxed);
    current_.store(next, std::memory_order_release);
    half_start_ns_.store(t, std::memory_order_relaxed);
  }
  const uint64_t ns = d.count() < 0 ? 0 : static_cast<uint64_t>(d.count());
  halves_[current_.load(std::memory_order_relaxed)].n[Bucket(ns)].fetch_add(
      1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(ns, std::memory_order_relaxed);
}

prometheus::MetricFamily FastSummary::Collect(const std::string& name,
                                              const std::string& help) const {
  std::array<uint64_t, kBuckets> n{};
  uint64_t total = 0;
  for (const auto& h : halves_) {
    for (int i = 0; i < kBuckets; ++i) {
      n[i] += h.n[i].load(std::memory_order_relaxed);
      total += h.n[i].load(std::memory_order_relaxed);
    }
  }
  prometheus::ClientMetric m;
  m.summary.sample_count = count_.load(std::memory_order_relaxed);
  m.summary.sample_sum = static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) / 1e9;
  for (double q : {0.5, 0.9, 0.99}) {
    double value = std::nan("");
    if (total > 0) {
      const double rank = q * static_cast<double>(total);
      uint64_t seen = 0;
      for (int i = 0; i < kBuckets; ++i) {
        seen += n[i];
        if (static_cast<double>(seen) >= rank) {
          value = UpperNs(i) / 1e9;
          break;
        }
      }
    }
    m.summary.quantile.push_back({q, value});
  }
  return {name, help, prometheus::MetricType::Summary, {m}};
}

}  // namespace felix::daemon
