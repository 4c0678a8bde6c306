// Tests for ResolveConfig()'s error texts: a bad value names the parameter,
// the value and its source; a bad config file names the file and the line.
#include <gtest/gtest.h>

#include <algorithm>

#include "config/config.h"

namespace felix::config {
namespace {

ConfigInputs Base() {
  ConfigInputs in;
  in.default_hostname = "my-host";
  return in;
}

std::string ErrorOf(const ConfigInputs& in) {
  Result<ResolvedConfig> r = ResolveConfig(in);
  return r.ok() ? "OK" : r.status().message();
}

TEST(ResolveConfig, Errors) {
  const struct {
    const char* desc;
    const char* env_name;
    const char* value;
    const char* error;
  } cases[] = {
      {"failsafe word", "FELIX_FAILSAFEINBOUNDHOSTPORTS", "abc",
       "Invalid value for FailsafeInboundHostPorts: 'abc' (from Environment variable "
       "FELIX_FAILSAFEINBOUNDHOSTPORTS): invalid port 'abc'"},
      {"int", "FELIX_STARTUPCLEANUPDELAY", "soon",
       "Invalid value for StartupCleanupDelay: 'soon' (from Environment variable "
       "FELIX_STARTUPCLEANUPDELAY): not an integer"},
      {"bool", "FELIX_IPINIPENABLED", "maybe",
       "Invalid value for IpInIpEnabled: 'maybe' (from Environment variable "
       "FELIX_IPINIPENABLED): not a valid boolean"},
      {"action", "FELIX_DEFAULTENDPOINTTOHOSTACTION", "REJECT",
       "Invalid value for DefaultEndpointToHostAction: 'REJECT' (from Environment variable "
       "FELIX_DEFAULTENDPOINTTOHOSTACTION): must be one of DROP, RETURN, ACCEPT"},
      {"etcd addr", "FELIX_ETCDADDR", "localhost",
       "Invalid value for EtcdAddr: 'localhost' (from Environment variable FELIX_ETCDADDR): "
       "must be hostname:port"},
      {"scheme", "FELIX_ETCDSCHEME", "ftp",
       "Invalid value for EtcdScheme: 'ftp' (from Environment variable FELIX_ETCDSCHEME): must "
       "be http or https"},
      {"api", "FELIX_ETCDAPI", "v4",
       "Invalid value for EtcdApi: 'v4' (from Environment variable FELIX_ETCDAPI): must be v2 "
       "or v3"},
      {"metadata port", "FELIX_METADATAPORT", "0",
       "Invalid value for MetadataPort: '0' (from Environment variable FELIX_METADATAPORT): "
       "port out of range 1-65535"},
      {"severity", "FELIX_LOGSEVERITYFILE", "loud",
       "Invalid value for LogSeverityFile: 'loud' (from Environment variable "
       "FELIX_LOGSEVERITYFILE): Invalid log level 'loud': expected one of none, debug, info, "
       "warning, error, critical"},
      {"tunnel addr", "FELIX_IPINIPTUNNELADDR", "fd00::1",
       "Invalid value for IpInIpTunnelAddr: 'fd00::1' (from Environment variable "
       "FELIX_IPINIPTUNNELADDR): not an IPv4 address"},
      {"log prefix", "FELIX_LOGPREFIX", "a\"b",
       "Invalid value for LogPrefix: 'a\"b' (from Environment variable FELIX_LOGPREFIX): "
       "invalid character (allowed: A-Z a-z 0-9 % : / _ . - space)"},
  };
  for (const auto& c : cases) {
    ConfigInputs in = Base();
    in.env[c.env_name] = c.value;
    EXPECT_EQ(ErrorOf(in), c.error) << c.desc;
  }
}

TEST(ResolveConfig, BadDatastoreValueIsRejectedAloneAndTheNextSourceApplies) {
  ConfigInputs in = Base();
  in.etcd_global["InterfacePrefix"] = "tap";
  in.etcd_global["ReportingIntervalSecs"] = "thirty";
  in.etcd_global["MaxIpsetSize"] = "4096";
  in.etcd_host["MaxIpsetSize"] = "big";
  Result<ResolvedConfig> r = ResolveConfig(in);
  ASSERT_TRUE(r.ok()) << r.status().message();
  // The good keys stay: tap* interfaces are still policed.
  EXPECT_EQ(r->config.interface_prefixes, std::vector<std::string>{"tap"});
  EXPECT_EQ(r->config.reporting_interval_secs, 30);  // the default
  EXPECT_EQ(r->config.max_ipset_size, 4096);         // etcd global under the bad per-host
  EXPECT_EQ(r->Origin("MaxIpsetSize")->source, Source::kEtcdGlobal);
  EXPECT_EQ(r->Origin("ReportingIntervalSecs")->source, Source::kDefault);
  const std::vector<std::string>& w = r->warnings;
  EXPECT_NE(std::find(w.begin(), w.end(),
                      "Ignoring invalid value for ReportingIntervalSecs: 'thirty' (from Global "
                      "etcd configuration): not an integer"),
            w.end());
  EXPECT_NE(std::find(w.begin(), w.end(),
                      "Ignoring invalid value for MaxIpsetSize: 'big' (from Host specific etcd "
                      "configuration): not an integer"),
            w.end());
}

TEST(ResolveConfig, RejectedDatastoreValueIsLoggedCut) {
  ConfigInputs in = Base();
  in.etcd_global["IpInIpMtu"] = std::string(100000, 'x');
  Result<ResolvedConfig> r = ResolveConfig(in);
  ASSERT_TRUE(r.ok());
  const auto it = std::find_if(r->warnings.begin(), r->warnings.end(),
                               [](const std::string& w) { return w.find("IpInIpMtu") != w.npos; });
  ASSERT_NE(it, r->warnings.end());
  const std::string& line = *it;
  EXPECT_LT(line.size(), 1200u);
  EXPECT_NE(line.find("'... (100000 bytes) (from Global etcd configuration)"), std::string::npos)
      << line;
}

TEST(ResolveConfig, EtcdPasswordIsNeverShownAndWarnsOverPlainHttp) {
  ConfigInputs in = Base();
  in.env["FELIX_ETCDUSERNAME"] = "felix-h1";
  in.env["FELIX_ETCDPASSWORD"] = "s3cret";
  Result<ResolvedConfig> r = ResolveConfig(in);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->config.etcd_password, "s3cret");
  for (const std::string& line : StartOfDayLines(*r)) {
    EXPECT_EQ(line.find("s3cret"), std::string::npos) << line;
  }
  EXPECT_EQ(RenderValue(r->config, "EtcdPassword"), "'<hidden>'");
  EXPECT_EQ(
      std::count_if(r->warnings.begin(), r->warnings.end(),
                    [](const std::string& w) { return w.starts_with("EtcdPassword is sent"); }),
      1);
  in.etcd_global["EtcdPassword"] = "from-etcd";
  r = ResolveConfig(in);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->config.etcd_password, "s3cret") << "local-only";
}

