// IpSetIndex implementation (see ipset_index.h): set lifecycle, per-member
// refcounts and the deltas against what the dataplane was last sent.
#include "calc/ipset_index.h"

#include <algorithm>
#include <cstring>

namespace felix::calc {

IpSetIndex::IpSetIndex(Interner& strings) : labels_(strings, *this) {}

IpSetIndex::~IpSetIndex() = default;

std::string IpSetIndex::Key(const model::Cidr& c) const {
  size_t n = c.addr.family == 4 ? 4 : 16;
  std::string k(2 + n, '\0');
  k[0] = static_cast<char>(c.addr.family);
  k[1] = static_cast<char>(c.prefix);
  std::memcpy(k.data() + 2, c.addr.bytes.data(), n);
  return k;
}

model::Cidr IpSetIndex::CidrOf(uint32_t ip) const {
  const std::string& k = ips_.Str(ip);
  model::Cidr c;
  c.addr.family = static_cast<uint8_t>(k[0]);
  c.prefix = static_cast<uint8_t>(k[1]);
  std::memcpy(c.addr.bytes.data(), k.data() + 2, k.size() - 2);
  return c;
}

std::vector<model::Cidr> IpSetIndex::Sorted(const std::unordered_set<uint32_t>& ips) const {
  std::vector<model::Cidr> out;
  out.reserve(ips.size());
  for (uint32_t ip : ips) out.push_back(CidrOf(ip));
  std::sort(out.begin(), out.end());
  return out;
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
  for (const model::Cidr& c : ips) now.push_back(ips_.Ref(Key(c)));
  std::sort(now.begin(), now.end());
  now.erase(std::unique(now.begin(), now.end()), now.end());  // dedupe (drop extra refs below)
  // Re-reference after dedupe so each kept id holds exactly one reference.
  for (uint32_t ip : now) ips_.Ref(ip);
  for (const model::Cidr& c : ips) ips_.Unref(ips_.Find(Key(c)));
  std::vector<uint32_t> before = std::move(endpoint_ips_[endpoint]);
  endpoint_ips_[endpoint] = now;
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

void IpSetIndex::AddMember(Set& set, uint32_t ip) {
  if (set.members[ip]++ > 0 || !set.sent) return;
  if (set.removed.erase(ip)) {
    ips_.Unref(ip);
  } else {
    set.added.insert(ip);
    ips_.Ref(ip);
  }
  dirty_.insert(static_cast<uint32_t>(&set - sets_.data()));
}

void IpSetIndex::RemoveMember(Set& set, uint32_t ip) {
  auto it = set.members.find(ip);
  if (--it->second > 0) return;
  set.members.erase(it);
  if (!set.sent) return;
  if (set.added.erase(ip)) {
    ips_.Unref(ip);
  } else {
    set.removed.insert(ip);
    ips_.Ref(ip);
  }
  dirty_.insert(static_cast<uint32_t>(&set - sets_.data()));
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
    auto release = [this](std::unordered_set<uint32_t>& ips) {
      for (uint32_t ip : ips) ips_.Unref(ip);
      ips.clear();
    };
    if (!set.live) {
      removes->push_back(IpSetRemove{set.id});
      release(set.removed);
      release(set.added);
      by_id_.erase(set.id);
      set = Set{};
      free_handles_.push_back(h);
    } else if (!set.sent) {
      std::vector<model::Cidr> members;
      members.reserve(set.members.size());
      for (const auto& [ip, n] : set.members) members.push_back(CidrOf(ip));
      std::sort(members.begin(), members.end());
      updates->push_back(IpSetUpdate{set.id, std::move(members)});
      set.sent = true;
    } else if (!set.added.empty() || !set.removed.empty()) {
      updates->push_back(IpSetDeltaUpdate{set.id, Sorted(set.added), Sorted(set.removed)});
      release(set.added);
      release(set.removed);
    }
  }
}

std::vector<model::Cidr> IpSetIndex::MembersForTest(const std::string& id) const {
  std::vector<model::Cidr> out;
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return out;
  for (const auto& [ip, n] : sets_[it->second].members) out.push_back(CidrOf(ip));
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace felix::calc
