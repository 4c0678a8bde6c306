// Public header of the config layer: Felix's configuration parameters, their
// typed values and how the sources are layered.
//
// Every parameter of spec §16.2 (Felix 1.4 [PY]) plus the few our design adds
// (EtcdApi, NftablesRefreshInterval, HealthEnabled, HealthPort, LogPrefix,
// HealthHost, PrometheusMetricsHost: Felix's later names; EtcdUsername,
// EtcdPassword: etcd authentication) is
// one row of a table: name, description (the text of the start-of-day line),
// default, bootstrap-only flag, parser. ResolveConfig() is a pure function
// from the raw sources to a typed Config; the daemon does all the I/O (reading
// the environment, the file and etcd) and hands the raw strings in.
//
// Precedence, highest first (DESIGN §2 "config precedence"):
//   env FELIX_<NAME> > config file > etcd per-host > etcd global > default.
//
// Decisions where the originals differ (documented here once):
// - Env names: the `FELIX_` prefix and the name match case-insensitively
//   ([GO]); if several spellings are set, the one that sorts first (upper case
//   sorts first) wins.
// - Config file: INI, any section (all merged, later wins), keys
//   case-insensitive, `#`/`;` comment lines, inline `;` after whitespace,
//   `key = value` or `key: value`, `""` means empty. Keys before the first
//   section are accepted. No interpolation, no continuation lines.
// - etcd names match case-insensitively ([GO]; [PY] was case-sensitive).
//   Bootstrap-only names from etcd are ignored with a WARNING
//   `Ignoring local-only configuration for <Name> from datastore (global)`
//   (or `(per-host)`); unknown names from the file or etcd give a WARNING
//   `Got unexpected config item <name>=<value>`.
// - Values are trimmed. An empty value is ignored from every source ([GO]),
//   except for Failsafe{In,Out}boundHostPorts, where empty disables (the
//   guide's `etcdctl set /calico/v1/config/FailsafeInboundHostPorts ""`).
// - A bad value from the environment or the config file is an error naming
//   the parameter, the value and its source, except where [PY] fell back to
//   a default with a warning (see params.cc). A bad value from etcd is
//   rejected alone with a WARNING `Ignoring invalid value for <Name>: ...`
//   and the next source applies (etcd global, then the default): anyone who
//   can write one key must not be able to drop the rest of the config.
// - DefaultEndpointToHostAction, DropActionOverride, EtcdScheme, EtcdApi and
//   Ipv6Support are matched case-insensitively ([GO]); canonical forms are
//   upper case for actions, lower case for the others.
// - Failsafe ports: see ParseFailsafePorts in parsers.h (1-65535, optional
//   protocol, optional CIDR: `22`, `udp:68`, `tcp:10.0.0.0/8:22`,
//   `tcp:[fd00::/8]:22`; empty or `none` disables).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/log.h"
#include "base/status.h"

namespace felix::config {

enum class Protocol { kTcp, kUdp };
enum class EndpointToHostAction { kDrop, kReturn, kAccept };
enum class DropActionOverride { kDrop, kAccept, kLogAndDrop, kLogAndAccept };
enum class Ipv6Support { kAuto, kEnabled, kDisabled };
enum class EtcdApi { kV2, kV3 };

// "DROP", "RETURN", "ACCEPT".
std::string_view ToString(EndpointToHostAction a);
// "DROP", "ACCEPT", "LOG-and-DROP", "LOG-and-ACCEPT".
std::string_view ToString(DropActionOverride a);
// "tcp", "udp".
std::string_view ToString(Protocol p);

// One failsafe rule: accept `protocol` to destination `port`, optionally only
// to/from addresses in `net` (canonical CIDR, host bits cleared, e.g.
// "10.0.0.0/8" or "fd00::/8"; empty = any address, both families).
struct FailsafePort {
  Protocol protocol = Protocol::kTcp;
  std::string net;
  int port = 0;  // 1-65535

