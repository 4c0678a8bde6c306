// U32Map: an open-addressing hash map from uint32_t keys (any value but
// UINT32_MAX) to small values, with linear probing and backward-shift
// deletion (no tombstones). One flat array of (key, value) slots: ~8-12
// bytes per entry against ~40 for a node-based std::unordered_map, and one
// cache line per lookup. Used for the IP-set member refcounts and deltas,
// where millions of (set, ip) entries live (DESIGN §6 snapshot shape).
// Values may be containers (moved on rehash). Iteration order is
// unspecified. Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace felix::calc {

template <typename V>
class U32Map {
 public:
  static constexpr uint32_t kEmpty = UINT32_MAX;

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // Returns the value of `key`, inserting V{} first if absent.
  V& operator[](uint32_t key) {
    if ((size_ + 1) * 4 > slots_.size() * 3) Grow();
    size_t i = Home(key);
    while (slots_[i].key != kEmpty) {
      if (slots_[i].key == key) return slots_[i].value;
      i = (i + 1) & mask_;
    }
    slots_[i].key = key;
    slots_[i].value = V{};
    ++size_;
    return slots_[i].value;
  }
  V* find(uint32_t key) {
    if (size_ == 0) return nullptr;
    for (size_t i = Home(key);; i = (i + 1) & mask_) {
      if (slots_[i].key == key) return &slots_[i].value;
      if (slots_[i].key == kEmpty) return nullptr;
    }
  }
  const V* find(uint32_t key) const { return const_cast<U32Map*>(this)->find(key); }
  // Removes `key`; returns whether it was present.
  bool erase(uint32_t key) {
    if (size_ == 0) return false;
    size_t i = Home(key);
    while (slots_[i].key != key) {
      if (slots_[i].key == kEmpty) return false;
      i = (i + 1) & mask_;
    }
    // Backward shift: pull later entries of the run into the hole unless
    // their home lies cyclically in (hole, j].
    for (size_t j = (i + 1) & mask_; slots_[j].key != kEmpty; j = (j + 1) & mask_) {
      size_t home = Home(slots_[j].key);
      bool stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
      if (stays) continue;
      slots_[i] = std::move(slots_[j]);
      i = j;
    }
    slots_[i].key = kEmpty;
    slots_[i].value = V{};
    --size_;
    return true;
  }
  // Drops every entry and the storage.
  void clear() {
    std::vector<Slot>().swap(slots_);
    size_ = 0;
    mask_ = 0;
    shift_ = 32;
  }
  // Makes room for `n` entries without rehashing.
  void reserve(size_t n) {
    while (n * 4 > slots_.size() * 3) Grow();
  }
  // Calls f(key, value) for every entry.
  template <typename F>
  void ForEach(F&& f) const {
    for (const Slot& s : slots_) {
      if (s.key != kEmpty) f(s.key, s.value);
    }
  }
  template <typename F>
  void ForEach(F&& f) {
    for (Slot& s : slots_) {
      if (s.key != kEmpty) f(s.key, s.value);
    }
  }

 private:
  struct Slot {
    uint32_t key = kEmpty;
    V value{};
  };
  // Fibonacci hashing: the high bits of key * 2^32/phi.
  size_t Home(uint32_t key) const {
    const uint32_t h = key * 0x9E3779B1u;  // wraps: the product's low 32 bits
    return h >> shift_;
  }
  void Grow() {
    std::vector<Slot> old = std::move(slots_);
    size_t cap = old.empty() ? 8 : old.size() * 2;
    slots_.assign(cap, Slot{});
    mask_ = cap - 1;
    shift_ = 32;
    while ((size_t{1} << (32 - shift_)) < cap) --shift_;
    for (Slot& s : old) {
      if (s.key == kEmpty) continue;
      size_t i = Home(s.key);
      while (slots_[i].key != kEmpty) i = (i + 1) & mask_;
      slots_[i] = std::move(s);
    }
  }

  std::vector<Slot> slots_;
  size_t size_ = 0;
  size_t mask_ = 0;
  unsigned shift_ = 32;
};

}  // namespace felix::calc
