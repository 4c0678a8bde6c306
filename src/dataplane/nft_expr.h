// Our rule text compiled to nf_tables expressions (private to the layer), so
// that a change of a few rules goes to the kernel as a netlink batch without
// libnftables (whose cache fill dumps every chain of the table first).
//
// Only the statement forms the renderer emits are compiled, into exactly
// the expressions nft 1.0.6 generates for them (the same dependencies, the
// same merged transport-header loads; checked byte for byte against nft in
// direct_netns_test.cc). Anything else (a list repeating a value, other
// statements) is left to libnftables: CompileRule returns nullopt.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace felix::dataplane {

// One expression; which fields mean what depends on the kind.
struct NftExpr {
  enum class Kind : uint8_t {
    kMetaLoad,  // key (NFT_META_*) -> reg 1
    kMetaSet,   // key <- reg 1
    kCtLoad,    // key (NFT_CT_*) -> reg 1
    kPayload,   // base (NFT_PAYLOAD_*), offset, len -> reg 1
    kCmp,       // op (NFT_CMP_*), reg 1 against data
    kBitwise,   // reg 1 = (reg 1 & data) ^ data2, len bytes
    kRange,     // op (NFT_RANGE_*), reg 1 in [data, data2]
    kLookup,    // reg 1 in set `name` (invert: not in; verdict_map: its verdict), or
                // in the anonymous set of `set_elements` (keys of `key_type`)
    kVerdict,   // code (NF_ACCEPT, NF_DROP, NFT_JUMP, ...), chain `name`
    kNotrack,
    kLimit,  // rate per second, burst (packets)
    kLog,    // prefix `name`, level
    kCounter,
  };
  Kind kind{};
  uint32_t key = 0;  // meta/ct key, payload base, cmp/range op, verdict code, limit rate, log level
  uint32_t offset = 0;  // payload offset, limit burst
  uint32_t len = 0;     // payload and bitwise length
  std::vector<uint8_t> data, data2;
  std::string name;
  bool invert = false;
  bool verdict_map = false;  // lookup: the map's verdict is the rule's (vmap)
  uint32_t key_type = 0;     // lookup in an anonymous set: nft's datatype id of the keys
  std::vector<std::vector<uint8_t>> set_elements;  // lookup in an anonymous set: its keys
  // An interval set: each element's kElementEnd / kElementOpen bits (as
  // nft sends them: a leading end at 0, start and end+1 of each merged
  // range, a range up to the top marked open instead of ended).
  bool interval = false;
  std::vector<uint8_t> set_element_flags;
  static constexpr uint8_t kElementEnd = 1, kElementOpen = 2;
  friend bool operator==(const NftExpr&, const NftExpr&) = default;
};

// The expressions of one rule (the text after `add rule inet calico CHAIN`),
// or nullopt when the text uses a form this compiler does not take. A
// trailing `comment "..."` is no expression: see RuleComment.
std::optional<std::vector<NftExpr>> CompileRule(std::string_view text);

// The text of a rule's trailing `comment "..."` (nft keeps it in the rule's
// user data), if it has one.
std::optional<std::string> RuleComment(std::string_view text);

// In the notation of `nft --debug=netlink` ("[ meta load nfproto => reg 1 ]"
// ...), one expression per line: for tests and logs.
std::string DescribeExprs(const std::vector<NftExpr>& exprs);

}  // namespace felix::dataplane
