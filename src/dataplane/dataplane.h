// Public header of the dataplane layer: the kernel side of Felix++. It turns
// the rules layer's desired Table into nftables state through one atomic
// transaction per apply, watches interfaces over netlink, and repairs drift.
//
// Ownership rule (STYLE 14): everything we create lives in our own table
// `inet calico`; every chain and set in it is ours (names start with "cali").
// Nothing outside that table is ever read or written. Until the first in-sync
// apply nothing is programmed and a previous agent's table stays as it is;
// the first in-sync apply replaces the whole table in one transaction (the
// sweep). Nothing is flushed on exit.
//
// Seams (STYLE 3): NftBackend (netlink batches, libnftables) and InterfaceMonitor
// (netlink); fakes for both are in dataplane/testing.h.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/base.h"
#include "calc/messages.h"
#include "rules/incremental.h"
#include "rules/ir.h"
#include "rules/rules.h"

namespace felix::dataplane {

// ---------------------------------------------------------------------------
// What a kernel listing must show for a Table: chain -> rule count, set ->
// element count (one per interval for interval sets). Used to detect drift
// without parsing rule text.
struct TableShape {
  std::map<std::string, size_t> chain_rules;
  std::map<std::string, size_t> set_elements;
  friend bool operator==(const TableShape&, const TableShape&) = default;
};

// Element changes of one plain IP set (ipv4_addr or ipv6_addr keys, one
// address each, as NftCidr prints them).
struct ElementOps {
  std::string set;
  int family = 4;                // 4 or 6
  std::vector<std::string> del;  // deleted first
  std::vector<std::string> add;
  friend bool operator==(const ElementOps&, const ElementOps&) = default;
};

// A change sent as one netlink batch built by us (libnftnl, libmnl), with
// no libnftables parsing or cache fill, so that its cost follows the change
// and not the table: what DirectChanges() finds when every object a delta
// touches is a regular chain whose rules CompileRule takes (nft_expr.h) or
// a plain IP set. The kernel sees the parts in this order, as in Diff().
struct DirectChange {
  struct NewSet {
    std::string name;
    int family = 4;                     // 4 or 6
    std::vector<std::string> elements;  // addresses as NftCidr prints them
    friend bool operator==(const NewSet&, const NewSet&) = default;
  };
  struct ChainRules {
    std::string chain;
    std::vector<std::string> rules;  // appended, in order
    friend bool operator==(const ChainRules&, const ChainRules&) = default;
  };
  std::vector<std::string> new_chains;  // regular chains, empty
  std::vector<NewSet> new_sets;
  std::vector<ElementOps> elements;       // all deletes, then all adds
  std::vector<std::string> flush_chains;  // changed chains and chains to delete
  std::vector<ChainRules> rules;
  std::vector<std::string> delete_chains, delete_sets;
  // Instead of the parts above: replace the whole table with this one (the
  // first program, as FullReplaceScript does), when FullProgramIsDirect.
  const rules::Table* replace = nullptr;
  bool empty() const {
    return replace == nullptr && new_chains.empty() && new_sets.empty() && elements.empty() &&
           flush_chains.empty() && rules.empty() && delete_chains.empty() && delete_sets.empty();
  }
  friend bool operator==(const DirectChange&, const DirectChange&) = default;
};

// The nft script with the same effect as `c` (for logs and test models).
std::string DirectChangeScript(const DirectChange& c);

// ---------------------------------------------------------------------------
// Kernel seam: nftables.

// Runs nft scripts and reads back what drift detection needs. Not
// thread-safe; owned by the loop thread.
class NftBackend {
 public:
  virtual ~NftBackend() = default;
  // Runs `script` as ONE atomic transaction; on failure nothing changed and
  // the Status carries nft's error text.
  virtual Status Run(const std::string& script) = 0;
  // Applies `c` as ONE transaction built directly as a netlink batch (no
  // libnftables parsing or cache fill); on failure nothing changed.
  virtual Status Commit(const DirectChange& c) = 0;
  // The network namespace's ruleset generation id: the kernel adds one for
  // every committed transaction, ours or anybody else's.
  virtual Result<uint32_t> Generation() = 0;
  // The shape of table inet calico read with netlink dumps (nothing of the
  // table kept but the counts); NotFound when the table is absent.
  virtual Result<TableShape> ReadShape() = 0;
  // Sends `script` to the kernel for validation only (nft --check: the batch
  // is checked in full and then aborted); nothing changes either way.
  virtual Status Check(const std::string& script) = 0;
};

// libnftables in-process for scripts, direct netlink (libmnl, libnftnl) for
// our own batches and for reads, in the caller's current network namespace
// (netlink sockets belong to the namespace of the thread creating them).
Result<std::unique_ptr<NftBackend>> MakeLibNftablesBackend();

// Table inet calico as nft's JSON listing (rules with their counters and
// comments, maps with their elements), read with libnftables in the caller's
// network namespace: for `felixctl counters`. NotFound when there is no table.
Result<std::string> ListTableJson();

// ---------------------------------------------------------------------------
// Diffing two Tables (pure).

// The nft script that turns `programmed` into `desired` with the fewest
// changes: set/map elements added and deleted one by one, new and removed
// sets/maps, chains whose rules changed flushed and refilled, new chains added
// before anything references them, removed chains deleted after every
// reference is gone. Empty when the tables are equal. If a set's type or a
// base chain's hook changed, returns FullReplaceScript(desired).
std::string Diff(const rules::Table& programmed, const rules::Table& desired);

// Diff restricted to the keys `delta` names: the same script as
// Diff(programmed, desired) whenever the tables differ only in those keys,
// at a cost proportional to the delta rather than to the table.
std::string DiffDelta(const rules::Table& programmed, const rules::Table& desired,
                      const rules::TableDelta& delta);

// One transaction that replaces whatever `inet calico` holds (or creates it):
// "add table", "delete table", then every object of `desired`.
std::string FullReplaceScript(const rules::Table& desired);

TableShape ShapeOf(const rules::Table& t);
// Human-readable differences ("missing chain cali-fw-eth0", "chain X has 3
// rules, expected 5", ...), empty when equal.
std::vector<std::string> DescribeDrift(const TableShape& expected, const TableShape& actual);

// The same change as DiffDelta(programmed, desired, delta) as a
// DirectChange, when every object it touches qualifies (regular chains whose
// rules all compile, plain IP sets: added, removed or changed element by
// element; any set or chain removed); nullopt otherwise (the driver then
// sends DiffDelta's script through libnftables).
std::optional<DirectChange> DirectChanges(const rules::Table& programmed,
                                          const rules::Table& desired,
                                          const rules::TableDelta& delta);

// True when the whole of `t` can be programmed as our own batch: every rule
// compiles, every named set is a plain IP set or an `ifname : verdict` map
// (named interval sets stay with libnftables), every base chain a filter
// chain on a known hook. Otherwise the first program goes through
// libnftables (FullReplaceScript).
bool FullProgramIsDirect(const rules::Table& t);

// The objects that differ between the shape `desired` should have and
// `actual`: chains and sets of `desired` missing or with other counts, and
// objects of `actual` that `desired` lacks.
struct DriftedObjects {
  std::set<std::string> chains, sets;              // to rewrite from desired
  std::set<std::string> extra_chains, extra_sets;  // to delete
  bool empty() const {
    return chains.empty() && sets.empty() && extra_chains.empty() && extra_sets.empty();
  }
};
DriftedObjects DriftedIn(const TableShape& expected, const TableShape& actual);

// One transaction rewriting only the drifted objects from `desired`: chains
// (re)created and refilled, sets (re)declared, flushed and refilled, extra
// objects removed. Cost follows the drift, not the table.
std::string RepairScript(const rules::Table& desired, const DriftedObjects& drift);

// ---------------------------------------------------------------------------
// Kernel seam: interfaces and their addresses (netlink).

// Interface name (with any "@parent" suffix stripped) -> its addresses.
using InterfaceAddrs = std::map<std::string, std::set<model::IpAddr>>;

// An event-driven view of the host's interfaces. The daemon loop polls fd()
// and calls ReadEvents() when it is readable; no polling of the kernel.
class InterfaceMonitor {
 public:
  virtual ~InterfaceMonitor() = default;
  // Readable when events are pending (-1 for fakes that need no polling).
  virtual int fd() const = 0;
  // Consumes pending events without blocking; true if Interfaces() changed.
  virtual Result<bool> ReadEvents() = 0;
  virtual const InterfaceAddrs& Interfaces() const = 0;
  // Interfaces whose link is operationally up (IFF_RUNNING), when the
  // monitor knows (nullptr: it does not; take every interface as up).
  virtual const std::set<std::string>* OperUp() const { return nullptr; }
};

// A NETLINK_ROUTE monitor (links, IPv4 and IPv6 addresses) in the caller's
// current network namespace; dumps the current state before returning.
Result<std::unique_ptr<InterfaceMonitor>> MakeNetlinkInterfaceMonitor();

// Spec §18.6: host endpoints without `name` resolve to the interfaces that
// carry one of their expected addresses, per family. Endpoints are taken in
// id order; an interface already claimed by another IP-matched endpoint is
// skipped with a warning (appended to `warnings`, also logged); interfaces
// starting with one of `prefixes` are ignored.
rules::InterfaceResolution ResolveInterfaces(
    const std::map<calc::HostEndpointId, calc::HostEndpointUpdate>& endpoints,
    const InterfaceAddrs& interfaces, const std::vector<std::string>& prefixes,
    std::vector<std::string>* warnings = nullptr);

// ---------------------------------------------------------------------------
// The driver.

struct DataplaneOptions {
  // NftablesRefreshInterval: how often the ruleset generation is checked
  // (and, when another process committed, the table read back and
  // repaired). Zero disables periodic refresh.
  std::chrono::seconds refresh_interval{90};
  // Retry back-off after a failed transaction: doubles from min to max.
  std::chrono::milliseconds retry_min{100};
  std::chrono::milliseconds retry_max{30'000};
  // Changes that arrive within this of the previous transaction wait for
  // it to pass, so a burst coalesces into few transactions; an isolated
  // change is applied at once.
  std::chrono::milliseconds min_apply_interval{10};
};

struct Health {
  bool ok = true;
  std::string last_error;  // nft's text of the last failure, "" when ok
  friend bool operator==(const Health&, const Health&) = default;
};

// Owns the desired state and what was programmed; applies the difference.
// Contract: OnUpdate/OnInterfaces only queue (no kernel I/O); Apply() does
// all kernel work, as one transaction. The daemon loop calls Apply() when its
// queue is drained and Dirty() (bursts coalesce), and again no later than
// NextDeadline() (retry and refresh). Single-threaded: the loop thread only.
class Dataplane {
 public:
  Dataplane(NftBackend& backend, Clock& clock, DataplaneOptions options = {});

