// Recursive-descent parser for the selector grammar (spec §11.1 plus the later
// Calico additions), with position-carrying error messages, and Normalise(),
// which brings the tree into the canonical shape documented in ast.h.
//
// Lexing is contextual: the parser knows whether it expects an expression, an
// operator after a label, a string or a set, and scans only what fits there.
// Recursion happens only on '(' and is capped at kMaxDepth; runs of '!' are
// counted in a loop, so no input can exhaust the stack.
#include <algorithm>
#include <string>
#include <string_view>
#include <utility>

#include "base/strings.h"
#include "fmt/format.h"
#include "selector/ast.h"
#include "selector/parser.h"

namespace felix::selector {
namespace {

using Kind = Node::Kind;

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool IsLabelChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '/' || c == '-';
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Result<Node> ParseAll() {
    SkipSpace();
    if (AtEnd()) return Node{};  // empty selector: all()
    Node root;
    if (!ParseOr(0, &root)) return Status::InvalidArgument(error_);
    SkipSpace();
    if (!AtEnd()) {
      Fail(pos_, "expected '&&', '||' or end of input");
      return Status::InvalidArgument(error_);
    }
    return root;
  }

 private:
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return AtEnd() ? '\0' : text_[pos_]; }
  void SkipSpace() {
    while (!AtEnd() && IsSpace(text_[pos_])) ++pos_;
  }
  // Consumes `tok` (after whitespace) if it is next.
  bool Accept(std::string_view tok) {
    SkipSpace();
    if (text_.substr(pos_, tok.size()) != tok) return false;
    pos_ += tok.size();
    return true;
  }
  // Scans a run of label characters (after whitespace); empty if none.
  std::string_view Word() {
    SkipSpace();
    size_t start = pos_;
    while (!AtEnd() && IsLabelChar(text_[pos_])) ++pos_;
    return text_.substr(start, pos_ - start);
  }

  // Records "<expected> at position <pos> (found ...)"; always returns false.
  bool Fail(size_t pos, std::string_view expected) {
    std::string found;
    if (pos >= text_.size()) {
      found = "end of input";
    } else {
      std::string_view rest = text_.substr(pos, 16);
      found = PyRepr(rest);
      if (pos + rest.size() < text_.size()) found += "...";
    }
    error_ = fmt::format("{} at position {} (found {})", expected, pos, found);
    return false;
  }

  bool ParseOr(int depth, Node* out) {
    Node first;
    if (!ParseAnd(depth, &first)) return false;
    if (!Accept("||")) {
      *out = std::move(first);
      return true;
    }
    out->kind = Kind::kOr;
    out->children.push_back(std::move(first));
    do {
      Node next;
      if (!ParseAnd(depth, &next)) return false;
      out->children.push_back(std::move(next));
    } while (Accept("||"));
    return true;
  }

  bool ParseAnd(int depth, Node* out) {
    Node first;
    if (!ParseUnary(depth, &first)) return false;
    if (!Accept("&&")) {
      *out = std::move(first);
      return true;
    }
    out->kind = Kind::kAnd;
    out->children.push_back(std::move(first));
    do {
      Node next;
      if (!ParseUnary(depth, &next)) return false;
      out->children.push_back(std::move(next));
    } while (Accept("&&"));
    return true;
  }

  bool ParseUnary(int depth, Node* out) {
    bool negate = false;
    // A '!' followed by '=' would be "!=", which cannot start an expression;
    // let ParsePrimary report it.
    while (SkipSpace(), Peek() == '!' && text_.substr(pos_, 2) != "!=") {
      ++pos_;
      negate = !negate;
    }
    if (!ParsePrimary(depth, out)) return false;
    if (negate) {
      Node inner = std::move(*out);
      *out = Node{};
      out->kind = Kind::kNot;
      out->children.push_back(std::move(inner));
    }
    return true;
  }

  bool ParsePrimary(int depth, Node* out) {
    SkipSpace();
    size_t start = pos_;
    if (Peek() == '(') {
      if (depth >= kMaxDepth) {
        return Fail(start, fmt::format("expected at most {} nested '('", kMaxDepth));
      }
      ++pos_;
      if (!ParseOr(depth + 1, out)) return false;
      if (!Accept(")")) return Fail(pos_, "expected '&&', '||' or ')'");
      return true;
    }
    std::string_view word = Word();
    if (word.empty()) return Fail(start, "expected a label, has(), all(), global(), '!' or '('");
    size_t after_word = pos_;
    SkipSpace();
    if (Peek() == '(' && (word == "has" || word == "all" || word == "global")) {
      ++pos_;
      return ParseCall(word, out);
    }
    pos_ = after_word;
    out->label = std::string(word);
    return ParseComparison(out);
  }

