// Canonical text of a normalised selector tree. The form follows
// libcalico-go's String(): `role == "web"`, `has(x)`, `a in {"x", "y"}`,
// `!has(x)`, `(a && b)`, `(a || b)`, `all()`, `global()`. Strings use double
// quotes unless the value holds a double quote (then single quotes; a value
// can never hold both, since the grammar has no escapes). Parsing the
// canonical text gives the same tree, hence the same text and id.
#include <string>

#include "selector/ast.h"

namespace felix::selector {
namespace {

using Kind = Node::Kind;

void AppendQuoted(const std::string& value, std::string* out) {
  char quote = value.find('"') == std::string::npos ? '"' : '\'';
  out->push_back(quote);
  out->append(value);
  out->push_back(quote);
}

void Append(const Node& node, std::string* out) {
  switch (node.kind) {
    case Kind::kAll:
      out->append("all()");
      return;
    case Kind::kGlobal:
      out->append("global()");
      return;
    case Kind::kHas:
      out->append("has(").append(node.label).append(")");
      return;
    case Kind::kEq:
    case Kind::kNe:
    case Kind::kContains:
    case Kind::kStartsWith:
    case Kind::kEndsWith: {
      const char* op = node.kind == Kind::kEq           ? " == "
                       : node.kind == Kind::kNe         ? " != "
                       : node.kind == Kind::kContains   ? " contains "
                       : node.kind == Kind::kStartsWith ? " starts with "
                                                        : " ends with ";
      out->append(node.label).append(op);
      AppendQuoted(node.value, out);
      return;
    }
    case Kind::kIn:
    case Kind::kNotIn: {
      out->append(node.label).append(node.kind == Kind::kIn ? " in {" : " not in {");
      for (size_t i = 0; i < node.set.size(); ++i) {
        if (i > 0) out->append(", ");
        AppendQuoted(node.set[i], out);
      }
      out->append("}");
      return;
    }
    case Kind::kNot:
      out->append("!");
      Append(node.children[0], out);
      return;
    case Kind::kAnd:
    case Kind::kOr: {
      out->append("(");
      for (size_t i = 0; i < node.children.size(); ++i) {
        if (i > 0) out->append(node.kind == Kind::kAnd ? " && " : " || ");
        Append(node.children[i], out);
      }
      out->append(")");
      return;
    }
  }
}

}  // namespace

std::string CanonicalText(const Node& node) {
  std::string out;
  Append(node, &out);
  return out;
}

}  // namespace felix::selector