TEST(ResolveConfig, EtcdCaFileNoneWarnsOverTls) {
  auto ca_warning = [](const ConfigInputs& in) {
    Result<ResolvedConfig> r = ResolveConfig(in);
    EXPECT_TRUE(r.ok());
    return std::count_if(r->warnings.begin(), r->warnings.end(), [](const std::string& w) {
      return w.starts_with("EtcdCaFile is none: the etcd server's certificate is NOT verified");
    });
  };
  ConfigInputs in = Base();
  in.env["FELIX_ETCDENDPOINTS"] = "https://10.0.0.1:2379";
  EXPECT_EQ(ca_warning(in), 0);  // the default CA bundle verifies
  in.env["FELIX_ETCDCAFILE"] = "none";
  EXPECT_EQ(ca_warning(in), 1);
  in.env["FELIX_ETCDENDPOINTS"] = "http://10.0.0.1:2379";
  EXPECT_EQ(ca_warning(in), 0);  // no TLS, nothing to verify
}

TEST(ResolveConfig, ErrorFromFileNamesTheSource) {
  ConfigInputs in = Base();
  in.file_text = "[global]\nInterfacePrefix = ,\n";
  EXPECT_EQ(ErrorOf(in),
            "Invalid value for InterfacePrefix: ',' (from Configuration file "
            "/etc/calico/felix.cfg): no interface prefix given");
  in = Base();
  in.file_text = "[global]\nnonsense\n";
  EXPECT_EQ(ErrorOf(in),
            "Invalid config file /etc/calico/felix.cfg: line 2: expected 'key = value': "
            "'nonsense'");
}

TEST(ResolveConfig, EmptyHostnameIsAnError) {
  ConfigInputs in = Base();
  in.default_hostname = "";
  EXPECT_EQ(ErrorOf(in),
            "Invalid value for FelixHostname: '' (from None): hostname must not be empty");
}

TEST(ResolveConfig, EtcdEndpointsAndTls) {
  ConfigInputs in = Base();
  in.env["FELIX_ETCDENDPOINTS"] = "https://10.0.0.1:2379,https://10.0.0.2:2379";
  in.env["FELIX_ETCDKEYFILE"] = "/etc/felix/key.pem";
  EXPECT_EQ(ErrorOf(in),
            "Invalid value for EtcdCertFile: 'none' (from None): Missing etcd certificate. Key "
            "and certificate must both be specified or both be blank.");
  in.env["FELIX_ETCDCERTFILE"] = "/etc/felix/cert.pem";
  Result<ResolvedConfig> r = ResolveConfig(in);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->config.EtcdUrls(),
            (std::vector<std::string>{"https://10.0.0.1:2379", "https://10.0.0.2:2379"}));
  // Key and cert pairing only matters for https.
  in = Base();
  in.env["FELIX_ETCDCERTFILE"] = "/etc/felix/cert.pem";
  EXPECT_EQ(ErrorOf(in), "OK");
  in.env["FELIX_ETCDSCHEME"] = "HTTPS";
  EXPECT_EQ(ErrorOf(in),
            "Invalid value for EtcdKeyFile: 'none' (from None): Missing etcd key file. Key and "
            "certificate must both be specified or both be blank.");
}

}  // namespace
}  // namespace felix::config
