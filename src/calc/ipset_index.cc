// IpSetIndex implementation (see ipset_index.h): set lifecycle, per-member
// refcounts and the deltas against what the dataplane was last sent.
#include "calc/ipset_index.h"

#include <algorithm>
#include <cstring>

namespace felix::calc {

IpSetIndex::IpSetIndex(Interner& strings) : labels_(strings, *this) {}

IpSetIndex::~IpSetIndex() = default;

size_t IpSetIndex::CidrHash::operator()(const model::Cidr& c) const {
  uint64_t a, b;
  std::memcpy(&a, c.addr.bytes.data(), 8);
  std::memcpy(&b, c.addr.bytes.data() + 8, 8);
  uint64_t h =
      a * 0x9E3779B97F4A7C15ull ^ (b + static_cast<uint64_t>(c.prefix << 8 | c.addr.family));
  h ^= h >> 33;  // murmur3 finalizer: spreads into the low bits probing uses
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  return h ^ (h >> 33);
}

void IpSetIndex::MarkDirty(const Set& set) {
  dirty_.insert(static_cast<uint32_t>(&set - sets_.data()));
}

void IpSetIndex::SetProfileLabels(const std::string& profile, const model::Labels* labels) {
  labels_.SetParentLabels(profile, labels);
}

void IpSetIndex::SetProfileTags(const std::string& profile, const std::vector<std::string>* tags) {
  labels_.SetParentTags(profile, tags);
}

void IpSetIndex::UpdateEndpoint(uint32_t endpoint, const model::Labels& labels,
                                const std::vector<std::string>& profiles,
                                const std::vector<model::Cidr>& ips) {
  if (endpoint_ips_.size() <= endpoint) endpoint_ips_.resize(endpoint + 1);
  std::vector<uint32_t> now;
  now.reserve(ips.size());
  for (model::Cidr c : ips) {
    if (c.addr.family == 4) std::fill(c.addr.bytes.begin() + 4, c.addr.bytes.end(), 0);
    now.push_back(ips_.Ref(c));
  }
  if (now.size() > 1) {  // dedupe, dropping the extra references
    std::sort(now.begin(), now.end());
    for (size_t i = 1; i < now.size(); ++i) {
      if (now[i] == now[i - 1]) ips_.Unref(now[i]);
    }
    now.erase(std::unique(now.begin(), now.end()), now.end());
  }
  std::vector<uint32_t> before = std::move(endpoint_ips_[endpoint]);
  endpoint_ips_[endpoint] = now;
  endpoint_ips_[endpoint].shrink_to_fit();
  if (before != now) {
    for (uint32_t m : labels_.MatchesOf(endpoint)) {
      Set& set = sets_[m];
      for (uint32_t ip : before) RemoveMember(set, ip);
      for (uint32_t ip : now) AddMember(set, ip);
    }
  }
  for (uint32_t ip : before) ips_.Unref(ip);
  labels_.UpdateItem(endpoint, labels, profiles);
}

void IpSetIndex::RemoveEndpoint(uint32_t endpoint) {
  if (endpoint >= endpoint_ips_.size()) return;
  labels_.RemoveItem(endpoint);  // members leave through OnMatchStopped
  for (uint32_t ip : endpoint_ips_[endpoint]) ips_.Unref(ip);
  endpoint_ips_[endpoint] = {};
}

void IpSetIndex::OnMatchStarted(uint32_t matcher, uint32_t item) {
  for (uint32_t ip : endpoint_ips_[item]) AddMember(sets_[matcher], ip);
}

void IpSetIndex::OnMatchStopped(uint32_t matcher, uint32_t item) {
  for (uint32_t ip : endpoint_ips_[item]) RemoveMember(sets_[matcher], ip);
}

void IpSetIndex::Fold(Set& set) {
  if (set.staged.empty()) return;
  set.members.reserve(set.members.size() + set.staged.size());
  for (uint32_t ip : set.staged) ++set.members[ip];
  std::vector<uint32_t>().swap(set.staged);
}

void IpSetIndex::AddMember(Set& set, uint32_t ip) {
  if (!set.sent) return set.staged.push_back(ip);
  if (set.members[ip]++ > 0) return;
  RecordDelta(set, ip, kAdded);
}

void IpSetIndex::RemoveMember(Set& set, uint32_t ip) {
  Fold(set);
  uint32_t* n = set.members.find(ip);
  if (--*n > 0) return;
  set.members.erase(ip);
  if (!set.sent) return;
  RecordDelta(set, ip, kRemoved);
}

void IpSetIndex::RecordDelta(Set& set, uint32_t ip, uint8_t change) {
  if (set.delta.find(ip) != nullptr) {
    set.delta.erase(ip);
    ips_.Unref(ip);
  } else {
    set.delta[ip] = change;
    ips_.Ref(ip);
  }
  MarkDirty(set);
}

uint32_t IpSetIndex::Ref(const std::string& id) {
  auto it = by_id_.find(id);
  if (it != by_id_.end()) {
    Set& set = sets_[it->second];
    if (set.refs++ > 0) return Interner::kNone;
    set.live = true;  // revived before its removal was flushed
    return it->second;
  }
  uint32_t h;
  if (!free_handles_.empty()) {
    h = free_handles_.back();
    free_handles_.pop_back();
  } else {
    h = static_cast<uint32_t>(sets_.size());
    sets_.emplace_back();
  }
  Set& set = sets_[h];
  set = Set{};
  set.id = id;
  set.refs = 1;
  set.live = true;
  by_id_.emplace(id, h);
  dirty_.insert(h);
  return h;
}

void IpSetIndex::Unref(const std::string& id) {
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return;
  uint32_t h = it->second;
  if (sets_[h].refs == 0 || --sets_[h].refs > 0) return;
  labels_.RemoveMatcher(h);  // members leave through OnMatchStopped
  Set& set = sets_[h];
  set.live = false;
  if (set.sent) {
    dirty_.insert(h);
    return;
  }
  by_id_.erase(it);
  dirty_.erase(h);
  set = Set{};
  free_handles_.push_back(h);
}

void IpSetIndex::RefSelector(const selector::Selector& sel) {
  uint32_t h = Ref(sel.unique_id());
  if (h != Interner::kNone) labels_.AddSelector(h, sel);
}

void IpSetIndex::UnrefSelector(const selector::Selector& sel) { Unref(sel.unique_id()); }

void IpSetIndex::RefTag(const std::string& tag) {
  uint32_t h = Ref("t:" + tag);
  if (h != Interner::kNone) labels_.AddTag(h, tag);
}

void IpSetIndex::UnrefTag(const std::string& tag) { Unref("t:" + tag); }

void IpSetIndex::TakePending(std::vector<Message>* updates, std::vector<Message>* removes) {
  std::vector<std::pair<std::string, uint32_t>> order;
  order.reserve(dirty_.size());
  for (uint32_t h : dirty_) order.emplace_back(sets_[h].id, h);
  dirty_.clear();
  std::sort(order.begin(), order.end());
  for (const auto& [id, h] : order) {
    Set& set = sets_[h];
    auto release = [this](U32Map<uint8_t>& delta) {
      delta.ForEach([this](uint32_t ip, uint8_t) { ips_.Unref(ip); });
      delta.clear();
    };
    if (!set.live) {
      removes->push_back(IpSetRemove{set.id});
      release(set.delta);
      by_id_.erase(set.id);
      set = Set{};
      free_handles_.push_back(h);
    } else if (!set.sent) {
      Fold(set);
      std::vector<model::Cidr> members;
      members.reserve(set.members.size());
      set.members.ForEach([&](uint32_t ip, uint32_t) { members.push_back(ips_.Str(ip)); });
      std::sort(members.begin(), members.end());
      updates->push_back(IpSetUpdate{set.id, std::move(members)});
      set.sent = true;
    } else if (!set.delta.empty()) {
      IpSetDeltaUpdate u{set.id, {}, {}};
      set.delta.ForEach([&](uint32_t ip, uint8_t d) {
        (d == kAdded ? u.added : u.removed).push_back(ips_.Str(ip));
      });
      std::sort(u.added.begin(), u.added.end());
      std::sort(u.removed.begin(), u.removed.end());
      updates->push_back(std::move(u));
      release(set.delta);
    }
  }
}

std::vector<model::Cidr> IpSetIndex::MembersForTest(const std::string& id) const {
  std::vector<model::Cidr> out;
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return out;
  const Set& set = sets_[it->second];
  set.members.ForEach([&](uint32_t ip, uint32_t) { out.push_back(ips_.Str(ip)); });
  for (uint32_t ip : set.staged) out.push_back(ips_.Str(ip));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace felix::calc
