// LabelIndex implementation: effective labels with parent inheritance, the
// inverted label index, and the matcher buckets (see label_index.h).
#include "calc/label_index.h"

#include <algorithm>

namespace felix::calc {

// Evaluates selectors over an item's effective labels (sorted by name id).
class LabelIndex::EffectiveSource final : public selector::LabelSource {
 public:
  EffectiveSource(const Interner& strings, const LabelVec& eff) : strings_(strings), eff_(eff) {}
  const std::string* Find(std::string_view name) const override {
    uint32_t id = strings_.Find(name);
    if (id == Interner::kNone) return nullptr;
    auto it = std::lower_bound(eff_.begin(), eff_.end(), std::make_pair(id, uint32_t{0}));
    if (it == eff_.end() || it->first != id) return nullptr;
    return &strings_.Str(it->second);
  }

 private:
  const Interner& strings_;
  const LabelVec& eff_;
};

LabelIndex::LabelIndex(Interner& strings, Observer& observer)
    : strings_(strings), observer_(observer), empty_id_(strings.Ref("")) {}

LabelIndex::~LabelIndex() {
  for (Item& item : items_) {
    if (!item.live) continue;
    UnrefLabels(item.own);
    for (uint32_t p : item.parents) strings_.Unref(p);
  }
  for (auto& [id, parent] : parents_) {
    UnrefLabels(parent.labels);
    UnrefLabels(parent.tags);
    strings_.Unref(id);
  }
  for (auto& entry : matchers_) {
    if (!entry) continue;
    const Matcher& m = *entry;
    if (m.tag != Interner::kNone) strings_.Unref(m.tag);
    if (m.name != Interner::kNone) strings_.Unref(m.name);
    if (m.value != Interner::kNone) strings_.Unref(m.value);
  }
  strings_.Unref(empty_id_);
}

LabelIndex::LabelVec LabelIndex::InternLabels(const selector::Labels& labels) {
  LabelVec v;
  v.reserve(labels.size());
  for (const auto& [k, val] : labels) v.emplace_back(strings_.Ref(k), strings_.Ref(val));
  std::sort(v.begin(), v.end());
  return v;
}

void LabelIndex::UnrefLabels(const LabelVec& v) {
  for (const auto& [k, val] : v) {
    strings_.Unref(k);
    strings_.Unref(val);
  }
}

void LabelIndex::Effective(const Item& item, LabelVec* out) const {
  out->assign(item.own.begin(), item.own.end());
  if (item.parents.empty()) return;
  size_t own_end = out->size();
  for (uint32_t p : item.parents) {
    auto it = parents_.find(p);
    if (it == parents_.end()) continue;
    for (const LabelVec* v : {&it->second.labels, &it->second.tags}) {
      for (const auto& kv : *v) {
        // First wins: skip names already present (own labels, earlier parents).
        bool seen =
            std::binary_search(out->begin(), out->begin() + own_end, kv,
                               [](const auto& a, const auto& b) { return a.first < b.first; });
        for (size_t i = own_end; !seen && i < out->size(); ++i) seen = (*out)[i].first == kv.first;
        if (!seen) out->push_back(kv);
      }
    }
  }
  std::sort(out->begin(), out->end());
}

void LabelIndex::Index(uint32_t item, const LabelVec& eff) {
  for (const auto& [k, v] : eff) {
    std::vector<uint32_t>& items = items_by_label_[k][v];
    if (items.empty() || items.back() < item) {  // the common case in a snapshot
      items.push_back(item);
    } else {
      items.insert(std::lower_bound(items.begin(), items.end(), item), item);
    }
  }
}

void LabelIndex::Unindex(uint32_t item, const LabelVec& eff) {
  for (const auto& [k, v] : eff) {
    U32Map<std::vector<uint32_t>>* by_name = items_by_label_.find(k);
    std::vector<uint32_t>& items = *by_name->find(v);
    items.erase(std::lower_bound(items.begin(), items.end(), item));
    if (!items.empty()) continue;
    by_name->erase(v);
    if (by_name->empty()) items_by_label_.erase(k);
  }
}

void LabelIndex::Reindex(uint32_t item, const LabelVec& before, const LabelVec& after) {
  LabelVec gone, added;
  std::set_difference(before.begin(), before.end(), after.begin(), after.end(),
                      std::back_inserter(gone));
  std::set_difference(after.begin(), after.end(), before.begin(), before.end(),
                      std::back_inserter(added));
  Unindex(item, gone);
  Index(item, added);
}

bool LabelIndex::Matches(const Matcher& m, const LabelVec& eff) const {
  if (!m.sel) {
    return std::binary_search(eff.begin(), eff.end(), std::make_pair(m.tag, empty_id_),
                              [](const auto& a, const auto& b) { return a.first < b.first; });
  }
  return m.sel->Evaluate(EffectiveSource(strings_, eff));
}

void LabelIndex::Rematch(uint32_t item_id, const LabelVec& eff) {
  std::vector<uint32_t> now;
  // `bucketed`: found through a bucket of one of the item's labels, so an
  // exact matcher matches without evaluation.
  auto consider = [&](const std::vector<uint32_t>& ids, bool bucketed) {
    for (uint32_t id : ids) {
      const Matcher& m = *matchers_[id];
      if ((bucketed && m.exact) || Matches(m, eff)) now.push_back(id);
    }
  };
  consider(unindexed_, false);
  for (const auto& [k, v] : eff) {
    if (const auto* ids = by_name_.find(k)) consider(*ids, true);
    if (auto it = by_value_.find(Pair(k, v)); it != by_value_.end()) consider(it->second, true);
  }
  std::sort(now.begin(), now.end());
  std::vector<uint32_t> before = std::move(items_[item_id].matches);
  items_[item_id].matches = now;
  std::vector<uint32_t> diff;
  std::set_difference(before.begin(), before.end(), now.begin(), now.end(),
                      std::back_inserter(diff));
  for (uint32_t m : diff) observer_.OnMatchStopped(m, item_id);
  diff.clear();
  std::set_difference(now.begin(), now.end(), before.begin(), before.end(),
                      std::back_inserter(diff));
  for (uint32_t m : diff) observer_.OnMatchStarted(m, item_id);
}

void LabelIndex::UpdateItem(uint32_t item_id, const selector::Labels& labels,
                            const std::vector<std::string>& parents) {
  if (items_.size() <= item_id) items_.resize(item_id + 1);
  LabelVec own = InternLabels(labels);
  std::vector<uint32_t> parent_ids;
  parent_ids.reserve(parents.size());
  for (const std::string& p : parents) parent_ids.push_back(strings_.Ref(p));
  Item& item = items_[item_id];
  LabelVec before, eff;
  if (item.live) {
    if (item.own == own && item.parents == parent_ids) {  // no change
      UnrefLabels(own);
      for (uint32_t p : parent_ids) strings_.Unref(p);
      return;
    }
    Effective(item, &before);
    for (uint32_t p : item.parents) parents_[p].items.erase(item_id);
  }
  LabelVec old_own = std::move(item.own);
  std::vector<uint32_t> old_parents = std::move(item.parents);
  bool was_live = item.live;
  item.live = true;
  item.own = std::move(own);
  item.parents = std::move(parent_ids);
  for (uint32_t p : item.parents) EnsureParent(p).items.insert(item_id);
  Effective(item, &eff);
  Reindex(item_id, before, eff);
  Rematch(item_id, eff);
  if (was_live) {
    UnrefLabels(old_own);
    for (uint32_t p : old_parents) {
      strings_.Unref(p);
      MaybeDropParent(p);
    }
  }
}

void LabelIndex::RemoveItem(uint32_t item_id) {
  if (item_id >= items_.size() || !items_[item_id].live) return;
  Item& item = items_[item_id];
  LabelVec eff;
  Effective(item, &eff);
  Unindex(item_id, eff);
  std::vector<uint32_t> matches = std::move(item.matches);
  item.matches = {};
  item.live = false;
  for (uint32_t m : matches) observer_.OnMatchStopped(m, item_id);
  Item& again = items_[item_id];
  UnrefLabels(again.own);
  again.own = {};
  for (uint32_t p : again.parents) {
    parents_[p].items.erase(item_id);
    strings_.Unref(p);
    MaybeDropParent(p);
  }
  again.parents = {};
}

void LabelIndex::MaybeDropParent(uint32_t parent_id) {
  auto it = parents_.find(parent_id);
  if (it == parents_.end()) return;
  if (it->second.items.empty() && it->second.labels.empty() && it->second.tags.empty()) {
    parents_.erase(it);
    strings_.Unref(parent_id);  // the entry's own reference
  }
}

LabelIndex::Parent& LabelIndex::EnsureParent(uint32_t parent_id) {
  auto [it, added] = parents_.try_emplace(parent_id);
  if (added) strings_.Ref(parent_id);  // the entry holds its id while it exists
  return it->second;
}

void LabelIndex::ReindexParent(uint32_t parent_id, LabelVec Parent::*field, LabelVec replacement) {
  Parent& parent = parents_[parent_id];
  std::vector<uint32_t> users(parent.items.begin(), parent.items.end());
  std::sort(users.begin(), users.end());
  std::vector<LabelVec> before(users.size());
  for (size_t n = 0; n < users.size(); ++n) Effective(items_[users[n]], &before[n]);
  LabelVec old = std::move(parent.*field);
  parent.*field = std::move(replacement);
  LabelVec eff;
  for (size_t n = 0; n < users.size(); ++n) {
    Effective(items_[users[n]], &eff);
    Reindex(users[n], before[n], eff);
    Rematch(users[n], eff);
  }
  UnrefLabels(old);
}

void LabelIndex::SetParentLabels(std::string_view parent, const selector::Labels* labels) {
  uint32_t id = strings_.Ref(parent);
  LabelVec v = labels ? InternLabels(*labels) : LabelVec{};
  if (EnsureParent(id).labels == v) {
    UnrefLabels(v);
  } else {
    ReindexParent(id, &Parent::labels, std::move(v));
  }
  MaybeDropParent(id);
  strings_.Unref(id);
}

void LabelIndex::SetParentTags(std::string_view parent, const std::vector<std::string>* tags) {
  uint32_t id = strings_.Ref(parent);
  LabelVec v;
  if (tags) {
    for (const std::string& t : *tags) {
      uint32_t name = strings_.Ref("#" + t);
      if (std::any_of(v.begin(), v.end(), [&](const auto& kv) { return kv.first == name; })) {
        strings_.Unref(name);
        continue;
      }
      strings_.Ref(empty_id_);
      v.emplace_back(name, empty_id_);
    }
    std::sort(v.begin(), v.end());
  }
  if (EnsureParent(id).tags == v) {
    UnrefLabels(v);
  } else {
    ReindexParent(id, &Parent::tags, std::move(v));
  }
  MaybeDropParent(id);
  strings_.Unref(id);
}

template <typename F>
void LabelIndex::ForCandidates(const Matcher& m, F&& f) const {
  if (m.name == Interner::kNone) {
    for (uint32_t i = 0; i < items_.size(); ++i) {
      if (items_[i].live) f(i);
    }
    return;
  }
  const U32Map<std::vector<uint32_t>>* by_name = items_by_label_.find(m.name);
  if (!by_name) return;
  if (m.value != Interner::kNone) {
    const std::vector<uint32_t>* items = by_name->find(m.value);
    if (!items) return;
    for (uint32_t i : *items) f(i);
    return;
  }
  by_name->ForEach([&](uint32_t, const std::vector<uint32_t>& items) {
    for (uint32_t i : items) f(i);
  });
}

void LabelIndex::AddMatcher(uint32_t id, Matcher m) {
  if (m.value != Interner::kNone) {
    by_value_[Pair(m.name, m.value)].push_back(id);
  } else if (m.name != Interner::kNone) {
    by_name_[m.name].push_back(id);
  } else {
    unindexed_.push_back(id);
  }
  if (matchers_.size() <= id) matchers_.resize(id + 1);
  matchers_[id] = std::move(m);
  const Matcher& stored = *matchers_[id];
  std::vector<uint32_t> matched;
  LabelVec eff;
  ForCandidates(stored, [&](uint32_t i) {
    if (stored.exact) return matched.push_back(i);  // candidates carry the label
    Effective(items_[i], &eff);
    if (Matches(stored, eff)) matched.push_back(i);
  });
  std::sort(matched.begin(), matched.end());
  for (uint32_t i : matched) {
    auto& ms = items_[i].matches;
    ms.insert(std::lower_bound(ms.begin(), ms.end(), id), id);
  }
  for (uint32_t i : matched) observer_.OnMatchStarted(id, i);
}

void LabelIndex::AddSelector(uint32_t matcher, const selector::Selector& sel) {
  Matcher m;
  m.sel = sel;
  auto required = sel.RequiredLabels();
  // Prefer a name == value conjunct (most selective), else the first name.
  auto best = std::find_if(required.begin(), required.end(),
                           [](const auto& r) { return r.second.has_value(); });
  if (best == required.end() && !required.empty()) best = required.begin();
  if (best != required.end()) {
    m.name = strings_.Ref(best->first);
    if (best->second) m.value = strings_.Ref(*best->second);
    const std::string& text = sel.canonical();
    m.exact = best->second ? (best->second->find('"') == std::string::npos &&
                              text == best->first + " == \"" + *best->second + "\"")
                           : text == "has(" + best->first + ")";
  }
  AddMatcher(matcher, std::move(m));
}

void LabelIndex::AddTag(uint32_t matcher, std::string_view tag) {
  Matcher m;
  m.tag = strings_.Ref("#" + std::string(tag));
  m.name = m.tag;
  strings_.Ref(m.name);
  AddMatcher(matcher, std::move(m));
}

void LabelIndex::RemoveMatcher(uint32_t id) {
  if (id >= matchers_.size() || !matchers_[id]) return;
  const Matcher& m = *matchers_[id];  // reset below, before any report
  auto drop = [id](std::vector<uint32_t>& v) { v.erase(std::find(v.begin(), v.end(), id)); };
  if (m.value != Interner::kNone) {
    auto b = by_value_.find(Pair(m.name, m.value));
    drop(b->second);
    if (b->second.empty()) by_value_.erase(b);
  } else if (m.name != Interner::kNone) {
    std::vector<uint32_t>* b = by_name_.find(m.name);
    drop(*b);
    if (b->empty()) by_name_.erase(m.name);
  } else {
    drop(unindexed_);
  }
  std::vector<uint32_t> stopped;
  ForCandidates(m, [&](uint32_t i) {
    auto& ms = items_[i].matches;
    auto pos = std::lower_bound(ms.begin(), ms.end(), id);
    if (pos != ms.end() && *pos == id) {
      ms.erase(pos);
      stopped.push_back(i);
    }
  });
  std::sort(stopped.begin(), stopped.end());
  for (uint32_t s : {m.tag, m.name, m.value}) {
    if (s != Interner::kNone) strings_.Unref(s);
  }
  matchers_[id].reset();
  for (uint32_t i : stopped) observer_.OnMatchStopped(id, i);
}

const std::vector<uint32_t>& LabelIndex::MatchesOf(uint32_t item) const {
  static const std::vector<uint32_t> kEmpty;
  return item < items_.size() ? items_[item].matches : kEmpty;
}

}  // namespace felix::calc
