// Shared by the JSON and YAML halves of documents.cc: one key/value document
// from an already-parsed JSON value. Internal to the cli layer.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "cli/documents.h"

namespace felix::cli::internal {

// `where` prefixes error messages, e.g. "in.json: document 2" or "x.yaml:3:1".
Result<Document> DocumentFromJson(const nlohmann::json& j, std::string_view where);

// The value as written to etcd: a string as is, anything else compact JSON.
std::string RawValue(const nlohmann::json& v);

Result<std::vector<Document>> ParseYamlDocuments(std::string_view text, std::string_view source);

}  // namespace felix::cli::internal