  // "tcp:22", "udp:68", "tcp:10.0.0.0/8:22", "tcp:[fd00::/8]:22".
  std::string ToString() const;
  friend bool operator==(const FailsafePort&, const FailsafePort&) = default;
};

// The typed configuration the agent reads. Default-constructed fields are
// zero; DefaultConfig() gives the table's defaults. Field comments name the
// parameter. Values are the effective ones, after [PY]'s fix-ups.
struct Config {
  std::string felix_hostname;                   // FelixHostname
  std::string etcd_addr;                        // EtcdAddr, "host:port"
  std::string etcd_scheme;                      // EtcdScheme, "http"|"https"
  std::optional<std::string> etcd_key_file;     // EtcdKeyFile (none = unset)
  std::optional<std::string> etcd_cert_file;    // EtcdCertFile
  std::optional<std::string> etcd_ca_file;      // EtcdCaFile (none = no verify)
  std::vector<std::string> etcd_endpoints;      // EtcdEndpoints, full URLs
  EtcdApi etcd_api = EtcdApi::kV2;              // EtcdApi
  int64_t startup_cleanup_delay = 0;            // StartupCleanupDelay, s
  int64_t periodic_resync_interval = 0;         // PeriodicResyncInterval, s
  int64_t host_interface_poll_interval = 0;     // HostInterfacePollInterval, s
  int64_t iptables_refresh_interval = 0;        // IptablesRefreshInterval, s
  int64_t nftables_refresh_interval = 0;        // NftablesRefreshInterval, s
  std::optional<std::string> metadata_addr;     // MetadataAddr (none = off)
  int metadata_port = 0;                        // MetadataPort
  std::vector<std::string> interface_prefixes;  // InterfacePrefix
  EndpointToHostAction default_endpoint_to_host_action =
      EndpointToHostAction::kDrop;  // DefaultEndpointToHostAction
  DropActionOverride drop_action_override = DropActionOverride::kDrop;  // DropActionOverride
  bool ignore_loose_rpf = false;                                        // IgnoreLooseRPF
  std::string cluster_guid;                                             // ClusterGUID
  bool usage_reporting_enabled = false;                                 // UsageReportingEnabled
  std::optional<std::string> log_file_path;                             // LogFilePath (none = off)
  std::optional<std::string> etcd_driver_log_file_path;                 // EtcdDriverLogFilePath
  SeverityThreshold log_severity_file;                                  // LogSeverityFile
  SeverityThreshold log_severity_sys;                                   // LogSeveritySys
  SeverityThreshold log_severity_screen;                                // LogSeverityScreen
  bool ipip_enabled = false;                                            // IpInIpEnabled
  int64_t ipip_mtu = 0;                                                 // IpInIpMtu
  std::optional<std::string> ipip_tunnel_addr;                          // IpInIpTunnelAddr (IPv4)
  int64_t reporting_interval_secs = 0;            // ReportingIntervalSecs, 0 = off
  int64_t reporting_ttl_secs = 0;                 // ReportingTTLSecs
  bool endpoint_reporting_enabled = false;        // EndpointReportingEnabled
  int64_t endpoint_reporting_delay_secs = 0;      // EndpointReportingDelaySecs
  int64_t max_ipset_size = 0;                     // MaxIpsetSize
  uint32_t iptables_mark_mask = 0;                // IptablesMarkMask
  bool prometheus_metrics_enabled = false;        // PrometheusMetricsEnabled
  int prometheus_metrics_port = 0;                // PrometheusMetricsPort
  int etcd_driver_prometheus_metrics_port = 0;    // EtcdDriverPrometheusMetricsPort
  std::vector<FailsafePort> failsafe_inbound;     // FailsafeInboundHostPorts
  std::vector<FailsafePort> failsafe_outbound;    // FailsafeOutboundHostPorts
  Ipv6Support ipv6_support = Ipv6Support::kAuto;  // Ipv6Support
  std::string iptables_generator_plugin;          // IptablesGeneratorPlugin
  bool health_enabled = false;                    // HealthEnabled
  int health_port = 0;                            // HealthPort
  std::string log_prefix;                         // LogPrefix
  std::string health_host;                        // HealthHost
  std::string prometheus_metrics_host;            // PrometheusMetricsHost ("" = every address)
  std::string etcd_username;                      // EtcdUsername ("" = no authentication)
  std::string etcd_password;                      // EtcdPassword (never logged)

