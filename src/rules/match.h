// Rendering of one calc::Rule into nft rule text for a policy or profile
// chain (private to the layer). See render.cc for the verdict protocol the
// action statements follow (accept/pass mark bits, return).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "calc/messages.h"

namespace felix::rules {

// Mark bits (as Felix's IptablesMarkMask defaults): kAcceptMark = "this
// policy/profile allowed the packet" (and, from raw, "allowed by untracked
// policy"); kPassMark = "a policy of this tier said next-tier".
inline constexpr char kAcceptMark[] = "0x01000000";
inline constexpr char kPassMark[] = "0x02000000";
inline constexpr char kClearBothMarks[] = "0xfcffffff";
inline constexpr char kClearPassMark[] = "0xfdffffff";

// The log statement with rate limit, e.g.
// `limit rate 10/second log prefix "pfx: " level notice`.
std::string LogStatement(const std::string& prefix);

// The match alternatives of a rule: each entry is the text of one nft match
// (statements joined by spaces, possibly empty = match all); the rule holds
// when any alternative holds. Empty result: the rule can never match (it is
// skipped, e.g. a CIDR of the other family for both families).
// Per family: a rule naming addresses (nets, sets) or an ip_version is
// rendered once per family it applies to, prefixed `meta nfproto ipvN`;
// otherwise once without a family.
std::vector<std::string> RuleMatches(const calc::Rule& r);

// `comment "<text>"`, the text cut to 200 bytes and every character nft
// could not take unquoted in a comment (quotes, backslashes, control
// bytes, non-ASCII) replaced by '_'.
std::string CommentStatement(std::string_view text);

// The nft rules of one rule in a policy (in_profile false) or profile chain:
// optional log rule, then the action with a counter and, when `comment` is
// not empty, that comment. A `log` rule without its own prefix logs with
// `log_prefix` (LogPrefix).
std::vector<std::string> RenderRule(const calc::Rule& r, bool in_profile,
                                    const std::string& log_prefix = "calico-packet",
                                    const std::string& comment = "");

// DropActionOverride applied to a chain: every rule whose verdict is `drop`
// (before any comment) becomes `accept` (ACCEPT), is preceded by the same
// match, without its counter, logging with prefix "calico-drop"
// (LOG-and-DROP), or both (LOG-and-ACCEPT). Idempotent.
void OverrideDrops(std::vector<std::string>& rules, config::DropActionOverride o);

}  // namespace felix::rules
