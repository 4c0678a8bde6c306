// The nftables IR: value types describing the desired content of our one
// table, `inet calico`. The renderer (pure) produces a Table from the
// dataplane's desired state; the driver (src/dataplane) diffs two Tables and
// turns the difference into one atomic nft transaction.
//
// Rules are kept as nft statement text (what follows `add rule inet calico
// <chain>`), so a Table prints as a complete `nft -f` script and the diff
// works on plain strings. Every object we create lives in our own table, so
// a fresh agent knows everything in `inet calico` is ours.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace felix::rules {

inline constexpr char kTableFamily[] = "inet";
inline constexpr char kTableName[] = "calico";

// A base chain's hook; absent for regular chains.
struct Hook {
  std::string type = "filter";  // filter
  std::string hook;             // prerouting, input, forward, output
  int priority = 0;             // e.g. 0 (filter), -300 (raw)
  std::string policy = "accept";
  friend bool operator==(const Hook&, const Hook&) = default;
};

struct Chain {
  std::optional<Hook> hook;
  std::vector<std::string> rules;  // statement text, in order
  friend bool operator==(const Chain&, const Chain&) = default;
};

// A named set or map. For a verdict map, `data_type` is "verdict" and each
// element maps a key to a verdict ("goto <chain>", "drop", "accept").
struct Set {
  std::string key_type;                         // ipv4_addr, ipv6_addr, ifname, inet_service
  std::optional<std::string> data_type;         // "verdict" for a vmap
  std::vector<std::string> flags;               // e.g. "interval"
  std::map<std::string, std::string> elements;  // key -> data ("" for plain sets)
  // Keys and data are nft text: ifname keys are quoted ("\"eth0\""),
  // addresses as NftCidr prints them (rules.h).
  friend bool operator==(const Set&, const Set&) = default;
};

struct Table {
  std::map<std::string, Chain> chains;  // by name
  std::map<std::string, Set> sets;      // sets and maps, by name
  friend bool operator==(const Table&, const Table&) = default;
};

// Which keys of a Table may have changed between two versions of it (the
// incremental renderer's output, the driver's diff input). Keys not named
// are equal in both versions.
struct TableDelta {
  bool all = false;              // anything may have changed
  std::set<std::string> chains;  // chains changed, added or removed
  std::set<std::string> sets;    // sets/maps changed as a whole, added or removed
  // Sets/maps present in both versions with the same declaration, of which
  // only these element keys may differ (a name in `sets` wins).
  std::map<std::string, std::set<std::string>> elements;
  bool empty() const { return !all && chains.empty() && sets.empty() && elements.empty(); }
  friend bool operator==(const TableDelta&, const TableDelta&) = default;
};

// Makes `dst` equal to `src` in the keys `d` names (dst = src when d.all).
void PatchTable(Table& dst, const Table& src, const TableDelta& d);

// The whole table as an `nft -f` script that (re)creates it:
// "table inet calico { ... }" with sets/maps first, then chains.
std::string ToNftScript(const Table& t);

}  // namespace felix::rules
