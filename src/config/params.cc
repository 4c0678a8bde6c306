// The parameter table: every [PY] parameter of spec §16.2 with its exact
// default and description (Felix 1.4 calico/felix/config.py, including the
// "froman" typo), in [PY]'s order of definition, then the parameters our
// design adds (EtcdApi, NftablesRefreshInterval, HealthEnabled, HealthPort,
// LogPrefix, HealthHost, PrometheusMetricsHost). Defaults are raw text,
// parsed like any other source.
#include "config/params.h"

#include "config/param_kinds.h"

namespace felix::config {
namespace {

using namespace kinds;    // NOLINT(google-build-using-namespace): the table reads better
using namespace special;  // NOLINT(google-build-using-namespace)
using C = Config;

inline constexpr char kProm[] = "Prometheus port";
inline constexpr char kDriverProm[] = "Etcd driver Prometheus port";

// Row helpers: name, description, default, bootstrap-only, parse, render.
constexpr ParamSpec Row(std::string_view name, std::string_view desc, std::string_view def,
                        bool boot, decltype(ParamSpec::parse) parse,
                        decltype(ParamSpec::render) render, bool empty_is_value = false) {
  return ParamSpec{{name, desc, def, boot, {}}, empty_is_value, parse, render};
}
constexpr bool kBoot = true;
constexpr bool kAny = false;

const ParamSpec kTable[] = {
    Row("EtcdAddr", "Address and port for etcd", "localhost:4001", kBoot, EtcdAddr,
        RenderStr<&C::etcd_addr>),
    Row("FelixHostname", "Felix compute host hostname", "", kBoot, Hostname,
        RenderStr<&C::felix_hostname>),
    Row("EtcdScheme", "Protocol type for http or https", "http", kBoot, EtcdScheme,
        RenderStr<&C::etcd_scheme>),
    Row("EtcdKeyFile", "Path to etcd key file", "none", kBoot, OptStr<&C::etcd_key_file>,
        RenderOptStr<&C::etcd_key_file>),
    Row("EtcdCertFile", "Path to etcd certificate file", "none", kBoot, OptStr<&C::etcd_cert_file>,
        RenderOptStr<&C::etcd_cert_file>),
    Row("EtcdCaFile", "Path to etcd CA certificate file", "/etc/ssl/certs/ca-certificates.crt",
        kBoot, OptStr<&C::etcd_ca_file>, RenderOptStr<&C::etcd_ca_file>),
    Row("EtcdEndpoints",
        "Comma separated list of etcd endpoints, of the form scheme://address:port.  For "
        "example \"https://1.2.3.4:2379,https://1.2.3.5:2379\".  This option overrides "
        "EtcdScheme and EtcdAddr.",
        "", kBoot, EtcdEndpoints, RenderEtcdEndpoints),
    Row("EtcdApi", "Version of the etcd API to use, 'v2' or 'v3'", "v2", kBoot, Api, RenderApi),
    Row("StartupCleanupDelay", "Delay before cleanup starts", "30", kAny,
        Int<&C::startup_cleanup_delay>, RenderInt<&C::startup_cleanup_delay>),
    Row("PeriodicResyncInterval", "How often to do cleanups, seconds", "3600", kAny,
        Int<&C::periodic_resync_interval>, RenderInt<&C::periodic_resync_interval>),
    Row("HostInterfacePollInterval",
        "How often (in seconds) to poll for updates to host endpoint IP addresses, or 0 to "
        "disable.",
        "10", kAny, PollInterval, RenderInt<&C::host_interface_poll_interval>),
    Row("IptablesRefreshInterval", "How often to refresh iptables state, in seconds", "60", kAny,
        Int<&C::iptables_refresh_interval>, RenderInt<&C::iptables_refresh_interval>),
    Row("NftablesRefreshInterval", "How often to refresh nftables state, in seconds", "90", kAny,
        Int<&C::nftables_refresh_interval>, RenderInt<&C::nftables_refresh_interval>),
    Row("MetadataAddr", "Metadata IP address or hostname", "127.0.0.1", kAny,
        OptStr<&C::metadata_addr>, RenderOptStr<&C::metadata_addr>),
    Row("MetadataPort", "Metadata Port", "8775", kAny, Port<&C::metadata_port>,
        RenderInt<&C::metadata_port>),
    Row("InterfacePrefix", "Interface name prefix", "cali", kAny, Prefixes,
        RenderStrList<&C::interface_prefixes>),
    Row("DefaultEndpointToHostAction",
        "Action to take for packets that arrive froman endpoint to the host.", "DROP", kAny, ToHost,
        RenderToHost),
    Row("DropActionOverride",
        "Override for the action taken when a packet would normally be dropped by Calico's "
        "firewall rules. This setting is useful when prototyping policy. Note: if the policy "
        "is set to 'ACCEPT' or 'LOG-and-ACCEPT'; Calico's security is disabled! One of "
        "'DROP', 'ACCEPT', 'LOG-and-DROP', 'LOG-and-ACCEPT'.",
        "DROP", kAny, DropOverride, RenderDropOverride),
    Row("IgnoreLooseRPF",
        "If set to true, Felix will ignore the kernel's RPF check setting.  If set to false, "
        "Felix will abort if the RPF setting is not 'strict'.  Should only be set to true if "
        "workloads are incapable of spoofing their source IP.  (For example, unprivileged "
        "containers.)",
        "false", kAny, Bool<&C::ignore_loose_rpf>, RenderBool<&C::ignore_loose_rpf>),
    Row("ClusterGUID", "Unique cluster identifier", "baddecaf", kAny, Str<&C::cluster_guid>,
        RenderStr<&C::cluster_guid>),
    Row("UsageReportingEnabled",
        "If set to true, periodically report cluster version, hostname, size and guid to "
        "projectcalico.org.  Receive version deprecation / security warnings.",
        "true", kAny, Bool<&C::usage_reporting_enabled>, RenderBool<&C::usage_reporting_enabled>),
    // Paths are local-only here (unlike [PY]): root must not append to a
    // file an etcd writer names.
    Row("LogFilePath", "Path to log file", "/var/log/calico/felix.log", kBoot,
        OptStr<&C::log_file_path>, RenderOptStr<&C::log_file_path>),
    Row("EtcdDriverLogFilePath", "Path to log file for etcd driver",
        "/var/log/calico/felix-etcd.log", kBoot, OptStr<&C::etcd_driver_log_file_path>,
        RenderOptStr<&C::etcd_driver_log_file_path>),
    Row("LogSeverityFile", "Log severity for logging to file", "INFO", kAny,
        Severity<&C::log_severity_file>, RenderSeverity<&C::log_severity_file>),
    Row("LogSeveritySys", "Log severity for logging to syslog", "ERROR", kAny,
        Severity<&C::log_severity_sys>, RenderSeverity<&C::log_severity_sys>),
    Row("LogSeverityScreen", "Log severity for logging to screen", "ERROR", kAny,
        Severity<&C::log_severity_screen>, RenderSeverity<&C::log_severity_screen>),
    Row("IpInIpEnabled", "IP-in-IP device support enabled", "false", kAny, Bool<&C::ipip_enabled>,
        RenderBool<&C::ipip_enabled>),
    Row("IpInIpMtu", "MTU to set on the IP-in-IP device", "1440", kAny, Int<&C::ipip_mtu>,
        RenderInt<&C::ipip_mtu>),
    Row("IpInIpTunnelAddr", "IPv4 address to set on the IP-in-IP device", "none", kAny, TunnelAddr,
        RenderOptStr<&C::ipip_tunnel_addr>),
    Row("ReportingIntervalSecs", "Status reporting interval in seconds", "30", kAny,
        Int<&C::reporting_interval_secs>, RenderInt<&C::reporting_interval_secs>),
    Row("ReportingTTLSecs", "Status report time to live in seconds", "90", kAny,
        Int<&C::reporting_ttl_secs>, RenderInt<&C::reporting_ttl_secs>),
    Row("EndpointReportingEnabled", "Whether Felix should report per-endpoint status into etcd",
        "false", kAny, Bool<&C::endpoint_reporting_enabled>,
        RenderBool<&C::endpoint_reporting_enabled>),
    Row("EndpointReportingDelaySecs", "Minimum delay between per-endpoint status reports", "1",
        kAny, ReportDelay, RenderInt<&C::endpoint_reporting_delay_secs>),
    Row("MaxIpsetSize",
        "Maximum size of the ipsets that Felix uses to represent profile tag memberships.  "
        "Should be set to a value larger than the expected number of IP addresses using a "
        "single tag.",
        "1048576", kAny, IpsetSize, RenderInt<&C::max_ipset_size>),
    Row("IptablesMarkMask",
        "Mask that Felix selects its IPTables Mark bits from.  Should be a 32 bit hexadecimal "
        "number with at least 8 bits set, none of which clash with any other mark bits in use "
        "on the system.",
        "0xff000000", kAny, MarkMask, RenderMarkMask),
    Row("PrometheusMetricsEnabled", "Whether to enable prometheus metrics.", "false", kAny,
        Bool<&C::prometheus_metrics_enabled>, RenderBool<&C::prometheus_metrics_enabled>),
    Row("PrometheusMetricsPort", "Port on which to export Prometheus metrics.", "9091", kAny,
        PortOrDefault<&C::prometheus_metrics_port, 9091, kProm>,
        RenderInt<&C::prometheus_metrics_port>),
    Row("EtcdDriverPrometheusMetricsPort",
        "Port on which to export Prometheus metrics from the etcd driver process.", "9092", kAny,
        PortOrDefault<&C::etcd_driver_prometheus_metrics_port, 9092, kDriverProm>,
        RenderInt<&C::etcd_driver_prometheus_metrics_port>),
    Row("FailsafeInboundHostPorts",
        "Comma-separated list of numeric TCP ports to open for all configured host endpoints.  "
        "Useful to avoid accidentally cutting off (for example ssh) connectivity via incorrect "
        "policy rules.  The default value opens the ssh port, 22.",
        "22", kAny, Failsafe<&C::failsafe_inbound>, RenderFailsafe<&C::failsafe_inbound>,
        /*empty_is_value=*/true),
    Row("FailsafeOutboundHostPorts",
        "Comma-separated list of numeric TCP ports to allow traffic to from all host "
        "endpoints.  Useful to avoid accidentally cutting off, for example, access to etcd.  "
        "The default value allows connectivity to etcd's default ports 2379,2380,4001 and "
        "7001.",
        "2379,2380,4001,7001", kAny, Failsafe<&C::failsafe_outbound>,
        RenderFailsafe<&C::failsafe_outbound>, /*empty_is_value=*/true),
    Row("Ipv6Support",
        "Whether IPv6 support is enabled.  If 'true', Felix will program ip6tables rules and "
        "any IPv6 routes; if 'false', Felix will not provide any IPv6 function.  If set to "
        "'auto', Felix will attempt to detect whether the system supports IPv6 and use it if "
        "it does.",
        "auto", kAny, Ipv6, RenderIpv6),
    Row("IptablesGeneratorPlugin", "Which IptablesGenerator Plugin to use.", "default", kAny,
        Str<&C::iptables_generator_plugin>, RenderStr<&C::iptables_generator_plugin>),
    Row("HealthEnabled", "Whether to enable the health check endpoint.", "false", kAny,
        Bool<&C::health_enabled>, RenderBool<&C::health_enabled>),
    Row("HealthPort", "Port on which to serve the health check endpoint.", "9099", kAny,
        Port<&C::health_port>, RenderInt<&C::health_port>),
    Row("LogPrefix", "Prefix of the kernel log lines of packets logged by Felix's rules.",
        "calico-packet", kAny, Prefix, RenderStr<&C::log_prefix>),
    // Listening addresses are local-only: etcd must not open ports on hosts.
    Row("HealthHost", "The host that the health server should bind to.", "localhost", kBoot,
        ListenHost<&C::health_host>, RenderStr<&C::health_host>),
    Row("PrometheusMetricsHost",
        "The host that the Prometheus metrics server should bind to (empty: every address).", "",
        kBoot, ListenHost<&C::prometheus_metrics_host>, RenderStr<&C::prometheus_metrics_host>,
        /*empty_is_value=*/true),
    // Credentials are local-only too, and the password is never logged.
    Row("EtcdUsername", "User name for etcd authentication (empty: none)", "", kBoot,
        Str<&C::etcd_username>, RenderStr<&C::etcd_username>, /*empty_is_value=*/true),
    Row("EtcdPassword", "Password for etcd authentication", "", kBoot, Str<&C::etcd_password>,
        RenderSecret<&C::etcd_password>, /*empty_is_value=*/true),
};

// What Felix++ does not act on, and why (issue: parameters that were
// accepted, some even logged as applied, and did nothing).
struct Unsupported {
  std::string_view name, reason;
};
constexpr Unsupported kUnsupported[] = {
    {"StartupCleanupDelay", "the table is replaced atomically; there is nothing to clean up"},
    {"HostInterfacePollInterval", "interfaces and addresses are followed by netlink events"},
    {"IptablesRefreshInterval", "there are no iptables rules; see NftablesRefreshInterval"},
    {"MetadataAddr", "no metadata service rule is programmed"},
    {"MetadataPort", "no metadata service rule is programmed"},
    {"IgnoreLooseRPF", "the RPF setting is neither checked nor changed"},
    {"ClusterGUID", "there is no usage reporting"},
    {"UsageReportingEnabled", "there is no usage reporting"},
    {"IpInIpEnabled", "IP-in-IP devices are not managed"},
    {"IpInIpMtu", "IP-in-IP devices are not managed"},
    {"IpInIpTunnelAddr", "IP-in-IP devices are not managed"},
    {"MaxIpsetSize", "nft sets have no size limit"},
    {"IptablesMarkMask", "the mark bits are fixed (0x03000000, inside the default mask)"},
    {"EtcdDriverPrometheusMetricsPort", "there is no separate etcd driver process"},
    {"Ipv6Support", "IPv6 is always policed (one inet table for both families)"},
    {"IptablesGeneratorPlugin", "there are no iptables generator plugins"},
};

std::vector<ParamSpec> WithSupport() {
  std::vector<ParamSpec> rows(std::begin(kTable), std::end(kTable));
  for (ParamSpec& row : rows) {
    for (const Unsupported& u : kUnsupported) {
      if (u.name == row.info.name) row.info.unsupported = u.reason;
    }
  }
  return rows;
}

}  // namespace

std::span<const ParamSpec> ParamTable() {
  static const std::vector<ParamSpec> rows = WithSupport();
  return rows;
}

std::optional<size_t> FindParamIndex(std::string_view name) {
  const std::span<const ParamSpec> table = ParamTable();
  for (size_t i = 0; i < table.size(); ++i) {
    if (EqualsIgnoreCase(table[i].info.name, name)) return i;
  }
  return std::nullopt;
}

}  // namespace felix::config
