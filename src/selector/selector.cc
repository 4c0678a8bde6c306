// Selector handle and Parse(): ties the parser, the canonical printer and the
// hash together. unique_id = "s:" + base64url(SHA-224("s:" + canonical)),
// unpadded: the recipe of libcalico-go's hash.MakeUniqueID("s", canonical), so
// selectors whose canonical text matches Go's String() also share Go's id.
#include "selector/selector.h"

#include <algorithm>
#include <string>
#include <utility>

#include "selector/ast.h"
#include "selector/hash.h"
#include "selector/parser.h"

namespace felix::selector {
namespace {

void CollectLabels(const Node& node, std::vector<std::string>* out) {
  if (!node.label.empty()) out->push_back(node.label);
  for (const Node& child : node.children) CollectLabels(child, out);
}

}  // namespace

bool Selector::Evaluate(const LabelSource& labels) const { return EvaluateNode(p_->root, labels); }
const std::string& Selector::canonical() const { return p_->canonical; }
const std::string& Selector::unique_id() const { return p_->unique_id; }
const std::vector<std::string>& Selector::label_names() const { return p_->label_names; }

Result<Selector> Parse(std::string_view text) {
  Result<Node> tree = ParseTree(text);
  if (!tree.ok()) return tree.status();
  auto parsed = std::make_shared<Parsed>();
  parsed->root = std::move(*tree);
  parsed->canonical = CanonicalText(parsed->root);
  auto digest = Sha224("s:" + parsed->canonical);
  parsed->unique_id = "s:" + Base64UrlEncode(std::string_view(
                                 reinterpret_cast<const char*>(digest.data()), digest.size()));
  CollectLabels(parsed->root, &parsed->label_names);
  auto& names = parsed->label_names;
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return Selector(std::move(parsed));
}

}  // namespace felix::selector
