// IpSetIndex: the IP-set member index. Knows every endpoint of every host
// (labels, profiles, IPs) through a LabelIndex, and for each IP set that some
// active rule references (a selector "s:..." or a tag "t:<tag>") keeps its
// members, refcounted per member: an IP shared by several matching endpoints
// leaves the set only with its last contributor. Changes since the last flush
// are kept as deltas against what the dataplane holds (a set is sent in full
// once, then only as deltas; a set removed after being sent is reported once).
//
// Endpoints are dense caller-chosen ids. Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "calc/flat_map.h"
#include "calc/interner.h"
#include "calc/label_index.h"
#include "calc/messages.h"
#include "model/model.h"

namespace felix::calc {

class IpSetIndex final : private LabelIndex::Observer {
 public:
  explicit IpSetIndex(Interner& strings);
  ~IpSetIndex() override;

  // Profile labels / tags (nullptr = none).
  void SetProfileLabels(const std::string& profile, const model::Labels* labels);
  void SetProfileTags(const std::string& profile, const std::vector<std::string>* tags);

  // Endpoints on any host: their labels, profiles and IPs.
  void UpdateEndpoint(uint32_t endpoint, const model::Labels& labels,
                      const std::vector<std::string>& profiles,
                      const std::vector<model::Cidr>& ips);
  void RemoveEndpoint(uint32_t endpoint);

  // A rule reference to an IP set; the set exists while references remain.
  void RefSelector(const selector::Selector& sel);
  void UnrefSelector(const selector::Selector& sel);
  void RefTag(const std::string& tag);
  void UnrefTag(const std::string& tag);

  // Pending changes since the last call, in id order: full IpSetUpdates and
  // IpSetDeltaUpdates in `updates`, IpSetRemoves in `removes`.
  void TakePending(std::vector<Message>* updates, std::vector<Message>* removes);

  // Current members of a set (sorted), empty if unknown; for tests.
  std::vector<model::Cidr> MembersForTest(const std::string& id) const;
  size_t set_count() const { return by_id_.size(); }

 private:
  struct Set {
    std::string id;
    uint32_t refs = 0;         // rule references
    bool live = false;         // refs > 0
    bool sent = false;         // the dataplane holds it
    U32Map<uint32_t> members;  // ip id -> contributors
    // Until the set is first sent, contributions are only appended here (one
    // entry per contributor; a snapshot adds millions, and an append is far
    // cheaper than a random hash-table insert) and folded into `members` at
    // the first flush or the first removal.
    std::vector<uint32_t> staged;
    // vs. the dataplane, once sent: ip id -> kAdded / kRemoved; each entry
    // holds an ip reference.
    U32Map<uint8_t> delta;
  };
  static constexpr uint8_t kAdded = 1, kRemoved = 2;
  struct CidrHash {
    size_t operator()(const model::Cidr& c) const;
  };
  using IpInterner = BasicInterner<model::Cidr, const model::Cidr&, CidrHash>;

  void OnMatchStarted(uint32_t matcher, uint32_t item) override;
  void OnMatchStopped(uint32_t matcher, uint32_t item) override;
  void AddMember(Set& set, uint32_t ip);
  void RemoveMember(Set& set, uint32_t ip);
  // Returns the set's handle if this is its first reference (to be added to
  // the label index), else kNone.
  uint32_t Ref(const std::string& id);
  void Unref(const std::string& id);
  // Records a member change for the next flush; a pending opposite change
  // cancels out (the dataplane still holds the old state).
  void RecordDelta(Set& set, uint32_t ip, uint8_t change);
  void MarkDirty(const Set& set);
  static void Fold(Set& set);

  IpInterner ips_;  // Cidr -> ids, refcounted
  LabelIndex labels_;
  std::vector<std::vector<uint32_t>> endpoint_ips_;  // endpoint -> ip ids
  std::vector<Set> sets_;                            // by handle
  std::vector<uint32_t> free_handles_;
  std::unordered_map<std::string, uint32_t> by_id_;  // live or pending-remove sets
  std::unordered_set<uint32_t> dirty_;               // handles with pending output
};

}  // namespace felix::calc