  void OnUpdate(const calc::Message& m);
  // New interface snapshot from the monitor; re-resolves IP-only endpoints.
  void OnInterfaces(const InterfaceAddrs& interfaces);

  // True if Apply() has work: queued changes (once in sync), a retry, or a
  // due refresh.
  bool Dirty() const;
  // When Apply() must run next even without new messages (retry back-off or
  // refresh); nullopt if nothing is scheduled.
  std::optional<Clock::time_point> NextDeadline() const;
  // Programs the queued changes as one transaction (nothing before the first
  // InSync), runs a due refresh; a failure keeps the work dirty and schedules
  // a retry. Returns the transaction's status (ok if nothing to do).
  Status Apply();
  // On-demand refresh: when the ruleset generation shows another process
  // committed since our last transaction, reads the table's shape back and
  // rewrites the drifted objects in one transaction, logging what was
  // repaired (the whole table when it is missing).
  Status Refresh();

  Health health() const { return health_; }
  const rules::InterfaceResolution& resolution() const { return renderer_.resolution(); }
  // The desired state, as the calc messages built it.
  const rules::DesiredState& desired() const { return renderer_.state(); }
  // What we believe the kernel holds (empty before the first program).
  const rules::Table& programmed() const { return programmed_; }
  // Chains the kernel rejected, programmed as a lone `drop` instead (fail
  // closed) until the renderer gives them other rules; name -> the rules.
  const std::map<std::string, std::vector<std::string>>& quarantined() const { return quarantine_; }
  // NftablesRefreshInterval changed live: the next refresh is rescheduled.
  void SetRefreshInterval(std::chrono::seconds interval);

