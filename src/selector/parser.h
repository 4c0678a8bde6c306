// Private: text to normalised AST (parser.cc). Selector::Parse wraps it.
#pragma once

#include <string_view>

#include "base/status.h"
#include "selector/ast.h"

namespace felix::selector {

// Deepest nesting of '(' accepted; deeper input is rejected with an error
// rather than risking the stack.
inline constexpr int kMaxDepth = 256;

// Parses `text` and normalises the tree (see Normalise).
Result<Node> ParseTree(std::string_view text);

// Brings a tree into canonical shape: !!x -> x, !(a == "v") -> a != "v" (and
// likewise for !=, in, not in), nested && / || flattened. Recursive; callers
// keep depth bounded (the parser caps it at kMaxDepth).
void Normalise(Node* node);

}  // namespace felix::selector
