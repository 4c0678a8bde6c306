// Public header of the rules layer (pure, no I/O): the dataplane's desired
// state accumulated from the calc graph's messages, and the renderer that
// turns it into the nft IR of our one table `inet calico` (ir.h).
//
// Contract with src/dataplane: the driver feeds every calc::Message and the
// InterfaceResolution from its interface monitor to an IncrementalRenderer
// (incremental.h), which keeps the DesiredState (ApplyMessage) and the
// rendered Table up to date part by part and names the keys that changed;
// the driver diffs only those against what it programmed. Render (the whole
// table at once) is the reference the incremental path must equal. Render is
// deterministic: the same state and resolution give an equal Table (names
// included).
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "calc/messages.h"
#include "model/net.h"
#include "rules/ir.h"

namespace felix::rules {

// The dataplane's desired state, accumulated from calc messages (pure).
// Plain values; no invariants beyond what the calc layer's order contract
// gives (a delta for an unknown set creates it; removes of unknown objects
// are ignored).
struct DesiredState {
  std::map<std::string, std::set<model::Cidr>> ip_sets;  // id -> members (v4 and v6)
  std::map<calc::PolicyId, calc::ActivePolicyUpdate> policies;
  std::map<std::string, calc::ActiveProfileUpdate> profiles;
  std::map<calc::HostEndpointId, calc::HostEndpointUpdate> host_endpoints;
  std::map<calc::WorkloadEndpointId, calc::WorkloadEndpointUpdate> workload_endpoints;
  calc::DataplaneConfig config;
  bool in_sync = false;
  friend bool operator==(const DesiredState&, const DesiredState&) = default;
};

// Folds one message into the state.
void ApplyMessage(DesiredState& s, const calc::Message& m);

// Interfaces that host endpoints given only by expected IPs resolve to (spec
// §18.6), computed by the driver's interface monitor: host endpoint id -> per
// family the interface names. Endpoints with a `name` ignore this (they are
// dispatched by name). An endpoint absent from a map has no interface for
// that family.
struct InterfaceResolution {
  std::map<calc::HostEndpointId, std::vector<std::string>> v4_ifaces, v6_ifaces;
  friend bool operator==(const InterfaceResolution&, const InterfaceResolution&) = default;
};

// The whole table inet calico for a state (deterministic). See render.cc's
// header comment for the chain layout.
Table Render(const DesiredState& s, const InterfaceResolution& r);

// False when policy `id` is active in `s` and its types leave out the
// direction; a policy that is not active counts as governing (its tier stays).
bool PolicyGoverns(const DesiredState& s, const calc::PolicyId& id, bool inbound);

// Whether `iface` starts with one of the InterfacePrefix values (a workload
// interface, never a host endpoint's).
bool HasWorkloadPrefix(const calc::DataplaneConfig& c, const std::string& iface);

// Forwarded traffic through host endpoints (Calico's apply-on-forward): a
// policy covers it when active with `apply_on_forward: true`.
bool AppliesOnForward(const DesiredState& s, const calc::PolicyId& id);
// Whether some policy of `p`'s normal tiers covers forwarded traffic and
// governs the direction (else that direction of forwarding is allowed).
bool HasForwardPolicy(const DesiredState& s, const calc::EndpointPolicy& p, bool inbound);
// True while no active policy of `p`'s normal tiers says `apply_on_forward`
// (true or false): the endpoint then keeps the v1 forward behaviour, where
// its normal chains (tiers, profiles, final drop) police host-to-host
// forwarding and traffic to or from workloads is not policed by it.
bool ForwardsLegacy(const DesiredState& s, const calc::EndpointPolicy& p);

// The chains of the policies (tracked and untracked) and profiles `p`
// names, both directions: where an endpoint's rules from the datastore live.
std::vector<std::string> PolicyChainsOf(const calc::EndpointPolicy& p);

// --- Naming (stable across restarts; everything in the table is ours). ---
// Every chain and set name starts with "cali"; long or unsafe ids are hashed
// (16 hex digits of FNV-1a 64).
// The nft set holding the members of IP set `id` for a family (4 or 6):
// "cali4-<hash>" / "cali6-<hash>".
std::string IpSetName(const std::string& ip_set_id, int family);
// A CIDR as an nft set element / match operand, host bits cleared:
// "10.0.0.0/8", "10.0.0.1" for a /32, "fd00::1" for a /128.
std::string NftCidr(const model::Cidr& c);

}  // namespace felix::rules
