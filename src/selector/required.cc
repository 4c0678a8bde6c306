// Selector::RequiredLabels(): the label conjuncts every match of a selector
// needs, read off the normalised tree. The calc layer buckets selectors by
// them so that an endpoint update evaluates only selectors that can match.
#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "selector/ast.h"
#include "selector/selector.h"

namespace felix::selector {
namespace {

using Required = std::vector<std::pair<std::string, std::optional<std::string>>>;

// Adds what `node` alone requires (no recursion into || or !).
void AddRequired(const Node& node, Required* out) {
  switch (node.kind) {
    case Node::Kind::kHas:
    case Node::Kind::kContains:
    case Node::Kind::kStartsWith:
    case Node::Kind::kEndsWith:
      out->emplace_back(node.label, std::nullopt);
      break;
    case Node::Kind::kIn:
      if (node.set.size() == 1) {
        out->emplace_back(node.label, node.set.front());
      } else {
        out->emplace_back(node.label, std::nullopt);
      }
      break;
    case Node::Kind::kEq:
      out->emplace_back(node.label, node.value);
      break;
    case Node::Kind::kAnd:
      for (const Node& child : node.children) AddRequired(child, out);
      break;
    default:  // all(), global(), !=, not in, !, ||: nothing certain
      break;
  }
}

}  // namespace

Required Selector::RequiredLabels() const {
  Required out;
  AddRequired(p_->root, &out);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace felix::selector
