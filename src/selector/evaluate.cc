// Evaluation of a normalised selector tree against labels (spec §11.2).
// Allocation-free: values are compared in place, sets are sorted vectors
// searched by binary search, and labels are looked up by string_view.
#include <algorithm>
#include <string>
#include <string_view>

#include "selector/ast.h"

namespace felix::selector {

bool EvaluateNode(const Node& node, const LabelSource& labels) {
  using Kind = Node::Kind;
  switch (node.kind) {
    case Kind::kAll:
    case Kind::kGlobal:
      return true;
    case Kind::kHas:
      return labels.Find(node.label) != nullptr;
    case Kind::kEq: {
      const std::string* v = labels.Find(node.label);
      return v != nullptr && *v == node.value;
    }
    case Kind::kNe: {
      const std::string* v = labels.Find(node.label);
      return v == nullptr || *v != node.value;
    }
    case Kind::kIn: {
      const std::string* v = labels.Find(node.label);
      return v != nullptr && std::binary_search(node.set.begin(), node.set.end(), *v);
    }
    case Kind::kNotIn: {
      const std::string* v = labels.Find(node.label);
      return v == nullptr || !std::binary_search(node.set.begin(), node.set.end(), *v);
    }
    case Kind::kContains: {
      const std::string* v = labels.Find(node.label);
      return v != nullptr && v->find(node.value) != std::string::npos;
    }
    case Kind::kStartsWith: {
      const std::string* v = labels.Find(node.label);
      return v != nullptr && std::string_view(*v).starts_with(node.value);
    }
    case Kind::kEndsWith: {
      const std::string* v = labels.Find(node.label);
      return v != nullptr && std::string_view(*v).ends_with(node.value);
    }
    case Kind::kNot:
      return !EvaluateNode(node.children[0], labels);
    case Kind::kAnd:
      for (const Node& child : node.children) {
        if (!EvaluateNode(child, labels)) return false;
      }
      return true;
    case Kind::kOr:
      for (const Node& child : node.children) {
        if (EvaluateNode(child, labels)) return true;
      }
      return false;
  }
  return false;
}

}  // namespace felix::selector
