// Test support: run a helper program (etcdctl, openssl) to completion and
// collect its output. Not for production use.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"

namespace felix::datastore::testing {

// Runs args[0] (an absolute path) with `args` and exactly the environment
// `env` ("NAME=value" entries), stdout and stderr merged. Returns the output,
// or IoError "<program> failed: <output>" when it exits non-zero.
Result<std::string> RunProgram(const std::vector<std::string>& args,
                               const std::vector<std::string>& env);

// execv-style pointers into `strings` (which must outlive them), ending in
// nullptr.
std::vector<char*> ArgvPointers(std::vector<std::string>& strings);

// The current environment minus the variables starting with `drop_prefix`.
std::vector<std::string> EnvironmentWithout(const std::string& drop_prefix);

}  // namespace felix::datastore::testing
