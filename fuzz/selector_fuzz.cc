// libFuzzer target for the selector layer: parses arbitrary bytes and, when
// they parse, checks the round-trip contract (Parse(canonical) succeeds with
// the same canonical text and unique_id) and that the original and the
// re-parsed selector agree on a few label maps. Aborts on any inconsistency.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "selector/selector.h"

namespace {

using felix::selector::Labels;
using felix::selector::Parse;

void Check(bool ok, const char* what, std::string_view input) {
  if (ok) return;
  std::fprintf(stderr, "selector_fuzz: %s for input of %zu bytes: %.*s\n", what, input.size(),
               static_cast<int>(input.size()), input.data());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto sel = Parse(input);
  if (!sel.ok()) {
    Check(!sel.status().message().empty(), "empty error message", input);
    Check(sel.status().message().find(" at position ") != std::string::npos,
          "error without a position", input);
    return 0;
  }
  auto again = Parse(sel->canonical());
  Check(again.ok(), "canonical form does not parse", input);
  Check(again->canonical() == sel->canonical(), "canonical form is not a fixed point", input);
  Check(again->unique_id() == sel->unique_id(), "unique_id differs after round trip", input);
  Check(again->label_names() == sel->label_names(), "label_names differ after round trip", input);

  static const Labels kMaps[] = {
      {},
      {{"a", "x"}, {"b", ""}, {"role", "web"}},
      {{"a", "y"}, {"c", "x\"y"}, {"tier", "frontend"}, {"role", "db"}},
  };
  for (const Labels& labels : kMaps) {
    Check(sel->Evaluate(labels) == again->Evaluate(labels), "evaluation differs", input);
  }
  // Every label the selector names, present with the empty value.
  Labels all;
  for (const auto& name : sel->label_names()) all[name] = "";
  Check(sel->Evaluate(all) == again->Evaluate(all), "evaluation differs (all labels)", input);
  return 0;
}
