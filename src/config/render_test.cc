// Tests for the start-of-day lines (exact text), value rendering and the
// list of changed parameters.
#include <gtest/gtest.h>

#include "config/config.h"

namespace felix::config {
namespace {

ResolvedConfig Resolve(ConfigInputs in) {
  if (in.default_hostname.empty()) in.default_hostname = "my-host";
  Result<ResolvedConfig> r = ResolveConfig(in);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(*r) : ResolvedConfig{};
}

// The line for `name` among the start-of-day lines.
std::string LineFor(const ResolvedConfig& r, std::string_view name) {
  const std::string prefix = "Parameter " + std::string(name) + " (";
  for (const std::string& line : StartOfDayLines(r)) {
    if (line.starts_with(prefix)) return line;
  }
  return "";
}

TEST(StartOfDayLines, ExactText) {
  ConfigInputs in;
  in.env["FELIX_FELIXHOSTNAME"] = "my-host";
  in.file_path = "/etc/calico/felix.cfg";
  in.file_text = "[global]\nInterfacePrefix = cali,tap\nFailsafeInboundHostPorts = tcp:22,udp:68\n";
  in.env["FELIX_LOGFILEPATH"] = "none";  // (local-only: not from etcd)
  in.etcd_global["IpInIpEnabled"] = "true";
  in.etcd_global["FailsafeOutboundHostPorts"] = "tcp:10.0.0.0/8:2379, tcp:[fd00::/8]:2379";
  const ResolvedConfig r = Resolve(in);
  const struct {
    const char* name;
    const char* line;
  } cases[] = {
      {"FelixHostname",
       "Parameter FelixHostname (Felix compute host hostname) has value 'my-host' read from "
       "Environment variable FELIX_FELIXHOSTNAME"},
      {"InterfacePrefix",
       "Parameter InterfacePrefix (Interface name prefix) has value ['cali', 'tap'] read from "
       "Configuration file /etc/calico/felix.cfg"},
      {"FailsafeInboundHostPorts",
       "Parameter FailsafeInboundHostPorts (Comma-separated list of numeric TCP ports to open "
       "for all configured host endpoints.  Useful to avoid accidentally cutting off (for "
       "example ssh) connectivity via incorrect policy rules.  The default value opens the ssh "
       "port, 22.) has value ['tcp:22', 'udp:68'] read from Configuration file "
       "/etc/calico/felix.cfg"},
      {"FailsafeOutboundHostPorts",
       "Parameter FailsafeOutboundHostPorts (Comma-separated list of numeric TCP ports to allow "
       "traffic to from all host endpoints.  Useful to avoid accidentally cutting off, for "
       "example, access to etcd.  The default value allows connectivity to etcd's default "
       "ports 2379,2380,4001 and 7001.) has value ['tcp:10.0.0.0/8:2379', "
       "'tcp:[fd00::/8]:2379'] read from Global etcd configuration"},
      {"LogFilePath",
       "Parameter LogFilePath (Path to log file) has value None read from Environment variable "
       "FELIX_LOGFILEPATH"},
      {"IpInIpEnabled",
       "Parameter IpInIpEnabled (IP-in-IP device support enabled) has value True read from "
       "Global etcd configuration"},
      {"EtcdKeyFile",
       "Parameter EtcdKeyFile (Path to etcd key file) has value None read from None"},
      {"MetadataPort", "Parameter MetadataPort (Metadata Port) has value 8775 read from None"},
      {"LogSeverityFile",
       "Parameter LogSeverityFile (Log severity for logging to file) has value 'INFO' read "
       "from None"},
      {"IptablesMarkMask",
       "Parameter IptablesMarkMask (Mask that Felix selects its IPTables Mark bits from.  "
       "Should be a 32 bit hexadecimal number with at least 8 bits set, none of which clash "
       "with any other mark bits in use on the system.) has value 4278190080 read from None"},
      {"DefaultEndpointToHostAction",
       "Parameter DefaultEndpointToHostAction (Action to take for packets that arrive froman "
       "endpoint to the host.) has value 'DROP' read from None"},
      {"EtcdEndpoints",
       "Parameter EtcdEndpoints (Comma separated list of etcd endpoints, of the form "
       "scheme://address:port.  For example \"https://1.2.3.4:2379,https://1.2.3.5:2379\".  "
       "This option overrides EtcdScheme and EtcdAddr.) has value '' read from None"},
      {"UsageReportingEnabled",
       "Parameter UsageReportingEnabled (If set to true, periodically report cluster version, "
       "hostname, size and guid to projectcalico.org.  Receive version deprecation / security "
       "warnings.) has value True read from None"},
      {"EtcdApi",
       "Parameter EtcdApi (Version of the etcd API to use, 'v2' or 'v3') has value 'v2' read "
       "from None"},
  };
  for (const auto& c : cases) EXPECT_EQ(LineFor(r, c.name), c.line) << c.name;
}

TEST(StartOfDayLines, OneLinePerParameterInTableOrder) {
  const ResolvedConfig r = Resolve({});
  const std::vector<std::string> lines = StartOfDayLines(r);
  const std::vector<ParameterInfo> params = Parameters();
  ASSERT_EQ(lines.size(), params.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    EXPECT_TRUE(lines[i].starts_with("Parameter " + std::string(params[i].name) + " ("))
        << lines[i];
  }
  EXPECT_EQ(lines.front(),
            "Parameter EtcdAddr (Address and port for etcd) has value 'localhost:4001' read "
            "from None");
}

TEST(RenderValue, PythonRepr) {
  const Config c = DefaultConfig("my-host");
  const struct {
    const char* name;
    const char* want;
  } cases[] = {
      {"FelixHostname", "'my-host'"},
      {"FailsafeInboundHostPorts", "[22]"},
      {"FailsafeOutboundHostPorts", "[2379, 2380, 4001, 7001]"},
      {"InterfacePrefix", "['cali']"},
      {"IpInIpEnabled", "False"},
      {"IpInIpTunnelAddr", "None"},
      {"EtcdCaFile", "'/etc/ssl/certs/ca-certificates.crt'"},
      {"LogSeveritySys", "'ERROR'"},
      {"Ipv6Support", "'auto'"},
      {"ReportingTTLSecs", "90"},
      {"MaxIpsetSize", "1048576"},
      {"DropActionOverride", "'DROP'"},
      {"HealthPort", "9099"},
      {"LogPrefix", "'calico-packet'"},
      {"NoSuchParameter", ""},
  };
  for (const auto& cs : cases) EXPECT_EQ(RenderValue(c, cs.name), cs.want) << cs.name;
}

TEST(RenderValue, EdgeForms) {
  ConfigInputs in;
  in.env["FELIX_FAILSAFEINBOUNDHOSTPORTS"] = "none";
  in.env["FELIX_LOGSEVERITYSCREEN"] = "none";
  in.env["FELIX_CLUSTERGUID"] = "it's";
  const ResolvedConfig r = Resolve(in);
  EXPECT_EQ(RenderValue(r.config, "FailsafeInboundHostPorts"), "[]");
  EXPECT_EQ(RenderValue(r.config, "LogSeverityScreen"), "'none'");
  EXPECT_EQ(RenderValue(r.config, "ClusterGUID"), "\"it's\"");
}

TEST(ChangedParameters, ListsEffectiveDifferencesInTableOrder) {
  const Config a = DefaultConfig("my-host");
  EXPECT_TRUE(ChangedParameters(a, a).empty());

  ConfigInputs in;
  in.default_hostname = "my-host";
  in.etcd_global["MaxIpsetSize"] = "0x100000";  // same value, other spelling
  in.etcd_global["LogSeverityScreen"] = "info";
  in.etcd_host["FailsafeInboundHostPorts"] = "22,2222";
  in.etcd_global["InterfacePrefix"] = "tap";
  const ResolvedConfig b = Resolve(in);
  EXPECT_EQ(ChangedParameters(a, b.config),
            (std::vector<std::string>{"InterfacePrefix", "LogSeverityScreen",
                                      "FailsafeInboundHostPorts"}));
}

TEST(EnumNames, Table) {
  EXPECT_EQ(ToString(EndpointToHostAction::kReturn), "RETURN");
  EXPECT_EQ(ToString(DropActionOverride::kLogAndDrop), "LOG-and-DROP");
  EXPECT_EQ(ToString(Protocol::kUdp), "udp");
}

}  // namespace
}  // namespace felix::config
