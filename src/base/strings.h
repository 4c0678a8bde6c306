// Small string helpers shared by every layer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace felix {

std::string ToLower(std::string_view s);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
// Strips spaces, tabs, CR and LF from both ends.
std::string_view Trim(std::string_view s);
// Splits on `sep`; keeps empty items ("a,,b" gives three).
std::vector<std::string> Split(std::string_view s, char sep);
std::string Join(const std::vector<std::string>& parts, std::string_view sep);

// Python 2 repr() of a byte string: single quotes unless the text holds a
// single quote and no double quote; \\ \n \r \t escaped, other bytes outside
// 0x20-0x7e as \xNN. Used where Felix 1.x logged repr(value).
std::string PyRepr(std::string_view s);
// PyRepr of at most the first 1 KiB of `s`, then "... (N bytes)" if cut: a
// megabyte of garbage from the datastore must not make a megabyte log line.
std::string ShortRepr(std::string_view s);
inline constexpr size_t kLoggedValueBytes = 1024;
// "" if `size` <= kLoggedValueBytes, else "... (<size> bytes)".
std::string CutNote(size_t size);

// `s` with its control characters (bytes below 0x20, and 0x7f) escaped as
// \n, \r, \t or \xNN; everything else, UTF-8 included, as it is. A log
// record of untrusted text stays one line.
std::string EscapeControl(std::string_view s);
bool HasControl(std::string_view s);

// Parses an integer the way Python's int(s, 0) does for config values:
// optional sign, decimal, 0x/0o/0b prefixes (and legacy leading-0 octal),
// surrounding whitespace allowed. Empty on any error or overflow.
std::optional<int64_t> ParseIntAutoBase(std::string_view s);

}  // namespace felix
