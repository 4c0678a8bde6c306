// The renderer's pieces (private to the layer), shared by the full Render
// (render.cc) and the IncrementalRenderer (incremental.cc): each renders one
// independent part of the table, so the incremental path re-renders exactly
// the parts a message touched and the full path is their composition.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "rules/policy_lists.h"
#include "rules/rules.h"

namespace felix::rules {

// The host endpoint an interface dispatches to, per family.
struct HostBinding {
  std::optional<calc::HostEndpointId> v4, v6;
};
// Interface -> its host endpoints: by name for both families, else by the
// resolution per family; a name wins over IP resolution, among equals the
// smallest endpoint id; workload interfaces never bind.
std::map<std::string, HostBinding> BindHostInterfaces(const DesiredState& s,
                                                      const InterfaceResolution& r);

// Host endpoints named by an interface template ("*" or "eth*"), with the
// prefix the name matches ("" for "*"), in dispatch order: longest prefix
// first, then id order; only the first "*" (by id); templates whose prefix
// has a workload prefix are left out (they could match nothing).
struct HostTemplate {
  std::string prefix;
  calc::HostEndpointId id;
};
std::vector<HostTemplate> HostTemplates(const DesiredState& s);
// The template endpoint interface `iface` falls to when no endpoint is bound
// to it: the first template it matches (never a workload interface), else,
// when `star`, the "*" endpoint (for a workload interface only when
// `star_takes_workloads(id)`): what TemplateDispatchRules dispatch.
std::optional<calc::HostEndpointId> TemplateEndpointOf(
    const DesiredState& s, const std::string& iface, bool star,
    const std::function<bool(const calc::HostEndpointId&)>& star_takes_workloads);
// The template rules of one dispatch chain, after its verdict map: each
// template's interfaces (`field`: iifname/oifname) `goto` its chain in
// `targets`, or `return` when it has none there; then, when `star`, the
// "*" endpoint's catch-all, which leaves out workload interfaces unless
// `star_takes_workloads(id)`.
std::vector<std::string> TemplateDispatchRules(
    const DesiredState& s, const std::vector<HostTemplate>& templates, const char* field,
    const std::map<calc::HostEndpointId, std::string>& targets, bool star,
    const std::function<bool(const calc::HostEndpointId&)>& star_takes_workloads);

// Base chains (but cali-pre-dnat, AddHostSection's), the workload dispatch
// chains, the (empty) verdict maps and the failsafe chains: everything that
// depends only on the config.
void AddBaseChains(Table& t, const calc::DataplaneConfig& c);

// One family's nft set (4 or 6) for an IP set's members: a plain set when
// every member of that family is a single address, else an interval set.
Set IpSetFor(const std::set<model::Cidr>& members, int family);

// A policy's or profile's chain for one direction's rules (`log_prefix`:
// LogPrefix, for log rules without their own); each rule counted, with the
// comment "policy TIER/NAME inbound rule N" / "profile ID outbound rule N"
// (N from 1, as `felixctl trace` numbers them).
Chain PolicyChain(const calc::PolicyId& id, const std::vector<calc::Rule>& rules, bool inbound,
                  const std::string& log_prefix);
Chain ProfileChain(const std::string& id, const std::vector<calc::Rule>& rules, bool inbound,
                   const std::string& log_prefix);

// The fw/tw chains of workload endpoint `ep` (the one owning its interface),
// the policy lists they use (`lists`) and its entries in cali-fw-map /
// cali-tw-map (which must exist).
void AddWorkloadIface(Table& t, const DesiredState& s, const calc::WorkloadEndpointUpdate& ep,
                      PolicyLists& lists);

// True when host endpoint chain `name` of `id` is already in the table as it
// should be (it is then neither rendered nor touched).
using ReusedChain = std::function<bool(const calc::HostEndpointId& id, const std::string& name)>;

// The host endpoint section: the chains of every host endpoint bound to an
// interface or named by a template (fh/th, fhf/thf, fhp, fhr/thr) with the
// policy lists they use, the per-interface family split chains, the entries
// of the host maps (which must exist and be empty), the host dispatch
// chains (verdict map, then template rules) and cali-pre-dnat. `reused` may
// be empty. Returns the names of the chains it placed.
std::set<std::string> AddHostSection(Table& t, const DesiredState& s, const InterfaceResolution& r,
                                     PolicyLists& lists, const ReusedChain& reused);

// Render with the given list bookkeeping (left describing the table), also
// returning the names of the host section's chains.
Table RenderTable(const DesiredState& s, const InterfaceResolution& r, PolicyLists& lists,
                  std::set<std::string>* host_chains);

}  // namespace felix::rules
