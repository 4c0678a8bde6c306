// YAML documents for `felixctl apply` (yaml-cpp). Each `---` document is a
// mapping of key and value (or a sequence of such mappings); nested values
// become JSON with YAML 1.2 core-schema typing of plain scalars. yaml-cpp
// throws on bad input; the exceptions are caught here.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstdlib>
#include <regex>

#include "cli/documents_internal.h"

namespace felix::cli::internal {
namespace {

std::string Where(std::string_view source, const YAML::Mark& m) {
  return fmt::format("{}:{}:{}", source, m.line + 1, m.column + 1);
}

// A plain (unquoted, untagged) scalar typed as YAML 1.2's core schema does.
nlohmann::json PlainScalar(const std::string& s) {
  static const std::regex kNull("~|null|Null|NULL|");
  static const std::regex kTrue("true|True|TRUE");
  static const std::regex kFalse("false|False|FALSE");
  static const std::regex kInt("[-+]?[0-9]+");
  static const std::regex kFloat(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  if (std::regex_match(s, kNull)) return nullptr;
  if (std::regex_match(s, kTrue)) return true;
  if (std::regex_match(s, kFalse)) return false;
  if (std::regex_match(s, kInt)) {
    errno = 0;
    char* end = nullptr;
    const long long v = std::strtoll(s.c_str(), &end, 10);
    if (errno == 0) return v;
    return s;  // out of range: keep the text
  }
  if (std::regex_match(s, kFloat)) return std::strtod(s.c_str(), nullptr);
  return s;
}

Result<nlohmann::json> ToJson(const YAML::Node& n, std::string_view source) {
  switch (n.Type()) {
    case YAML::NodeType::Scalar:
      if (n.Tag() == "?") return PlainScalar(n.Scalar());
      return nlohmann::json(n.Scalar());  // quoted or explicitly tagged
    case YAML::NodeType::Sequence: {
      nlohmann::json arr = nlohmann::json::array();
      for (const auto& item : n) {
        auto j = ToJson(item, source);
        if (!j.ok()) return j;
        arr.push_back(std::move(j).value());
      }
      return arr;
    }
    case YAML::NodeType::Map: {
      nlohmann::json obj = nlohmann::json::object();
      for (const auto& kv : n) {
        if (!kv.first.IsScalar()) {
          return Status::InvalidArgument(
              fmt::format("{}: mapping keys must be scalars", Where(source, kv.first.Mark())));
        }
        auto j = ToJson(kv.second, source);
        if (!j.ok()) return j;
        obj[kv.first.Scalar()] = std::move(j).value();
      }
      return obj;
    }
    default:
      return nlohmann::json(nullptr);
  }
}

// One key/value mapping. A top-level scalar value is written as its text.
Result<Document> DocumentFromYaml(const YAML::Node& n, std::string_view source) {
  const std::string where = Where(source, n.Mark());
  if (!n.IsMap()) {
    return Status::InvalidArgument(fmt::format("{}: expected a mapping with key and value", where));
  }
  auto j = ToJson(n, source);
  if (!j.ok()) return j.status();
  // The value's text as written, not as typed ("true", "22", "1.10").
  if (n["value"] && n["value"].IsScalar()) (*j)["value"] = n["value"].Scalar();
  if (n["key"] && n["key"].IsScalar()) (*j)["key"] = n["key"].Scalar();
  return DocumentFromJson(*j, where);
}

}  // namespace

Result<std::vector<Document>> ParseYamlDocuments(std::string_view text, std::string_view source) {
  std::vector<YAML::Node> nodes;
  try {
    nodes = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(
        fmt::format("{}: invalid YAML: {}", Where(source, e.mark), e.msg));
  }
  std::vector<Document> docs;
  auto add = [&](const YAML::Node& n) -> Status {
    auto doc = DocumentFromYaml(n, source);
    if (!doc.ok()) return doc.status();
    docs.push_back(std::move(doc).value());
    return Status::Ok();
  };
  for (const YAML::Node& n : nodes) {
    if (n.IsNull()) continue;  // an empty document, e.g. after a trailing ---
    if (n.IsSequence()) {
      for (const auto& item : n) {
        if (Status s = add(item); !s.ok()) return s;
      }
      continue;
    }
    if (Status s = add(n); !s.ok()) return s;
  }
  return docs;
}

}  // namespace felix::cli::internal
