// `felixctl trace` and `felixctl explain` in the rules layer (pure): what our
// table does with the first packet of a new connection, computed from the
// same DesiredState and InterfaceResolution the renderer turns into nft, by
// walking the chain layout of render.cc step by step. The differential test
// holds every verdict against what a real kernel does with the rendered
// table.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "rules/packet_match.h"
#include "rules/rules.h"

namespace felix::rules {

// Which hook sees the packet: arriving on `in_iface` for this host (input),
// leaving through `out_iface` from this host (output), or both (forwarded).
struct TraceQuery {
  std::string in_iface;   // "" = locally originated
  std::string out_iface;  // "" = locally terminated
  Packet packet;
};

struct TraceResult {
  bool allowed = false;
  // What decided it, in evaluation order: the interface's endpoint, each
  // rule or check that matched, and the verdict's cause last.
  std::vector<std::string> steps;
};

TraceResult Trace(const DesiredState& s, const InterfaceResolution& r, const TraceQuery& q);

// Names an IP set in rule text; the default prints its id.
using SetLabel = std::function<std::string(const std::string& ip_set_id)>;

// One rule in one line, e.g.
// `allow ipv4 proto tcp src 10.0.0.0/8 dst-ports 22,80:90 !src-set(s:ab)`.
std::string DescribeRule(const calc::Rule& r, const SetLabel& label = {});

// The host endpoint that interface `iface` dispatches packets of `family`
// to, as the renderer binds them; nullopt when none.
std::optional<calc::HostEndpointId> HostEndpointOfInterface(const DesiredState& s,
                                                            const InterfaceResolution& r,
                                                            const std::string& iface, int family);

// How interface `iface` is policed for packets of `family`, one line: the
// host endpoint (and how it bound), the workload endpoint, or why neither.
std::string DescribeInterface(const DesiredState& s, const InterfaceResolution& r,
                              const std::string& iface, int family);

}  // namespace felix::rules
