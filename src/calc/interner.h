// Interner: refcounted string <-> small integer ids, so that the calc graph
// stores each label name, label value and profile id once however many
// endpoints carry it (the "< 1 KiB per remote endpoint" budget, DESIGN §6).
// Ids are dense and reused after their last reference goes. Strings never
// move while referenced, so Str(id) can be handed out as a stable pointer.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace felix::calc {

class Interner {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  // Returns the id of `s`, adding one reference.
  uint32_t Ref(std::string_view s) {
    auto it = ids_.find(s);
    if (it != ids_.end()) {
      ++entries_[it->second].refs;
      return it->second;
    }
    uint32_t id;
    if (!free_.empty()) {
      id = free_.back();
      free_.pop_back();
      entries_[id].text.assign(s);
    } else {
      id = static_cast<uint32_t>(entries_.size());
      entries_.push_back(Entry{std::string(s), 0});
    }
    entries_[id].refs = 1;
    ids_.emplace(entries_[id].text, id);
    return id;
  }
  // Adds a reference to an existing id.
  void Ref(uint32_t id) { ++entries_[id].refs; }
  // Drops one reference; the id is freed with its last reference.
  void Unref(uint32_t id) {
    Entry& e = entries_[id];
    if (--e.refs > 0) return;
    ids_.erase(std::string_view(e.text));
    std::string().swap(e.text);
    free_.push_back(id);
  }
  // The id of `s`, or kNone; adds no reference.
  uint32_t Find(std::string_view s) const {
    auto it = ids_.find(s);
    return it == ids_.end() ? kNone : it->second;
  }
  const std::string& Str(uint32_t id) const { return entries_[id].text; }
  size_t size() const { return ids_.size(); }

 private:
  struct Entry {
    std::string text;
    uint32_t refs = 0;
  };
  std::deque<Entry> entries_;  // deque: texts never move
  std::vector<uint32_t> free_;
  std::unordered_map<std::string_view, uint32_t> ids_;  // views into entries_
};

}  // namespace felix::calc
