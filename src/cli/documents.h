// The input of `felixctl apply`: documents of key and value, in JSON or YAML,
// turned into the raw (key, value) strings to write to etcd.
//
// Accepted forms (the first non-blank character picks JSON for '{' or '['):
//   JSON: one object {"key": "...", "value": ...}, a list of them, or JSON
//         lines (one object per line).
//   YAML: one or more `---` documents, each a mapping with `key:` and
//         `value:` (a sequence of such mappings is accepted too).
// A value that is a string (a YAML scalar) is written as is ("true", "DEBUG",
// "22,2022"); an object or list is written as compact JSON. YAML scalars
// inside a mapping or sequence are typed as YAML 1.2's core schema does
// (plain 22 → number, true → boolean, null/~ → null, quoted → string).
// Only the fields "key" and "value" are allowed; null values are rejected.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace felix::cli {

struct Document {
  std::string key;
  std::string value;  // the raw etcd value
  friend bool operator==(const Document&, const Document&) = default;
};

// Parses `text`; `source` names it in errors ("policy.yaml", "<stdin>").
// Errors say where: `<source>:<line>:<col>: <what>` for syntax errors and YAML
// documents, `<source>:<line>: <what>` for JSON lines, `<source>: document
// <n>: <what>` for elements of a JSON list (1-based). Empty input is an error
// (`<source>: no documents`).
Result<std::vector<Document>> ParseDocuments(std::string_view text, std::string_view source);

}  // namespace felix::cli
