// Value parsers for configuration parameters (private to the config layer).
// Each takes the trimmed raw text and returns the typed value or an
// InvalidArgument status whose message is the bare reason (e.g.
// "not an integer"); the resolver adds the parameter, value and source.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "config/config.h"

namespace felix::config {

// Python int(s, 0): decimal, 0x/0o/0b, legacy leading-0 octal, sign.
Result<int64_t> ParseInt(std::string_view s);
// true/1/yes/y/t and false/0/no/n/f, case-insensitively.
Result<bool> ParseBool(std::string_view s);
// A TCP/UDP port number, 1-65535.
Result<int> ParsePort(std::string_view s);
// `none` (any case) gives nullopt; anything else is returned as is.
std::optional<std::string> NoneOr(std::string_view s);

// Comma-separated interface name prefixes; items trimmed, empty items
// skipped; each 1-15 chars of [A-Za-z0-9_.-]; at least one.
Result<std::vector<std::string>> ParseInterfacePrefixes(std::string_view s);
// DROP/RETURN/ACCEPT, case-insensitively.
Result<EndpointToHostAction> ParseEndpointToHostAction(std::string_view s);
// DROP/ACCEPT/LOG-and-DROP/LOG-and-ACCEPT, case-insensitively; nullopt if
// unknown (the caller falls back to DROP with a warning, as [PY]).
std::optional<DropActionOverride> ParseDropActionOverride(std::string_view s);

// `host:port` with exactly one colon, a non-blank host and a port 1-65535
// ([PY]; host names are not resolved here).
Status ValidateHostPort(std::string_view s);
// `scheme://host:port[,...]`, items trimmed, one scheme for all, http or
// https. "" gives an empty list.
Result<std::vector<std::string>> ParseEtcdEndpoints(std::string_view s);
// An IPv4 address in dotted-quad form.
bool IsIpv4Address(std::string_view s);

// Failsafe port lists. Items are comma-separated, trimmed, empty ones
// skipped; "" or `none` (any case) gives an empty list (failsafe disabled).
// An item is `PORT`, `PROTO:PORT` or `PROTO:NET:PORT`: PROTO is tcp or udp
// (any case; default tcp), PORT decimal 1-65535 ([PY] range: port 0 means
// nothing as a destination), NET an IPv4 or IPv6 address or CIDR, optionally
// in brackets. The item is split at its first and last colon, so both
// `tcp:fd00::/8:22` and `tcp:[fd00::/8]:22` work. NET is stored canonical
// (host bits cleared; a bare address becomes /32 or /128).
Result<std::vector<FailsafePort>> ParseFailsafePorts(std::string_view s);

// Canonical CIDR text for an address or CIDR of either family; nullopt if
// malformed.
std::optional<std::string> CanonicalCidr(std::string_view s);

}  // namespace felix::config
