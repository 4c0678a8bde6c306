// Interner: refcounted value <-> small integer ids, so that the calc graph
// stores each label name, label value, profile id and endpoint IP once
// however many endpoints carry it (the "< 1 KiB per remote endpoint" budget,
// DESIGN §6). Ids are dense and reused after their last reference goes.
// Values never move while referenced, so Str(id) can be handed out as a
// stable pointer.
//
// The lookup table is open addressing (linear probing, backward-shift
// deletion) over ids, with each entry's hash kept beside it: a lookup costs
// one probe run in a flat array plus one comparison, and interning allocates
// nothing but the value itself (the snapshot interns ~5 million label
// strings, so this is on the hot path).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace felix::calc {

// T: the stored value; View: how callers pass it (must compare equal to T
// and construct it); Hash: hashes a View.
template <typename T, typename View, typename Hash>
class BasicInterner {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  // Returns the id of `s`, adding one reference.
  uint32_t Ref(View s) {
    if ((size_ + 1) * 4 > slots_.size() * 3) Grow();
    const uint32_t h = static_cast<uint32_t>(Hash{}(s));
    size_t i = h & mask_;
    for (; slots_[i] != kNone; i = (i + 1) & mask_) {
      Entry& e = entries_[slots_[i]];
      if (e.hash == h && e.value == s) {
        ++e.refs;
        return slots_[i];
      }
    }
    uint32_t id;
    if (!free_.empty()) {
      id = free_.back();
      free_.pop_back();
      entries_[id].value = T(s);
    } else {
      id = static_cast<uint32_t>(entries_.size());
      entries_.push_back(Entry{T(s), 0, 0});
    }
    entries_[id].refs = 1;
    entries_[id].hash = h;
    slots_[i] = id;
    ++size_;
    return id;
  }
  // Adds a reference to an existing id.
  void Ref(uint32_t id) { ++entries_[id].refs; }
  // Drops one reference; the id is freed with its last reference.
  void Unref(uint32_t id) {
    Entry& e = entries_[id];
    if (--e.refs > 0) return;
    size_t i = e.hash & mask_;
    while (slots_[i] != id) i = (i + 1) & mask_;
    for (size_t j = (i + 1) & mask_; slots_[j] != kNone; j = (j + 1) & mask_) {
      size_t home = entries_[slots_[j]].hash & mask_;
      bool stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
      if (stays) continue;
      slots_[i] = slots_[j];
      i = j;
    }
    slots_[i] = kNone;
    --size_;
    e.value = T{};
    free_.push_back(id);
  }
  // The id of `s`, or kNone; adds no reference.
  uint32_t Find(View s) const {
    if (size_ == 0) return kNone;
    const uint32_t h = static_cast<uint32_t>(Hash{}(s));
    for (size_t i = h & mask_; slots_[i] != kNone; i = (i + 1) & mask_) {
      const Entry& e = entries_[slots_[i]];
      if (e.hash == h && e.value == s) return slots_[i];
    }
    return kNone;
  }
  const T& Str(uint32_t id) const { return entries_[id].value; }
  size_t size() const { return size_; }

 private:
  struct Entry {
    T value;
    uint32_t refs = 0;
    uint32_t hash = 0;
  };
  void Grow() {
    size_t cap = slots_.empty() ? 16 : slots_.size() * 2;
    slots_.assign(cap, kNone);
    mask_ = cap - 1;
    for (uint32_t id = 0; id < entries_.size(); ++id) {
      if (entries_[id].refs == 0) continue;
      size_t i = entries_[id].hash & mask_;
      while (slots_[i] != kNone) i = (i + 1) & mask_;
      slots_[i] = id;
    }
  }

  std::deque<Entry> entries_;  // deque: values never move
  std::vector<uint32_t> free_;
  std::vector<uint32_t> slots_;  // ids, or kNone
  size_t size_ = 0;
  size_t mask_ = 0;
};

// Label names and values, profile ids.
using Interner = BasicInterner<std::string, std::string_view, std::hash<std::string_view>>;

}  // namespace felix::calc
