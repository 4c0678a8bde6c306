// LabelIndex: which matchers (selectors, or profile tags) match which items
// (endpoints), maintained incrementally. An item's effective labels are its
// own labels over those of its parents (profiles): own labels win, and among
// several parents the FIRST listed parent wins (as Go Felix 2.x; spec §12).
// A parent's tags are kept as pseudo-labels named "#<tag>", which no selector
// can name (label names never contain '#'), so tags stay invisible to
// selectors (v1 semantics) yet are indexed like labels for tag matchers.
//
// Scale: matchers are bucketed by a label (name, or name == value) that every
// match requires (Selector::RequiredLabels); an item update evaluates only the
// matchers in the buckets of its labels plus the few without a requirement. A
// matcher update scans only the items carrying its required label, through an
// inverted index (name -> value -> items).
//
// Items are dense caller-chosen ids. Not thread-safe; the observer must not
// call back into the index's mutating methods.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "calc/flat_map.h"
#include "calc/interner.h"
#include "selector/selector.h"

namespace felix::calc {

class LabelIndex {
 public:
  class Observer {
   public:
    virtual ~Observer() = default;
    virtual void OnMatchStarted(uint32_t matcher, uint32_t item) = 0;
    virtual void OnMatchStopped(uint32_t matcher, uint32_t item) = 0;
  };

  LabelIndex(Interner& strings, Observer& observer);
  ~LabelIndex();
  LabelIndex(const LabelIndex&) = delete;
  LabelIndex& operator=(const LabelIndex&) = delete;

  // A parent's labels / tags; nullptr = none (deleted or invalid).
  void SetParentLabels(std::string_view parent, const selector::Labels* labels);
  void SetParentTags(std::string_view parent, const std::vector<std::string>* tags);

  // Adds or replaces an item; `parents` in precedence order.
  void UpdateItem(uint32_t item, const selector::Labels& labels,
                  const std::vector<std::string>& parents);
  void RemoveItem(uint32_t item);

  // Adds a matcher (id not in use): a selector, or a tag that matches items
  // one of whose parents carries it.
  void AddSelector(uint32_t matcher, const selector::Selector& sel);
  void AddTag(uint32_t matcher, std::string_view tag);
  // Removes a matcher, reporting OnMatchStopped for each item it matched.
  void RemoveMatcher(uint32_t matcher);

  // The matchers an item currently matches (sorted); empty for unknown items.
  const std::vector<uint32_t>& MatchesOf(uint32_t item) const;

 private:
  using LabelVec = std::vector<std::pair<uint32_t, uint32_t>>;  // (name, value) ids
  struct Item {
    bool live = false;
    LabelVec own;                   // sorted by name id
    std::vector<uint32_t> parents;  // interned parent names, in order
    std::vector<uint32_t> matches;  // sorted matcher ids
  };
  struct Parent {
    LabelVec labels, tags;  // sorted by name id
    std::unordered_set<uint32_t> items;
  };
  struct Matcher {
    std::optional<selector::Selector> sel;
    uint32_t tag = Interner::kNone;   // "#tag" id for tag matchers
    uint32_t name = Interner::kNone;  // required label (bucket), or kNone
    uint32_t value = Interner::kNone;
    // The selector is exactly its bucket's requirement (`has(name)` or
    // `name == "value"`): every item found through the bucket matches, no
    // evaluation needed.
    bool exact = false;
  };
  class EffectiveSource;

  LabelVec InternLabels(const selector::Labels& labels);
  void UnrefLabels(const LabelVec& v);
  void Effective(const Item& item, LabelVec* out) const;
  void Index(uint32_t item, const LabelVec& eff);
  void Unindex(uint32_t item, const LabelVec& eff);
  // Moves an item's index entries from `before` to `after` (both sorted).
  void Reindex(uint32_t item, const LabelVec& before, const LabelVec& after);
  bool Matches(const Matcher& m, const LabelVec& eff) const;
  void Rematch(uint32_t item, const LabelVec& eff);
  void AddMatcher(uint32_t id, Matcher m);
  template <typename F>
  void ForCandidates(const Matcher& m, F&& f) const;
  void ReindexParent(uint32_t parent_id, LabelVec Parent::*field, LabelVec replacement);
  Parent& EnsureParent(uint32_t parent_id);
  void MaybeDropParent(uint32_t parent_id);
  static uint64_t Pair(uint32_t a, uint32_t b) { return (uint64_t{a} << 32) | b; }

  Interner& strings_;
  Observer& observer_;
  uint32_t empty_id_;  // interned "" (value of tag pseudo-labels)
  std::vector<Item> items_;
  std::unordered_map<uint32_t, Parent> parents_;
  std::vector<std::optional<Matcher>> matchers_;  // by matcher id (dense handles)
  // Inverted index of effective labels: name -> value -> items (sorted
  // vectors: 4 bytes per entry; updates touch only the labels that changed).
  U32Map<U32Map<std::vector<uint32_t>>> items_by_label_;
  // Matcher buckets.
  U32Map<std::vector<uint32_t>> by_name_;
  std::unordered_map<uint64_t, std::vector<uint32_t>> by_value_;
  std::vector<uint32_t> unindexed_;
};

}  // namespace felix::calc
