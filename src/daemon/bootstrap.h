// Start of day, before etcd: the process environment, the config file, the
// system hostname, logging set up from the resolved config, and the
// `Parameter ...` lines. Everything here runs once on the main thread.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "config/config.h"

namespace felix::daemon {

inline constexpr char kDefaultConfigFile[] = "/etc/calico/felix.cfg";

// Installs the file, screen and syslog sinks with their thresholds
// (LogFilePath, LogSeverityFile/Screen/Sys; `none` turns one off). Called
// again when the config changes; a file sink is reopened only when the path
// changes. A file that cannot be opened is reported on the screen sink.
void ConfigureLogging(const config::Config& c);

// Logs every `Parameter <Name> (<description>) has value <v> read from <src>`
// line at INFO (logger calico.felix.config), then the warnings.
void LogParameters(const config::ResolvedConfig& r);

}  // namespace felix::daemon
