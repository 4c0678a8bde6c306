// DataplaneView: rebuilds the dataplane's state from calc messages and checks
// the flush contract of messages.h (see dataplane_view.h).
#include "calc/dataplane_view.h"

#include <algorithm>
#include <type_traits>

#include <gtest/gtest.h>

#include "base/overloaded.h"
#include "base/strings.h"

namespace felix::calc::testing {
namespace {

std::string CidrList(const std::vector<model::Cidr>& v) {
  std::vector<std::string> parts;
  parts.reserve(v.size());
  for (const auto& c : v) parts.push_back(c.ToString());
  return "[" + Join(parts, ", ") + "]";
}

std::string TiersText(const std::vector<TierInfo>& tiers) {
  std::vector<std::string> parts;
  parts.reserve(tiers.size());
  for (const auto& t : tiers) parts.push_back(t.name + ":[" + Join(t.policies, ", ") + "]");
  return "[" + Join(parts, " ") + "]";
}

}  // namespace

std::string DescribePolicy(const EndpointPolicy& p) {
  return "tiers=" + TiersText(p.tiers) + " untracked=" + TiersText(p.untracked_tiers) +
         (p.pre_dnat_tiers.empty() ? "" : " pre-dnat=" + TiersText(p.pre_dnat_tiers)) +
         " profiles=[" + Join(p.profile_ids, ", ") + "]";
}

namespace {

std::string WorkloadIdString(const WorkloadEndpointId& id) {
  return id.orchestrator + "/" + id.workload + "/" + id.endpoint;
}

bool SortedUnique(const std::vector<model::Cidr>& v) {
  return std::adjacent_find(v.begin(), v.end(),
                            [](const auto& a, const auto& b) { return !(a < b); }) == v.end();
}

// Phase of a message in the flush order of messages.h, and the object it
// concerns.
struct Slot {
  int phase;
  std::string object;
};

Slot SlotOf(const Message& m) {
  return std::visit(Overloaded{
                        [](const IpSetUpdate& u) {
                          return Slot{0, "ipset " + u.id};
                        },
                        [](const IpSetDeltaUpdate& u) {
                          return Slot{0, "ipset " + u.id};
                        },
                        [](const ActivePolicyUpdate& u) {
                          return Slot{1, "policy " + PolicyIdString(u.id)};
                        },
                        [](const ActiveProfileUpdate& u) {
                          return Slot{2, "profile " + u.id};
                        },
                        [](const HostEndpointUpdate& u) {
                          return Slot{3, "hep " + u.id.endpoint};
                        },
                        [](const WorkloadEndpointUpdate& u) {
                          return Slot{3, "wep " + WorkloadIdString(u.id)};
                        },
                        [](const HostEndpointRemove& u) {
                          return Slot{4, "hep " + u.id.endpoint};
                        },
                        [](const WorkloadEndpointRemove& u) {
                          return Slot{4, "wep " + WorkloadIdString(u.id)};
                        },
                        [](const ActiveProfileRemove& u) {
                          return Slot{5, "profile " + u.id};
                        },
                        [](const ActivePolicyRemove& u) {
                          return Slot{6, "policy " + PolicyIdString(u.id)};
                        },
                        [](const IpSetRemove& u) {
                          return Slot{7, "ipset " + u.id};
                        },
                        [](const ConfigUpdate&) {
                          return Slot{8, "config"};
                        },
                        [](const InSync&) {
                          return Slot{8, "in-sync"};
                        },
                    },
                    m);
}

void CollectIds(const std::vector<Rule>& rules, std::set<std::string>& out) {
  for (const auto& r : rules) {
    for (const RuleMatch* m : {&r.match, &r.not_match}) {
      out.insert(m->src_ip_set_ids.begin(), m->src_ip_set_ids.end());
      out.insert(m->dst_ip_set_ids.begin(), m->dst_ip_set_ids.end());
    }
  }
}

}  // namespace

std::string PolicyIdString(const PolicyId& id) { return id.tier + "/" + id.name; }

std::string Describe(const Message& m) {
  return std::visit(
      Overloaded{
          [](const IpSetUpdate& u) { return "IpSetUpdate " + u.id + " " + CidrList(u.members); },
          [](const IpSetDeltaUpdate& u) {
            return "IpSetDeltaUpdate " + u.id + " +" + CidrList(u.added) + " -" +
                   CidrList(u.removed);
          },
          [](const IpSetRemove& u) { return "IpSetRemove " + u.id; },
          [](const ActivePolicyUpdate& u) {
            return "ActivePolicyUpdate " + PolicyIdString(u.id) +
                   (u.untracked ? " untracked" : "") + (u.pre_dnat ? " pre-dnat" : "") +
                   (u.apply_on_forward ? std::string(" apply-on-forward=") +
                                             (*u.apply_on_forward ? "true" : "false")
                                       : "") +
                   " in=" + std::to_string(u.inbound.size()) +
                   " out=" + std::to_string(u.outbound.size());
          },
          [](const ActivePolicyRemove& u) { return "ActivePolicyRemove " + PolicyIdString(u.id); },
          [](const ActiveProfileUpdate& u) {
            return "ActiveProfileUpdate " + u.id + " in=" + std::to_string(u.inbound.size()) +
                   " out=" + std::to_string(u.outbound.size());
          },
          [](const ActiveProfileRemove& u) { return "ActiveProfileRemove " + u.id; },
          [](const HostEndpointUpdate& u) {
            return "HostEndpointUpdate " + u.id.endpoint + " " + DescribePolicy(u.policy);
          },
          [](const HostEndpointRemove& u) { return "HostEndpointRemove " + u.id.endpoint; },
          [](const WorkloadEndpointUpdate& u) {
            return "WorkloadEndpointUpdate " + WorkloadIdString(u.id) +
                   (u.active ? " active " : " inactive ") + DescribePolicy(u.policy);
          },
          [](const WorkloadEndpointRemove& u) {
            return "WorkloadEndpointRemove " + WorkloadIdString(u.id);
          },
          [](const ConfigUpdate&) { return std::string("ConfigUpdate"); },
          [](const InSync&) { return std::string("InSync"); },
      },
      m);
}

void DataplaneView::Violation(std::string text) {
  violations_.push_back("flush " + std::to_string(flush_count_) + ": " + std::move(text));
}

void DataplaneView::BeginFlush() {
  if (in_flush_) EndFlush();
  in_flush_ = true;
  phase_ = 0;
  touched_.clear();
  last_flush_.clear();
  ++flush_count_;
}

void DataplaneView::EndFlush() {
  if (!in_flush_) return;
  in_flush_ = false;
  CheckIntegrity();
}

void PutValue(CalcGraph& graph, const std::string& key, const std::string& raw,
              const std::string& hostname) {
  const auto k = model::ParseKey(key);
  ASSERT_TRUE(k) << key;
  const model::Decoded d =
      model::DecodeValue(*k, raw, model::ValidationContext{hostname, {"cali"}});
  ASSERT_TRUE(d.value) << raw;
  graph.OnUpdate(*k, d.value);
}

void DataplaneView::Flush(CalcGraph& graph) {
  BeginFlush();
  graph.Flush(*this);
  EndFlush();
}

void DataplaneView::OnMessage(const Message& m) {
  if (!in_flush_) BeginFlush();
  ++message_count_;
  last_flush_.push_back(Describe(m));
  Slot slot = SlotOf(m);
  if (slot.phase < phase_) {
    Violation("out of order: " + Describe(m) + " after a message of phase " +
              std::to_string(phase_));
  }
  phase_ = std::max(phase_, slot.phase);
  if (!touched_.insert(slot.object).second) {
    Violation("second message for " + slot.object + " in one flush: " + Describe(m));
  }
  Apply(m);
}

void DataplaneView::Apply(const Message& m) {
  std::visit(
      Overloaded{
          [&](const IpSetUpdate& u) {
            if (!SortedUnique(u.members)) Violation("members not sorted/unique: " + Describe(m));
            if (ip_sets_.contains(u.id)) {
              Violation("IpSetUpdate for an existing set without a remove: " + u.id);
            }
            ip_sets_[u.id] = std::set<model::Cidr>(u.members.begin(), u.members.end());
          },
          [&](const IpSetDeltaUpdate& u) {
            if (!SortedUnique(u.added) || !SortedUnique(u.removed)) {
              Violation("delta not sorted/unique: " + Describe(m));
            }
            auto it = ip_sets_.find(u.id);
            if (it == ip_sets_.end()) {
              Violation("delta for an unknown set: " + Describe(m));
              return;
            }
            for (const auto& c : u.removed) {
              if (it->second.erase(c) == 0) {
                Violation("delta removes absent member " + c.ToString() + " of " + u.id);
              }
            }
            for (const auto& c : u.added) {
              if (!it->second.insert(c).second) {
                Violation("delta adds present member " + c.ToString() + " to " + u.id);
              }
            }
          },
          [&](const IpSetRemove& u) {
            if (ip_sets_.erase(u.id) == 0) Violation("remove of an unknown set " + u.id);
          },
          [&](const ActivePolicyUpdate& u) { policies_[u.id] = u; },
          [&](const ActivePolicyRemove& u) {
            if (policies_.erase(u.id) == 0)
              Violation("remove of an inactive policy: " + Describe(m));
          },
          [&](const ActiveProfileUpdate& u) { profiles_[u.id] = u; },
          [&](const ActiveProfileRemove& u) {
            if (profiles_.erase(u.id) == 0) Violation("remove of an inactive profile " + u.id);
          },
          [&](const HostEndpointUpdate& u) { host_endpoints_[u.id] = u; },
          [&](const HostEndpointRemove& u) {
            if (host_endpoints_.erase(u.id) == 0) Violation("remove of an unknown " + Describe(m));
          },
          [&](const WorkloadEndpointUpdate& u) {
            if (!u.policy.untracked_tiers.empty() || !u.policy.pre_dnat_tiers.empty()) {
              Violation("workload endpoint with untracked or pre-DNAT tiers: " + Describe(m));
            }
            workload_endpoints_[u.id] = u;
          },
          [&](const WorkloadEndpointRemove& u) {
            if (workload_endpoints_.erase(u.id) == 0) {
              Violation("remove of an unknown " + Describe(m));
            }
          },
          [&](const ConfigUpdate& u) { config_ = u.config; },
          [&](const InSync&) {
            if (in_sync_) Violation("second InSync");
            in_sync_ = true;
          },
      },
      m);
}

void DataplaneView::CheckIntegrity() {
  // IP sets named by active rules exist; every IP set is named.
  std::set<std::string> referenced;
  for (const auto& [id, p] : policies_) {
    CollectIds(p.inbound, referenced);
    CollectIds(p.outbound, referenced);
  }
  for (const auto& [id, p] : profiles_) {
    CollectIds(p.inbound, referenced);
    CollectIds(p.outbound, referenced);
  }
  for (const auto& id : referenced) {
    if (!ip_sets_.contains(id)) Violation("active rule names missing IP set " + id);
  }
  for (const auto& [id, members] : ip_sets_) {
    if (!referenced.contains(id)) Violation("IP set " + id + " is named by no active rule");
  }

  // Endpoints name only active policies, of the right kind; every active
  // policy and profile is used.
  std::set<PolicyId> used_policies;
  std::set<std::string> used_profiles;
  auto check_endpoint = [&](const std::string& what, const EndpointPolicy& ep) {
    // 0 tracked, 1 untracked, 2 pre-DNAT.
    const std::vector<TierInfo>* lists[] = {&ep.tiers, &ep.untracked_tiers, &ep.pre_dnat_tiers};
    const char* kinds[] = {"tracked", "untracked", "pre-DNAT"};
    for (int kind = 0; kind < 3; ++kind) {
      for (const auto& tier : *lists[kind]) {
        if (tier.policies.empty()) Violation(what + " has empty tier " + tier.name);
        for (const auto& name : tier.policies) {
          PolicyId id{tier.name, name};
          used_policies.insert(id);
          auto it = policies_.find(id);
          if (it == policies_.end()) {
            Violation(what + " names inactive policy " + PolicyIdString(id));
            continue;
          }
          const int actual = it->second.untracked ? 1 : it->second.pre_dnat ? 2 : 0;
          if (actual != kind) {
            Violation(what + " lists policy " + PolicyIdString(id) + " as " + kinds[kind] +
                      " but it is " + kinds[actual]);
          }
        }
      }
    }
    used_profiles.insert(ep.profile_ids.begin(), ep.profile_ids.end());
  };
  for (const auto& [id, ep] : host_endpoints_) check_endpoint("hep " + id.endpoint, ep.policy);
  for (const auto& [id, ep] : workload_endpoints_) {
    check_endpoint("wep " + WorkloadIdString(id), ep.policy);
  }
  for (const auto& [id, p] : policies_) {
    if (!used_policies.contains(id)) {
      Violation("active policy " + PolicyIdString(id) + " is used by no endpoint");
    }
  }
  for (const auto& [id, p] : profiles_) {
    if (!used_profiles.contains(id)) {
      Violation("active profile " + id + " is listed by no endpoint");
    }
  }
}

std::set<std::string> DataplaneView::MembersAsText(const std::string& ip_set_id) const {
  std::set<std::string> out;
  auto it = ip_sets_.find(ip_set_id);
  if (it == ip_sets_.end()) return out;
  for (const auto& c : it->second) out.insert(c.ToString());
  return out;
}

}  // namespace felix::calc::testing
