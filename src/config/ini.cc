// INI reader for the Felix config file; rules in ini.h.
#include "config/ini.h"

#include <fmt/format.h>

#include "base/strings.h"

namespace felix::config {
namespace {

// Drops an inline `;` comment that follows whitespace (ConfigParser's rule).
std::string_view StripInlineComment(std::string_view v) {
  for (size_t i = 1; i < v.size(); ++i) {
    if (v[i] == ';' && (v[i - 1] == ' ' || v[i - 1] == '\t')) return v.substr(0, i);
  }
  return v;
}

}  // namespace

Result<std::map<std::string, std::string>> ParseIni(std::string_view text) {
  std::map<std::string, std::string> out;
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // UTF-8 BOM
  int line_no = 0;
  for (const std::string& raw_line : Split(text, '\n')) {
    ++line_no;
    const std::string_view line = Trim(raw_line);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[') {
      if (line.back() != ']' || line.size() < 3) {
        return Status::InvalidArgument(
            fmt::format("line {}: malformed section header: {}", line_no, PyRepr(line)));
      }
      continue;
    }
    const size_t sep = line.find_first_of("=:");
    const std::string_view key = sep == std::string_view::npos ? "" : Trim(line.substr(0, sep));
    if (key.empty()) {
      return Status::InvalidArgument(
          fmt::format("line {}: expected 'key = value': {}", line_no, PyRepr(line)));
    }
    std::string_view value = Trim(StripInlineComment(Trim(line.substr(sep + 1))));
    if (value == "\"\"") value = "";
    out[ToLower(key)] = std::string(value);
  }
  return out;
}

}  // namespace felix::config
