// IncrementalRenderer (pure): keeps the DesiredState and its rendered Table
// up to date message by message, re-rendering only the parts a message
// touched, and reports which keys of the Table changed (a TableDelta) so the
// driver diffs only those. Render(state, resolution) stays the reference:
// after Flush(), table() equals it (the property test in
// incremental_test.cc checks this over random message sequences).
//
// What each message touches (re-rendered at the next Flush):
//   IpSetUpdate / IpSetRemove  -> the set's two nft sets, whole
//   IpSetDeltaUpdate           -> element keys of the set's plain nft sets
//                                 (whole set when it is, or becomes, an
//                                 interval set)
//   ActivePolicy/Profile*      -> its two chains; when it appears or goes,
//                                 also the endpoints that reference it
//   WorkloadEndpoint*          -> the chains and map entries of its old and
//                                 new interface
//   (endpoint chains)          -> the shared policy lists they start or stop
//                                 using (policy_lists.h)
//   HostEndpoint*, resolution  -> the host section (bindings, split chains,
//                                 host maps); chains of untouched host
//                                 endpoints are reused
//   ConfigUpdate               -> everything (full render)
#pragma once

#include <map>
#include <set>
#include <string>

#include "rules/policy_lists.h"
#include "rules/rules.h"

namespace felix::rules {

class IncrementalRenderer {
 public:
  // Folds `m` into state() and records what it touched. No rendering.
  void Apply(const calc::Message& m);
  // New interface resolution; the host section is re-rendered if it differs.
  void SetResolution(InterfaceResolution r);

  const DesiredState& state() const { return state_; }
  const InterfaceResolution& resolution() const { return resolution_; }

  // Re-renders what changed since the last Flush into table() and returns the
  // keys changed since the last ClearDelta() (`all` on the first Flush and
  // after a config change).
  const TableDelta& Flush();
  // Valid after Flush(): equal to Render(state(), resolution()).
  const Table& table() const { return table_; }
  // Forgets the accumulated delta (the driver calls it once the change is
  // programmed).
  void ClearDelta() { delta_ = TableDelta{}; }

 private:
  void RenderAll();
  void FlushIpSets();
  void FlushRuleChains();
  void FlushWorkloads();
  void FlushHostSection();
  void MarkDependents();

  DesiredState state_;
  InterfaceResolution resolution_;
  Table table_;
  TableDelta delta_;
  bool full_ = true;                   // next Flush renders everything
  std::set<std::string> host_chains_;  // host section chains in table_
  PolicyLists lists_;                  // the list chains table_'s endpoint chains use
  // Touched since the last Flush.
  std::set<std::string> sets_whole_;
  std::map<std::string, std::set<model::Cidr>> set_members_;
  std::set<calc::PolicyId> policies_, policy_presence_;
  std::set<std::string> profiles_, profile_presence_;
  std::set<std::string> wl_ifaces_;
  std::set<calc::HostEndpointId> host_eps_;
  bool host_section_ = false;
};

}  // namespace felix::rules