 private:
  Status Program();
  // After the whole table failed: finds the chains the kernel rejects by
  // checking (never applying) tables with halves of the candidates
  // stubbed; adds them to quarantine_. False when stubbing every candidate
  // does not help either (the fixed structure itself is rejected).
  bool Isolate(const rules::Table& desired);
  // `t` with every chain in `stubbed` reduced to a lone drop.
  static rules::Table Stubbed(const rules::Table& t, const std::set<std::string>& stubbed);
  // Forgets quarantined chains whose rules changed (they are tried again)
  // and returns `delta` without the chains still quarantined.
  rules::TableDelta WithoutQuarantined(const rules::TableDelta& delta, const rules::Table& desired);
  // Reads the generation after one of our transactions; flags a verify when
  // it shows a foreign commit (never after a full replace).
  void NoteGeneration(bool after_full_replace);
  // The earliest time queued changes may be programmed (min_apply_interval
  // after the last transaction; at once for a full replace).
  Clock::time_point ApplyNotBefore() const;

  NftBackend& backend_;
  Clock& clock_;
  DataplaneOptions options_;

  void Resolve();

  // Desired state, resolution and the incrementally rendered table; its
  // delta names what differs from programmed_ (unless a full replace is due).
  rules::IncrementalRenderer renderer_;
  InterfaceAddrs interfaces_;
  bool dirty_ = false;             // desired changed since the last program
  bool need_full_replace_ = true;  // first program, or after a failure/drift
  bool programmed_once_ = false;   // programmed_ reflects a successful program
  rules::Table programmed_;
  Health health_;
  std::optional<Clock::time_point> retry_at_;
  std::chrono::milliseconds backoff_{0};
  std::optional<Clock::time_point> refresh_at_;
  std::optional<Clock::time_point> last_program_;  // the last transaction's start
  // The ruleset generation our last transaction (or verified read) left;
  // unknown before the first program or after a failed read.
  std::optional<uint32_t> generation_;
  bool verify_now_ = false;     // a foreign commit was seen: refresh at the next Apply
  bool direct_failed_ = false;  // our last own batch failed: libnftables until one succeeds
  std::map<std::string, std::vector<std::string>> quarantine_;
  bool isolating_ = false;  // Program() called again from an isolation
};

}  // namespace felix::dataplane