  // After "has(", "all(" or "global(".
  bool ParseCall(std::string_view fn, Node* out) {
    if (fn == "has") {
      std::string_view label = Word();
      if (label.empty()) return Fail(pos_, "expected a label after 'has('");
      out->kind = Kind::kHas;
      out->label = std::string(label);
      if (!Accept(")")) return Fail(pos_, "expected ')' after the label in 'has('");
      return true;
    }
    out->kind = fn == "all" ? Kind::kAll : Kind::kGlobal;
    if (!Accept(")")) return Fail(pos_, fmt::format("expected ')' after '{}('", fn));
    return true;
  }

  // After a label: an operator and its operand.
  bool ParseComparison(Node* out) {
    SkipSpace();
    size_t op_pos = pos_;
    if (Accept("==")) return ParseString("'=='", Kind::kEq, out);
    if (Accept("!=")) return ParseString("'!='", Kind::kNe, out);
    std::string_view op = Word();
    if (op == "in") return ParseSet("'in'", Kind::kIn, out);
    if (op == "contains") return ParseString("'contains'", Kind::kContains, out);
    if (op == "not" || op == "starts" || op == "ends") {
      std::string_view want = op == "not" ? "in" : "with";
      size_t gap = pos_;
      SkipSpace();
      size_t second_pos = pos_;
      std::string_view second = Word();
      if (second != want || gap == second_pos) {
        return Fail(second_pos, fmt::format("expected '{}' after '{}'", want, op));
      }
      if (op == "not") return ParseSet("'not in'", Kind::kNotIn, out);
      if (op == "starts") return ParseString("'starts with'", Kind::kStartsWith, out);
      return ParseString("'ends with'", Kind::kEndsWith, out);
    }
    return Fail(op_pos, fmt::format("expected an operator (==, !=, in, not in, contains, "
                                    "starts with, ends with) after label '{}'",
                                    out->label));
  }

  // Scans a quoted string into *value; `what` describes the context.
  bool ScanString(std::string_view what, std::string* value) {
    SkipSpace();
    char quote = Peek();
    if (quote != '"' && quote != '\'') return Fail(pos_, what);
    size_t close = text_.find(quote, pos_ + 1);
    if (close == std::string_view::npos) {
      return Fail(text_.size(), quote == '"' ? "unterminated string: expected a closing '\"'"
                                             : "unterminated string: expected a closing \"'\"");
    }
    *value = std::string(text_.substr(pos_ + 1, close - pos_ - 1));
    pos_ = close + 1;
    return true;
  }

  bool ParseString(std::string_view op, Kind kind, Node* out) {
    out->kind = kind;
    return ScanString(fmt::format("expected a string after {}", op), &out->value);
  }

  bool ParseSet(std::string_view op, Kind kind, Node* out) {
    out->kind = kind;
    if (!Accept("{")) return Fail(pos_, fmt::format("expected '{{' after {}", op));
    while (true) {
      if (Accept("}")) break;
      std::string item;
      if (!ScanString("expected a string or '}' in the set", &item)) return false;
      out->set.push_back(std::move(item));
      if (Accept(",")) continue;
      if (Accept("}")) break;
      return Fail(pos_, "expected ',' or '}' in the set");
    }
    std::sort(out->set.begin(), out->set.end());
    out->set.erase(std::unique(out->set.begin(), out->set.end()), out->set.end());
    return true;
  }

  std::string_view text_;
  size_t pos_ = 0;
  std::string error_;
};

// The negated form of a comparison, if it has one.
bool Negate(Node* node) {
  switch (node->kind) {
    case Kind::kEq:
      node->kind = Kind::kNe;
      return true;
    case Kind::kNe:
      node->kind = Kind::kEq;
      return true;
    case Kind::kIn:
      node->kind = Kind::kNotIn;
      return true;
    case Kind::kNotIn:
      node->kind = Kind::kIn;
      return true;
    default:
      return false;
  }
}

}  // namespace

void Normalise(Node* node) {
  for (Node& child : node->children) Normalise(&child);
  if (node->kind == Kind::kNot) {
    Node& child = node->children[0];
    if (child.kind == Kind::kNot) {
      Node inner = std::move(child.children[0]);
      *node = std::move(inner);
    } else if (Negate(&child)) {
      Node inner = std::move(child);
      *node = std::move(inner);
    }
    return;
  }
  if (node->kind == Kind::kAnd || node->kind == Kind::kOr) {
    // Flatten (a && b) && c into a && b && c: && and || are associative.
    std::vector<Node> flat;
    for (Node& child : node->children) {
      if (child.kind == node->kind) {
        for (Node& grandchild : child.children) flat.push_back(std::move(grandchild));
      } else {
        flat.push_back(std::move(child));
      }
    }
    node->children = std::move(flat);
  }
}

Result<Node> ParseTree(std::string_view text) {
  Result<Node> tree = Parser(text).ParseAll();
  if (tree.ok()) Normalise(&*tree);
  return tree;
}

}  // namespace felix::selector
