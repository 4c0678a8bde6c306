// Private AST of the selector layer: the parsed, normalised form of a selector
// (spec §11) and the bundle that a Selector handle shares. Not part of the
// public API; only src/selector/*.cc and the layer's tests include it.
#pragma once

#include <string>
#include <vector>

#include "selector/selector.h"

namespace felix::selector {

// One node of the normalised tree. Invariants after parsing (see Normalise in
// parser.cc): kAnd/kOr have >= 2 children and no child of the same kind; kNot
// never wraps a comparison that has a negated form (==, !=, in, not in) nor
// another kNot; `set` is sorted and unique.
struct Node {
  enum class Kind {
    kAll,         // all(): true
    kGlobal,      // global(): true in the v1 model (kept apart for its text)
    kHas,         // has(label)
    kEq,          // label == "value"
    kNe,          // label != "value"   (true when absent)
    kIn,          // label in {set}
    kNotIn,       // label not in {set} (true when absent)
    kContains,    // label contains "value"
    kStartsWith,  // label starts with "value"
    kEndsWith,    // label ends with "value"
    kNot,         // !children[0]
    kAnd,         // children[0] && children[1] && ...
    kOr,          // children[0] || children[1] || ...
  };

  Kind kind = Kind::kAll;
  std::string label;             // comparisons and has()
  std::string value;             // ==, !=, contains, starts with, ends with
  std::vector<std::string> set;  // in, not in
  std::vector<Node> children;    // not, and, or
};

// What a Selector shares: the tree plus the derived strings, computed once.
struct Parsed {
  Node root;
  std::string canonical;
  std::string unique_id;
  std::vector<std::string> label_names;
};

// Canonical text of a normalised tree (canonical.cc).
std::string CanonicalText(const Node& node);

// True iff `node` matches `labels` (evaluate.cc). Does not allocate.
bool EvaluateNode(const Node& node, const LabelSource& labels);

}  // namespace felix::selector
