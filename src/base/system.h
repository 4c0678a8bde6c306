// The few facts about the process and host that start-of-day needs, shared by
// the agent and felixctl: the environment, an optional file, the hostname.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "base/status.h"

namespace felix {

// The whole process environment as a map.
std::map<std::string, std::string> ProcessEnvironment();
// The file's text; empty when it does not exist; an error when unreadable.
Result<std::optional<std::string>> ReadFileIfExists(const std::string& path);
// gethostname(); "localhost" if that fails.
std::string SystemHostname();
// Raises the soft RLIMIT_NOFILE to the hard limit; returns the soft limit
// in effect afterwards.
uint64_t RaiseFileLimit();

}  // namespace felix
