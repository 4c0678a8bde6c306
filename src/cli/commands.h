// The felixctl subcommands. Each has a small options struct and a Run
// function over streams, so that the command table (felixctl.cc) only wires
// CLI11 flags to these.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace felix::datastore {
class EtcdClient;
}

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

// ------------------------------------------------ commands against etcd
// Each writes its results on `out` and its errors on `err` as
// "felixctl: <message>"; an etcd error exits kExitUsage.

struct InitOptions {
  std::string management_cidr;  // --management-cidr: "" = no failsafe policy
  std::string etcd_endpoint;    // --etcd-endpoint IP[:PORT,PORT...]: "" = any destination
};

// The failsafe policy's key, as in the guide.
inline constexpr char kFailsafePolicyKey[] = "/calico/v1/policy/tier/default/policy/failsafe";

// Pure: the guide's failsafe policy, validated as the agent would:
//   {"selector":"all()","order":0,
//    "inbound_rules":[{"protocol":"tcp","src_net":"<cidr>","dst_ports":[22],"action":"allow"},
//                     {"protocol":"icmp","action":"allow"}],
//    "outbound_rules":[{"protocol":"tcp","dst_net":"<etcd
//    ip>/32","dst_ports":[2379,2380,4001,7001],
//                       "action":"allow"},
//                      {"protocol":"udp","dst_ports":[67],"action":"allow"}]}
// (compact, no spaces; "dst_net" only with an etcd endpoint, /128 for IPv6).
// Errors: `invalid --etcd-endpoint '<text>': ...`, `invalid failsafe policy: <issues>`.
Result<std::string> FailsafePolicyValue(std::string_view management_cidr,
                                        std::string_view etcd_endpoint);

// felixctl init: writes the failsafe policy (with --management-cidr), then
// /calico/v1/Ready = true, printing "set <key> <value>" for each.
int Init(const InitOptions& opts, datastore::EtcdClient& etcd, std::ostream& out,
         std::ostream& err);

// The lockout guard of apply and rm (lockout_guard.h): before writing, the
// verdicts of the connections an operator cannot afford to lose, before and
// after the change; a change that cuts one is refused unless `force`.
struct GuardOptions {
  bool enabled = false;
  bool force = false;                // --force
  std::vector<std::string> protect;  // --protect SRC:PORT (tcp to PORT on policed interfaces)
  std::string ssh_connection;        // the caller's SSH_CONNECTION
  std::vector<std::string> etcd_endpoints;  // the agents' etcd URLs
  std::string local_host;                   // this machine's hostname
  std::string config_file;                  // the agents' config file, if here
  bool read_local_interfaces = true;        // this machine's interfaces via netlink
};

struct ApplyOptions {
  std::string file;                                     // -f: a path or "-" for `in`
  std::vector<std::string> interface_prefixes{"cali"};  // InterfacePrefix for validation
  GuardOptions guard;
};

// felixctl apply: parses every document (see documents.h) and validates each
// as the agent would (every host counts as local). If any is invalid, prints
// "felixctl: <key>: <issue>" per issue and "felixctl: N of M documents
// invalid; nothing written" and exits kExitInvalid without writing; otherwise
// writes them in order, printing "set <key>" for each. With the guard on, a
// change the guard refuses is not written (kExitInvalid).
int Apply(const ApplyOptions& opts, std::istream& in, datastore::EtcdClient& etcd,
          std::ostream& out, std::ostream& err);

// felixctl get KEY: prints the raw value and a newline; a missing key is
// "felixctl: <key> not found" (kExitUsage).
int Get(const std::string& key, datastore::EtcdClient& etcd, std::ostream& out, std::ostream& err);

struct LsOptions {
  std::string prefix = "/calico/v1";
  bool long_format = false;  // -l: "<key> <value>" per line
};

// felixctl ls [PREFIX]: every leaf key at or below PREFIX, sorted, one per line.
int Ls(const LsOptions& opts, datastore::EtcdClient& etcd, std::ostream& out, std::ostream& err);

// felixctl status: one line per host that reports its status in etcd
// (HOST, LAST REPORT, AGE at `now`, UPTIME, STATE); exits kExitInvalid when
// some host's report has expired.
int HostsStatus(datastore::EtcdClient& etcd, std::chrono::system_clock::time_point now,
                std::ostream& out, std::ostream& err);

// ------------------------------------------------ explain and trace
// Both read everything under /calico/v1 and compute what HOST's agent would
// program with the agent's own code (daemon/host_model.h).

struct HostQuery {
  std::string host;                                   // --host: FelixHostname
  std::string config_file = "/etc/calico/felix.cfg";  // that host's config file, if here
  // Resolve host endpoints given by expected IPs with this machine's
  // interfaces: --local, or HOST is this machine's hostname.
  bool local = false;
};

struct TraceOptions {
  HostQuery q;
  std::string iface, direction = "in", out_iface;
  std::string proto, src, dst;
  int sport = 0, dport = 0, icmp_type = -1, icmp_code = -1;
};

// felixctl trace: the first line is exactly "allow" or "deny", then one
// line per step that decided it (rules/trace.h). Exit 0; bad arguments or
// an etcd error exit kExitUsage.
int Trace(const TraceOptions& opts, datastore::EtcdClient& etcd, std::ostream& out,
          std::ostream& err);

struct ExplainOptions {
  HostQuery q;
  std::string endpoint;         // --endpoint: host endpoint id, or ORCH/WORKLOAD/ENDPOINT
  std::string iface;            // --iface
  std::string output = "text";  // -o text|json
};

// felixctl explain: how the endpoint binds, the failsafe entries, then per
// direction the untracked tiers, the tiers, policies and rules, and the
// profiles that apply, each rule in one line, and what every IP set stands
// for with its size. Exit 0; an unknown endpoint kExitInvalid.
int Explain(const ExplainOptions& opts, datastore::EtcdClient& etcd, std::ostream& out,
            std::ostream& err);

// ------------------------------------------------ counters (this host's kernel)

// One counted rule of table inet calico.
struct CounterRow {
  std::string what;   // the rule's comment, or what the rule is ("endpoint ... reached policy")
  std::string chain;  // the chain it is in
  uint64_t packets = 0, bytes = 0;
  friend bool operator==(const CounterRow&, const CounterRow&) = default;
};

// Pure: the counted rules of nft's JSON listing of our table, in table
// order; rules with the same comment in a policy or profile chain (one per
// address family) are summed. With `iface`, only the chains packets of that
// interface can reach (from the dispatch maps, following jumps and gotos).
// Errors: text that is not nft's JSON listing.
Result<std::vector<CounterRow>> CounterRows(const std::string& nft_json, const std::string& iface);

struct CountersOptions {
  std::string iface;            // --iface
  std::string output = "text";  // -o text|json
};

// felixctl counters: reads our table in this network namespace (`list_table`
// returns its JSON listing) and prints packets and bytes per rule.
int Counters(const CountersOptions& opts, const std::function<Result<std::string>()>& list_table,
             std::ostream& out, std::ostream& err);

// felixctl rm KEY [-r [--force]]: deletes (recursively with -r) and prints
// "deleted <key>"; nothing there is "felixctl: <key> not found" (kExitUsage).
// A recursive delete outside /calico/ (`rm -r /` included) is refused
// without `force`: etcd may hold other users' data.
// With `guard` on, the deletion passes the lockout guard first (its force
// is `force`).
int Rm(const std::string& key, bool recursive, bool force, datastore::EtcdClient& etcd,
       std::ostream& out, std::ostream& err, GuardOptions guard = {});

}  // namespace felix::cli