  // The etcd URLs to use: EtcdEndpoints if set, else EtcdScheme://EtcdAddr.
  std::vector<std::string> EtcdUrls() const;
};

// Where a parameter's value came from.
enum class Source { kDefault, kEnvironment, kConfigFile, kEtcdHost, kEtcdGlobal };

struct ParameterOrigin {
  Source source = Source::kDefault;
  std::string raw;  // the (trimmed) raw text; the table default for kDefault
  // As logged: "None", "Environment variable FELIX_X", "Configuration file
  // <path>", "Host specific etcd configuration", "Global etcd configuration".
  std::string text = "None";
};

// A row of the parameter table, for callers that list parameters.
struct ParameterInfo {
  std::string_view name;
  std::string_view description;
  std::string_view default_value;  // raw text; "" for FelixHostname (caller's)
  bool bootstrap_only = false;
  // Why Felix++ does not act on it ("" = it does). Set from any source but
  // the default, such a parameter gets a WARNING at start of day and on
  // every change, never a "changed" line.
  std::string_view unsupported;
};

// Every parameter, in table order (the order of the start-of-day lines).
std::vector<ParameterInfo> Parameters();
// The row whose name matches case-insensitively, if any.
std::optional<ParameterInfo> FindParameter(std::string_view name);

// The raw sources; the caller does the I/O.
struct ConfigInputs {
  // The whole process environment; FELIX_* names are picked from it.
  std::map<std::string, std::string> env;
  // Text of the config file; nullopt when the file is not present.
  std::optional<std::string> file_text;
  std::string file_path = "/etc/calico/felix.cfg";
  std::map<std::string, std::string> etcd_host;    // name -> raw value
  std::map<std::string, std::string> etcd_global;  // name -> raw value
  // FelixHostname's default (socket.gethostname() in [PY]).
  std::string default_hostname;
};

struct ResolvedConfig {
  Config config;
  std::vector<ParameterOrigin> origins;  // one per parameter, table order
  std::vector<std::string> warnings;     // to log at WARNING, in order

  // The origin of the named parameter (case-insensitive); nullptr if unknown.
  const ParameterOrigin* Origin(std::string_view name) const;
};

// Layers the sources and parses every parameter. Errors: a bad config file
// (`Invalid config file <path>: line N: ...`) or a bad value
// (`Invalid value for <Name>: '<raw>' (from <source>): <reason>`).
Result<ResolvedConfig> ResolveConfig(const ConfigInputs& in);

// One value as the agent takes it from etcd (`/calico/v1/config/<name>` or
// the per-host key): an error if the name is unknown, local-only, or the
// value does not parse (the reason the agent logs); else the value as the
// start-of-day line shows it. Warnings the parser gives are appended.
Result<std::string> CheckDatastoreValue(std::string_view name, std::string_view raw,
                                        std::vector<std::string>& warnings);

// The defaults alone, with FelixHostname = `hostname`.
Config DefaultConfig(std::string_view hostname);

// One line per parameter, table order:
// `Parameter FelixHostname (Felix compute host hostname) has value 'my-host'
// read from Environment variable FELIX_FELIXHOSTNAME`. Values in Python repr.
std::vector<std::string> StartOfDayLines(const ResolvedConfig& r);

// The value of the named parameter as the start-of-day line shows it
// (Python repr: 'text', 42, True, ['cali'], [22], None). Empty if unknown.
std::string RenderValue(const Config& c, std::string_view name);

// Names of the parameters whose effective value differs, table order
// (unsupported ones included: the caller decides what to say).
std::vector<std::string> ChangedParameters(const Config& before, const Config& after);

}  // namespace felix::config
