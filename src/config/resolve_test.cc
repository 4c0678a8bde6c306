// Tests for ResolveConfig(): precedence of the sources, bootstrap-only
// parameters from etcd, name matching, warnings and fix-ups.
#include <gtest/gtest.h>

#include "config/config.h"

namespace felix::config {
namespace {

ConfigInputs Base() {
  ConfigInputs in;
  in.default_hostname = "my-host";
  return in;
}

ResolvedConfig MustResolve(const ConfigInputs& in) {
  Result<ResolvedConfig> r = ResolveConfig(in);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(*r) : ResolvedConfig{};
}

TEST(ResolveConfig, Defaults) {
  const ResolvedConfig r = MustResolve(Base());
  const Config& c = r.config;
  EXPECT_EQ(c.felix_hostname, "my-host");
  EXPECT_EQ(c.etcd_addr, "localhost:4001");
  EXPECT_EQ(c.etcd_scheme, "http");
  EXPECT_EQ(c.etcd_key_file, std::nullopt);
  EXPECT_EQ(c.etcd_ca_file, std::optional<std::string>("/etc/ssl/certs/ca-certificates.crt"));
  EXPECT_EQ(c.EtcdUrls(), std::vector<std::string>{"http://localhost:4001"});
  EXPECT_EQ(c.etcd_api, EtcdApi::kV2);
  EXPECT_EQ(c.interface_prefixes, std::vector<std::string>{"cali"});
  EXPECT_EQ(c.default_endpoint_to_host_action, EndpointToHostAction::kDrop);
  EXPECT_EQ(c.failsafe_inbound, (std::vector<FailsafePort>{{Protocol::kTcp, "", 22}}));
  EXPECT_EQ(c.failsafe_outbound.size(), 4u);
  EXPECT_EQ(c.failsafe_outbound[3], (FailsafePort{Protocol::kTcp, "", 7001}));
  EXPECT_EQ(c.log_file_path, std::optional<std::string>("/var/log/calico/felix.log"));
  EXPECT_EQ(c.log_severity_file, SeverityThreshold(Severity::kInfo));
  EXPECT_EQ(c.log_severity_screen, SeverityThreshold(Severity::kError));
  EXPECT_EQ(c.periodic_resync_interval, 3600);
  EXPECT_EQ(c.iptables_refresh_interval, 60);
  EXPECT_EQ(c.nftables_refresh_interval, 90);
  EXPECT_EQ(c.reporting_interval_secs, 30);
  EXPECT_EQ(c.reporting_ttl_secs, 90);
  EXPECT_EQ(c.max_ipset_size, 1048576);
  EXPECT_EQ(c.iptables_mark_mask, 0xff000000u);
  EXPECT_EQ(c.metadata_addr, std::optional<std::string>("127.0.0.1"));
  EXPECT_EQ(c.metadata_port, 8775);
  EXPECT_EQ(c.ipv6_support, Ipv6Support::kAuto);
  EXPECT_TRUE(c.usage_reporting_enabled);
  EXPECT_FALSE(c.health_enabled);
  EXPECT_EQ(c.health_port, 9099);
  EXPECT_EQ(c.log_prefix, "calico-packet");
  EXPECT_TRUE(r.warnings.empty());
  for (const ParameterOrigin& o : r.origins) EXPECT_EQ(o.source, Source::kDefault);
}

// Each source beats every source below it.
TEST(ResolveConfig, Precedence) {
  const struct {
    const char* desc;
    bool env, file, host, global;
    const char* want_value;
    Source want_source;
    const char* want_text;
  } cases[] = {
      {"env beats all", true, true, true, true, "ERROR", Source::kEnvironment,
       "Environment variable FELIX_LOGSEVERITYSCREEN"},
      {"file beats etcd", false, true, true, true, "WARNING", Source::kConfigFile,
       "Configuration file /etc/calico/felix.cfg"},
      {"per-host beats global", false, false, true, true, "DEBUG", Source::kEtcdHost,
       "Host specific etcd configuration"},
      {"global beats default", false, false, false, true, "CRITICAL", Source::kEtcdGlobal,
       "Global etcd configuration"},
      {"default", false, false, false, false, "ERROR", Source::kDefault, "None"},
  };
  for (const auto& c : cases) {
    ConfigInputs in = Base();
    if (c.env) in.env["FELIX_LOGSEVERITYSCREEN"] = "error";
    if (c.file) in.file_text = "[global]\nLogSeverityScreen = warning\n";
    if (c.host) in.etcd_host["LogSeverityScreen"] = "debug";
    if (c.global) in.etcd_global["LogSeverityScreen"] = "critical";
    const ResolvedConfig r = MustResolve(in);
    EXPECT_EQ(RenderValue(r.config, "LogSeverityScreen"), std::string("'") + c.want_value + "'")
        << c.desc;
    const ParameterOrigin* o = r.Origin("LogSeverityScreen");
    ASSERT_NE(o, nullptr);
    EXPECT_EQ(o->source, c.want_source) << c.desc;
    EXPECT_EQ(o->text, c.want_text) << c.desc;
  }
}

TEST(ResolveConfig, EnvNamesAreCaseInsensitive) {
  for (const char* name : {"FELIX_FELIXHOSTNAME", "felix_felixhostname", "Felix_FelixHostname"}) {
    ConfigInputs in = Base();
    in.env[name] = "env-host";
    in.env["PATH"] = "/usr/bin";
    in.env["FELIX_"] = "x";
    const ResolvedConfig r = MustResolve(in);
    EXPECT_EQ(r.config.felix_hostname, "env-host") << name;
    EXPECT_EQ(r.Origin("FelixHostname")->text, std::string("Environment variable ") + name);
  }
}

TEST(ResolveConfig, FileKeysAreCaseInsensitiveAndUnknownKeysWarn) {
  ConfigInputs in = Base();
  in.file_path = "/tmp/felix.cfg";
  in.file_text = "[global]\nETCDADDR = etcd:2379\n[other]\nmetadataaddr = none\nBogus = 1\n";
  const ResolvedConfig r = MustResolve(in);
  EXPECT_EQ(r.config.etcd_addr, "etcd:2379");
  EXPECT_EQ(r.config.metadata_addr, std::nullopt);
  EXPECT_EQ(r.Origin("EtcdAddr")->text, "Configuration file /tmp/felix.cfg");
  EXPECT_EQ(r.warnings,
            (std::vector<std::string>{
                "Got unexpected config item bogus=1",
                "Parameter MetadataAddr is set to None (from Configuration file /tmp/felix.cfg) "
                "but Felix++ does not act on it: no metadata service rule is programmed"}));
}

// A parameter Felix++ does not act on is reported when set, never when it
// only has its default.
TEST(ResolveConfig, UnsupportedParametersWarnWhenSet) {
  ConfigInputs in = Base();
  EXPECT_TRUE(MustResolve(in).warnings.empty());
  in.etcd_global["IpInIpEnabled"] = "true";
  EXPECT_EQ(MustResolve(in).warnings,
            std::vector<std::string>{
                "Parameter IpInIpEnabled is set to True (from Global etcd configuration) but "
                "Felix++ does not act on it: IP-in-IP devices are not managed"});
  for (const ParameterInfo& p : Parameters()) {
    if (p.name == "DropActionOverride" || p.name == "LogPrefix" ||
        p.name == "PeriodicResyncInterval" || p.name == "NftablesRefreshInterval") {
      EXPECT_TRUE(p.unsupported.empty()) << p.name << " works";
    }
  }
}

TEST(ResolveConfig, BootstrapOnlyFromEtcdIgnoredWithWarning) {
  ConfigInputs in = Base();
  in.etcd_global["EtcdAddr"] = "evil:4001";
  in.etcd_host["FelixHostname"] = "other";
  in.etcd_host["etcdendpoints"] = "http://evil:2379";
  in.etcd_global["NoSuchThing"] = "42";
  in.etcd_global["InterfacePrefix"] = "tap";
  in.etcd_global["LogFilePath"] = "/root/.ssh/authorized_keys";
  const ResolvedConfig r = MustResolve(in);
  EXPECT_EQ(r.config.log_file_path, "/var/log/calico/felix.log");
  EXPECT_EQ(r.config.etcd_addr, "localhost:4001");
  EXPECT_EQ(r.config.felix_hostname, "my-host");
  EXPECT_TRUE(r.config.etcd_endpoints.empty());
  EXPECT_EQ(r.config.interface_prefixes, std::vector<std::string>{"tap"});
  EXPECT_EQ(r.warnings, (std::vector<std::string>{
                            "Ignoring local-only configuration for FelixHostname from "
                            "datastore (per-host)",
                            "Ignoring local-only configuration for EtcdEndpoints from "
                            "datastore (per-host)",
                            "Ignoring local-only configuration for EtcdAddr from datastore "
                            "(global)",
                            "Ignoring local-only configuration for LogFilePath from datastore "
                            "(global)",
                            "Got unexpected config item NoSuchThing=42",
                        }));
}

TEST(ResolveConfig, EtcdNamesAreCaseInsensitive) {
  ConfigInputs in = Base();
  in.etcd_global["logseverityfile"] = "debug";
  EXPECT_EQ(MustResolve(in).config.log_severity_file, SeverityThreshold(Severity::kDebug));
}

TEST(ResolveConfig, EmptyValuesIgnoredExceptFailsafe) {
  ConfigInputs in = Base();
  in.env["FELIX_LOGFILEPATH"] = "";
  in.etcd_global["InterfacePrefix"] = "";
  in.etcd_global["FailsafeInboundHostPorts"] = "";
  in.etcd_global["FailsafeOutboundHostPorts"] = "none";
  const ResolvedConfig r = MustResolve(in);
  EXPECT_EQ(r.config.log_file_path, std::optional<std::string>("/var/log/calico/felix.log"));
  EXPECT_EQ(r.config.interface_prefixes, std::vector<std::string>{"cali"});
  EXPECT_TRUE(r.config.failsafe_inbound.empty());
  EXPECT_TRUE(r.config.failsafe_outbound.empty());
  EXPECT_EQ(r.Origin("FailsafeInboundHostPorts")->source, Source::kEtcdGlobal);
}

TEST(ResolveConfig, PyFixUps) {
  const struct {
    const char* desc;
    const char* name;
    const char* value;
    const char* want_render;
    const char* want_warning;  // nullptr: none
  } cases[] = {
      {"negative poll", "HostInterfacePollInterval", "-1", "10",
       "Host interface poll interval is negative, defaulting to 10s."},
      {"ipset size", "MaxIpsetSize", "0", "1048576",
       "Max ipset size is non-positive, defaulting to 2^20."},
      {"mark mask hex", "IptablesMarkMask", "0xff00", "65280", nullptr},
      {"mark mask zero", "IptablesMarkMask", "0", "4278190080",
       "Iptables mark mask out of range, defaulting to 0xff000000"},
      {"mark mask too big", "IptablesMarkMask", "0x1ffffffff", "4278190080",
       "Iptables mark mask out of range, defaulting to 0xff000000"},
      {"mark mask two bits", "IptablesMarkMask", "0x3", "4278190080",
       "Iptables mark mask contains insufficient bits, defaulting to 0xff000000"},
      {"prometheus port", "PrometheusMetricsPort", "70000", "9091",
       "Prometheus port out-of-range, defaulting to 9091"},
      {"driver prometheus port", "EtcdDriverPrometheusMetricsPort", "0", "9092",
       "Etcd driver Prometheus port out-of-range, defaulting to 9092"},
      {"ipv6 invalid", "Ipv6Support", "maybe", "'auto'",
       "Unrecognized value for Ipv6Support (maybe), defaulting to 'auto'"},
      {"ipv6 false", "Ipv6Support", "False", "'false'", nullptr},
      {"endpoint delay", "EndpointReportingDelaySecs", "-3", "1",
       "Endpoint status delay is negative, defaulting to 1."},
      {"drop override unknown", "DropActionOverride", "REJECT", "'DROP'",
       "Unknown setting for DropActionOverride setting: REJECT, defaulting to 'DROP'."},
      {"drop override accept", "DropActionOverride", "log-and-accept", "'LOG-and-ACCEPT'",
       "Security disabled! DropActionOverride set to ACCEPT or LOG-and-ACCEPT.  DROP rules will "
       "be replaced with ACCEPT rules."},
      {"ttl below interval", "ReportingTTLSecs", "20", "75",
       "Reporting TTL set to 75 (was 20, not above the interval)."},
      {"reporting off", "ReportingIntervalSecs", "0", "0", "Reporting disabled."},
      {"action lower case", "DefaultEndpointToHostAction", "accept", "'ACCEPT'", nullptr},
      {"scheme none", "EtcdScheme", "none", "'http'", nullptr},
  };
  for (const auto& c : cases) {
    ConfigInputs in = Base();
    in.env[std::string("FELIX_") + c.name] = c.value;
    const ResolvedConfig r = MustResolve(in);
    EXPECT_EQ(RenderValue(r.config, c.name), c.want_render) << c.desc;
    std::vector<std::string> warnings;  // the parser's, without "does not act on it"
    for (const auto& w : r.warnings) {
      if (w.find("Felix++ does not act on it") == std::string::npos) warnings.push_back(w);
    }
    if (c.want_warning) {
      EXPECT_EQ(warnings, std::vector<std::string>{c.want_warning}) << c.desc;
    } else {
      EXPECT_TRUE(warnings.empty()) << c.desc;
    }
  }
}

TEST(Parameters, TableShape) {
  const std::vector<ParameterInfo> params = Parameters();
  EXPECT_EQ(params.size(), 49u);
  std::vector<std::string> boot;
  for (const ParameterInfo& p : params) {
    if (p.bootstrap_only) boot.emplace_back(p.name);
  }
  EXPECT_EQ(boot,
            (std::vector<std::string>{"EtcdAddr", "FelixHostname", "EtcdScheme", "EtcdKeyFile",
                                      "EtcdCertFile", "EtcdCaFile", "EtcdEndpoints", "EtcdApi",
                                      "LogFilePath", "EtcdDriverLogFilePath", "HealthHost",
                                      "PrometheusMetricsHost", "EtcdUsername", "EtcdPassword"}));
  ASSERT_TRUE(FindParameter("defaultendpointtohostaction").has_value());
  EXPECT_EQ(FindParameter("defaultendpointtohostaction")->description,
            "Action to take for packets that arrive froman endpoint to the host.");
  EXPECT_FALSE(FindParameter("Nope").has_value());
}

}  // namespace
}  // namespace felix::config
