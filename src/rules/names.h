// Naming and small text helpers shared by the renderer's files (private to
// the layer). Every chain, set and map in `inet calico` is ours; names are
// deterministic functions of ids so a restarted agent renders the same names.
//
//   chains: cali-input, cali-output, cali-forward (filter, priority 0),
//           cali-raw-prerouting, cali-raw-output (raw, priority -300);
//           dispatch cali-from-wl, cali-to-wl, cali-from-host, cali-to-host,
//           cali-from-host-raw, cali-to-host-raw, cali-from-host-fwd(-wl),
//           cali-to-host-fwd(-wl), cali-wl-to-host; cali-pre-dnat;
//           failsafe cali-failsafe-in/-out (+ -raw);
//           workload endpoint cali-fw-<iface>, cali-tw-<iface>;
//           host endpoint cali-fh-<id>, cali-th-<id> (raw: cali-fhr-, cali-thr-;
//           pre-DNAT: cali-fhp-; forward: cali-fhf-, cali-thf-) and
//           per-interface family splits cali-fhs-<iface>, cali-ths-<iface>
//           (raw: cali-fhrs-, cali-thrs-; pre-DNAT: cali-fhps-; forward:
//           cali-fhfs-, cali-thfs-, cali-fhws-, cali-thws-);
//           policy cali-pi-<tier>/<name>, cali-po-…; profile cali-pri-<id>,
//           cali-pro-<id>; shared policy lists cali-pl-<content hash>
//           (policy_lists.h).
//   maps:   cali-fw-map, cali-tw-map, cali-fh-map, cali-th-map, cali-fhr-map,
//           cali-thr-map, cali-fhp-map, cali-fhf-map, cali-thf-map,
//           cali-fhw-map, cali-thw-map (ifname : verdict).
//   sets:   cali4-<ipset id>, cali6-<ipset id>.
// An id is used as is when it is 1-40 characters of [A-Za-z0-9_.-] (and '/'
// for the policy's tier/name joiner) not starting with '_'; otherwise it
// becomes '_' + 16 hex digits of FNV-1a 64 of the id.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "calc/messages.h"

namespace felix::rules {

// FNV-1a 64 of `s`, continuing from `h` (names' hashes).
inline constexpr uint64_t kFnvOffset = 1469598103934665603ULL;
uint64_t Fnv1a64(std::string_view s, uint64_t h = kFnvOffset);

// The id part of a name (see above).
std::string NamePart(std::string_view id);

std::string PolicyChainName(const calc::PolicyId& id, bool inbound);
std::string ProfileChainName(const std::string& id, bool inbound);
// kind: "fw", "tw" (workload, by interface).
std::string WorkloadChainName(std::string_view kind, const std::string& iface);
// kind: "fh", "th", "fhr", "thr", "fhp", "fhf", "thf" (host endpoint, by
// endpoint id).
std::string HostChainName(std::string_view kind, const calc::HostEndpointId& id);
// kind: "fhs", "ths", "fhrs", "thrs", "fhps", "fhfs", "thfs", "fhws",
// "thws" (per-interface family split).
std::string SplitChainName(std::string_view kind, const std::string& iface);

// An interface name as an nft string literal: "eth0"; `wildcard` appends '*'.
std::string QuoteIface(std::string_view iface, bool wildcard = false);

}  // namespace felix::rules
