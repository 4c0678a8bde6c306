// Which Felix++ this is: the project version and the source commit it was
// built from (short hash, "-dirty" with uncommitted changes, "unknown"
// outside a git checkout). For --version, the build-info metric and logs.
#pragma once

#include <string_view>

namespace felix {

std::string_view BuildVersion();  // e.g. "0.1.0"
std::string_view BuildCommit();   // e.g. "abe9d9c01f2e"

}  // namespace felix
