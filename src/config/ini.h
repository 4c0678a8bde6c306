// A small INI reader with Python 2 ConfigParser's rules as Felix 1.x used them
// for /etc/calico/felix.cfg (private to the config layer). Pure: takes text.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "base/status.h"

namespace felix::config {

// Parses INI text into lower-cased key -> value, merging every section
// (section names are ignored; a later definition wins). Rules:
// - blank lines and lines whose first non-blank character is `#` or `;` are
//   comments;
// - `[name]` starts a section; keys before the first section are accepted;
// - `key = value` or `key: value` (split at the first `=` or `:`), key and
//   value trimmed; an inline `;` preceded by whitespace starts a comment;
//   a value of exactly `""` means the empty string;
// - anything else is an error: `line N: expected 'key = value': '<line>'`.
// No interpolation and no continuation lines.
Result<std::map<std::string, std::string>> ParseIni(std::string_view text);

}  // namespace felix::config
