// JSON documents for `felixctl apply` (single object, list, JSON lines) and
// the dispatch between JSON and YAML. nlohmann::json throws on bad input; the
// exceptions are caught here and turned into positioned errors.
#include "cli/documents.h"

#include <fmt/format.h>

#include "base/strings.h"
#include "cli/documents_internal.h"

namespace felix::cli {
namespace internal {

std::string RawValue(const nlohmann::json& v) {
  return v.is_string() ? v.get<std::string>() : v.dump();
}

Result<Document> DocumentFromJson(const nlohmann::json& j, std::string_view where) {
  auto bad = [&](std::string_view what) {
    return Status::InvalidArgument(fmt::format("{}: {}", where, what));
  };
  if (!j.is_object()) return bad(R"(expected an object with "key" and "value")");
  for (const auto& [field, unused] : j.items()) {
    if (field != "key" && field != "value") {
      return bad(fmt::format(R"(unexpected field "{}" (only "key" and "value"))", field));
    }
  }
  if (!j.contains("key")) return bad(R"(missing "key")");
  const auto& key = j.at("key");
  if (!key.is_string() || key.get<std::string>().empty()) {
    return bad(R"("key" must be a non-empty string)");
  }
  if (!j.contains("value")) return bad(R"(missing "value")");
  const auto& value = j.at("value");
  if (value.is_null()) return bad(R"("value" must not be null)");
  return Document{key.get<std::string>(), RawValue(value)};
}

}  // namespace internal

namespace {

// 1-based line and column of the 0-based byte offset `pos` in `text`.
std::pair<size_t, size_t> LineCol(std::string_view text, size_t pos) {
  pos = std::min(pos, text.size());
  size_t line = 1, line_start = 0;
  for (size_t i = 0; i < pos; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return {line, pos - line_start + 1};
}

// nlohmann's message without its "[json.exception...] parse error at line
// L, column C: " preamble (we print our own position).
std::string ParseErrorText(const nlohmann::json::parse_error& e) {
  std::string_view what = e.what();
  const size_t column = what.find("column ");
  const size_t colon = column == std::string_view::npos ? what.find("] ") : what.find(": ", column);
  if (colon == std::string_view::npos) return std::string(what);
  return std::string(what.substr(colon + 2));
}

// Parses one JSON text; errors as `<prefix>:<line>:<col>: invalid JSON: ...`
// with lines counted from `first_line`.
Result<nlohmann::json> ParseJson(std::string_view text, std::string_view source,
                                 size_t first_line) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    auto [line, col] = LineCol(text, e.byte == 0 ? 0 : e.byte - 1);
    return Status::InvalidArgument(fmt::format("{}:{}:{}: invalid JSON: {}", source,
                                               line + first_line - 1, col, ParseErrorText(e)));
  }
}

Result<std::vector<Document>> ParseJsonLines(std::string_view text, std::string_view source) {
  std::vector<Document> docs;
  size_t line_no = 0;
  for (const std::string& line : Split(text, '\n')) {
    ++line_no;
    if (Trim(line).empty()) continue;
    auto j = ParseJson(line, source, line_no);
    if (!j.ok()) return j.status();
    auto doc = internal::DocumentFromJson(*j, fmt::format("{}:{}", source, line_no));
    if (!doc.ok()) return doc.status();
    docs.push_back(std::move(doc).value());
  }
  return docs;
}

Result<std::vector<Document>> ParseJsonDocuments(std::string_view text, std::string_view source) {
  auto whole = ParseJson(text, source, 1);
  if (!whole.ok()) {
    // JSON lines: the first non-blank line is a complete object by itself.
    const size_t start = text.find_first_not_of(" \t\r\n");
    const size_t eol = text.find('\n', start);
    if (eol != std::string_view::npos) {
      auto first = ParseJson(text.substr(start, eol - start), source, 1);
      if (first.ok() && first->is_object()) return ParseJsonLines(text, source);
    }
    return whole.status();
  }
  std::vector<Document> docs;
  if (!whole->is_array()) {
    auto doc = internal::DocumentFromJson(*whole, fmt::format("{}: document 1", source));
    if (!doc.ok()) return doc.status();
    docs.push_back(std::move(doc).value());
    return docs;
  }
  for (size_t i = 0; i < whole->size(); ++i) {
    auto doc =
        internal::DocumentFromJson((*whole)[i], fmt::format("{}: document {}", source, i + 1));
    if (!doc.ok()) return doc.status();
    docs.push_back(std::move(doc).value());
  }
  return docs;
}

}  // namespace

Result<std::vector<Document>> ParseDocuments(std::string_view text, std::string_view source) {
  const size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) {
    return Status::InvalidArgument(fmt::format("{}: no documents", source));
  }
  auto docs = (text[start] == '{' || text[start] == '[')
                  ? ParseJsonDocuments(text, source)
                  : internal::ParseYamlDocuments(text, source);
  if (docs.ok() && docs->empty()) {
    return Status::InvalidArgument(fmt::format("{}: no documents", source));
  }
  return docs;
}

}  // namespace felix::cli
