// The felixctl subcommands. Each has a small options struct and a Run
// function over streams, so that the command table (felixctl.cc) only wires
// CLI11 flags to these.
#pragma once

#include <iosfwd>
#include <string>

namespace felix::cli {

// Exit codes shared by every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitInvalid = 1;  // validate: the object is invalid
inline constexpr int kExitUsage = 2;    // bad arguments or unreadable input

// felixctl selector eval --labels '<json object>' '<selector>'
//   prints "true" or "false"; a bad selector prints the parse error on err.
int SelectorEval(const std::string& labels_json, const std::string& selector, std::ostream& out,
                 std::ostream& err);

// felixctl selector eval --batch: JSON lines {"selector": "...", "labels": {...}} on `in`,
// one output line per input line: "true", "false" or "error: <message>".
int SelectorEvalBatch(std::istream& in, std::ostream& out);

struct ValidateOptions {
  std::string key;           // --key: an etcd key; kind and ids come from it
  std::string kind;          // --kind: host-endpoint, workload-endpoint, ..., rule
  std::string id;            // --id: the object's id as in its key
  std::string hostname;      // --hostname: this agent's hostname ("" = the object's host)
  std::string iface_prefix;  // --iface-prefix: comma-separated InterfacePrefix list
  int ip_version = 4;        // --ip-version: for IPAM pools
  std::string value;         // the raw value
};

// felixctl validate: prints "valid" and the canonical JSON (exit 0) or the
// issues, one per line (exit 1).
int Validate(const ValidateOptions& opts, std::ostream& out, std::ostream& err);

}  // namespace felix::cli
