// Public header of the selector layer: Calico label selectors (spec §11).
//
//   auto sel = selector::Parse("role == 'web' && has(tier)");
//   if (!sel.ok()) ... sel.status().message() names the position and what was expected.
//   bool m = sel->Evaluate(selector::MapLabels(labels));
//
// A Selector is an immutable, cheaply copyable handle; Evaluate does not
// allocate. Equivalent selectors (same canonical form) have the same UniqueId.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace felix::selector {

// Labels as endpoints and profiles carry them. std::less<> allows lookups by
// string_view without allocating.
using Labels = std::map<std::string, std::string, std::less<>>;

// What Evaluate reads labels through, so that callers can layer an endpoint's
// own labels over its profiles' without building a merged map.
class LabelSource {
 public:
  virtual ~LabelSource() = default;
  // The label's value, or nullptr if absent. The pointer stays valid for the
  // duration of the Evaluate call.
  virtual const std::string* Find(std::string_view name) const = 0;
};

// A LabelSource over one Labels map (not owned).
class MapLabels final : public LabelSource {
 public:
  explicit MapLabels(const Labels& labels) : labels_(labels) {}
  const std::string* Find(std::string_view name) const override {
    auto it = labels_.find(name);
    return it == labels_.end() ? nullptr : &it->second;
  }

 private:
  const Labels& labels_;
};

struct Node;  // private AST node

class Selector {
 public:
  // True iff the labels match.
  bool Evaluate(const LabelSource& labels) const;
  bool Evaluate(const Labels& labels) const { return Evaluate(MapLabels(labels)); }

  // Canonical text, e.g. `(role == "web" && has(tier))`-style normalised form;
  // Parse(canonical) gives an equal selector.
  const std::string& canonical() const;
  // Stable id derived from a hash of the canonical form ("s:" + base64url).
  const std::string& unique_id() const;

  // Label names this selector reads (sorted, unique); for indexing.
  const std::vector<std::string>& label_names() const;

  // Conjuncts that every matching label set satisfies, for indexing: each
  // entry (name, value) means "label `name` is present", and with a value
  // "label `name` equals value". Taken from has(), ==, in, contains, starts
  // with and ends with at the top level or under a top-level &&; empty when
  // nothing is required (all(), negations, !=, not in, ||). Sorted, unique.
  std::vector<std::pair<std::string, std::optional<std::string>>> RequiredLabels() const;

  friend bool operator==(const Selector& a, const Selector& b) {
    return a.unique_id() == b.unique_id();
  }

  // Internals; use Parse().
  explicit Selector(std::shared_ptr<const struct Parsed> p) : p_(std::move(p)) {}

 private:
  std::shared_ptr<const struct Parsed> p_;
};

// Parses a selector expression. An empty or all-whitespace string selects
// everything (like all()). On error the message has the form
// "<what was expected> at position <N> (found <PyRepr of the next 16 bytes>)"
// with a 0-based byte position, e.g.
//   expected a string after '==' at position 8 (found end of input)
//
// Grammar: spec §11.1 plus the later Calico forms: `contains`, `starts with`,
// `ends with` (label present and value contains / has prefix / has suffix),
// `global()` (true here, like all(), with its own canonical text), `in {}`
// and a trailing comma in sets. Label names are [A-Za-z0-9_./-]+ of any
// length (Go caps them at 512). Whitespace (space, tab, CR, LF, FF, VT) may
// separate any tokens, including `has ( x )` and `all ( )`. `not in`,
// `starts with` and `ends with` need whitespace between their words. A label
// may be named like an operator (`in == "x"`). Strings have no escapes.
// At most 256 nested '(' are accepted; runs of '!' of any length are fine.
//
// Canonical form (Go's String()): `a == "v"`, `a != "v"`, `has(a)`,
// `a in {"x", "y"}` (sorted, unique), `a contains "v"`, `!x`, `(x && y)`,
// `(x || y)`, `all()`, `global()`; double quotes unless the value holds one.
// Normalised first: `!!x` = x, `!(a == "v")` = `a != "v"` (likewise for in /
// not in), redundant parentheses dropped, nested && / || flattened.
// unique_id() = "s:" + base64url-unpadded(SHA-224("s:" + canonical)), the
// recipe of libcalico-go's hash.MakeUniqueID.
Result<Selector> Parse(std::string_view text);

}  // namespace felix::selector
