// Parameter-specific parsers and renderers (declared in param_kinds.h) and
// the cross-parameter fix-ups of Finalize(): [PY]'s fall-backs to defaults
// with a warning, the https key/certificate pairing.
#include <algorithm>
#include <bit>
#include <limits>

#include "config/param_kinds.h"
#include "config/params.h"

namespace felix::config::special {

using C = Config;

Status EtcdAddr(std::string_view raw, C& c, Warnings&) {
  if (Status st = ValidateHostPort(raw); !st.ok()) return st;
  c.etcd_addr = std::string(raw);
  return Status::Ok();
}

Status Hostname(std::string_view raw, C& c, Warnings&) {
  if (raw.empty()) return Status::InvalidArgument("hostname must not be empty");
  c.felix_hostname = std::string(raw);
  return Status::Ok();
}

Status EtcdScheme(std::string_view raw, C& c, Warnings&) {
  const std::string v = ToLower(raw);
  if (v != "none" && v != "http" && v != "https") {
    return Status::InvalidArgument("must be http or https");
  }
  c.etcd_scheme = v == "none" ? "http" : v;
  return Status::Ok();
}

Status EtcdEndpoints(std::string_view raw, C& c, Warnings&) {
  Result<std::vector<std::string>> v = ParseEtcdEndpoints(raw);
  if (!v.ok()) return v.status();
  c.etcd_endpoints = std::move(*v);
  return Status::Ok();
}

std::string RenderEtcdEndpoints(const C& c) { return PyRepr(Join(c.etcd_endpoints, ",")); }

Status Api(std::string_view raw, C& c, Warnings&) {
  if (EqualsIgnoreCase(raw, "v2")) {
    c.etcd_api = EtcdApi::kV2;
  } else if (EqualsIgnoreCase(raw, "v3")) {
    c.etcd_api = EtcdApi::kV3;
  } else {
    return Status::InvalidArgument("must be v2 or v3");
  }
  return Status::Ok();
}

std::string RenderApi(const C& c) { return c.etcd_api == EtcdApi::kV2 ? "'v2'" : "'v3'"; }

Status PollInterval(std::string_view raw, C& c, Warnings& w) {
  Result<int64_t> v = ParseInt(raw);
  if (!v.ok()) return v.status();
  c.host_interface_poll_interval = *v;
  if (*v < 0) {
    w.push_back("Host interface poll interval is negative, defaulting to 10s.");
    c.host_interface_poll_interval = 10;
  }
  return Status::Ok();
}

Status Prefixes(std::string_view raw, C& c, Warnings&) {
  Result<std::vector<std::string>> v = ParseInterfacePrefixes(raw);
  if (!v.ok()) return v.status();
  c.interface_prefixes = std::move(*v);
  return Status::Ok();
}

Status ToHost(std::string_view raw, C& c, Warnings&) {
  Result<EndpointToHostAction> v = ParseEndpointToHostAction(raw);
  if (!v.ok()) return v.status();
  c.default_endpoint_to_host_action = *v;
  return Status::Ok();
}

std::string RenderToHost(const C& c) { return PyRepr(ToString(c.default_endpoint_to_host_action)); }

Status DropOverride(std::string_view raw, C& c, Warnings& w) {
  const std::optional<DropActionOverride> v = ParseDropActionOverride(raw);
  if (!v) {
    w.push_back(fmt::format(
        "Unknown setting for DropActionOverride setting: {}, defaulting to 'DROP'.", raw));
  }
  c.drop_action_override = v.value_or(DropActionOverride::kDrop);
  if (c.drop_action_override == DropActionOverride::kAccept ||
      c.drop_action_override == DropActionOverride::kLogAndAccept) {
    w.push_back(
        "Security disabled! DropActionOverride set to ACCEPT or LOG-and-ACCEPT.  DROP rules "
        "will be replaced with ACCEPT rules.");
  }
  return Status::Ok();
}

std::string RenderDropOverride(const C& c) { return PyRepr(ToString(c.drop_action_override)); }

Status TunnelAddr(std::string_view raw, C& c, Warnings&) {
  std::optional<std::string> v = NoneOr(raw);
  if (v && !IsIpv4Address(*v)) return Status::InvalidArgument("not an IPv4 address");
  c.ipip_tunnel_addr = std::move(v);
  return Status::Ok();
}

Status ReportDelay(std::string_view raw, C& c, Warnings& w) {
  Result<int64_t> v = ParseInt(raw);
  if (!v.ok()) return v.status();
  c.endpoint_reporting_delay_secs = *v;
  if (*v < 0) {
    w.push_back("Endpoint status delay is negative, defaulting to 1.");
    c.endpoint_reporting_delay_secs = 1;
  }
  return Status::Ok();
}

Status IpsetSize(std::string_view raw, C& c, Warnings& w) {
  Result<int64_t> v = ParseInt(raw);
  if (!v.ok()) return v.status();
  c.max_ipset_size = *v;
  if (*v <= 0) {
    w.push_back("Max ipset size is non-positive, defaulting to 2^20.");
    c.max_ipset_size = int64_t{1} << 20;
  }
  return Status::Ok();
}

// [PY] takes three mark bits from the mask (accept, next-tier, endpoint).
Status MarkMask(std::string_view raw, C& c, Warnings& w) {
  Result<int64_t> v = ParseInt(raw);
  if (!v.ok()) return v.status();
  if (*v <= 0 || *v > 0xffffffffLL) {
    w.push_back("Iptables mark mask out of range, defaulting to 0xff000000");
    c.iptables_mark_mask = 0xff000000u;
  } else if (std::popcount(static_cast<uint32_t>(*v)) < 3) {
    w.push_back("Iptables mark mask contains insufficient bits, defaulting to 0xff000000");
    c.iptables_mark_mask = 0xff000000u;
  } else {
    c.iptables_mark_mask = static_cast<uint32_t>(*v);
  }
  return Status::Ok();
}

std::string RenderMarkMask(const C& c) { return std::to_string(c.iptables_mark_mask); }

// true/false/auto ([PY]) or any boolean spelling ([GO]); else auto + warning.
Status Ipv6(std::string_view raw, C& c, Warnings& w) {
  if (EqualsIgnoreCase(raw, "auto")) {
    c.ipv6_support = Ipv6Support::kAuto;
  } else if (Result<bool> b = ParseBool(raw); b.ok()) {
    c.ipv6_support = *b ? Ipv6Support::kEnabled : Ipv6Support::kDisabled;
  } else {
    w.push_back(
        fmt::format("Unrecognized value for Ipv6Support ({}), defaulting to 'auto'", ToLower(raw)));
    c.ipv6_support = Ipv6Support::kAuto;
  }
  return Status::Ok();
}

std::string RenderIpv6(const C& c) {
  switch (c.ipv6_support) {
    case Ipv6Support::kEnabled:
      return "'true'";
    case Ipv6Support::kDisabled:
      return "'false'";
    case Ipv6Support::kAuto:
      break;
  }
  return "'auto'";
}

Status Prefix(std::string_view raw, C& c, Warnings&) {
  for (char ch : raw) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                    (ch >= '0' && ch <= '9') ||
                    std::string_view("%:/_.- ").find(ch) != std::string_view::npos;
    if (!ok) {
      return Status::InvalidArgument("invalid character (allowed: A-Z a-z 0-9 % : / _ . - space)");
    }
  }
  c.log_prefix = std::string(raw);
  return Status::Ok();
}

}  // namespace felix::config::special

namespace felix::config {

std::optional<ParamError> Finalize(Config& c, std::vector<std::string>& warnings) {
  // [PY]: a non-positive interval disables reporting; a TTL not above the
  // interval becomes interval * 5 / 2.
  if (c.reporting_interval_secs <= 0) {
    warnings.push_back("Reporting disabled.");
    c.reporting_interval_secs = 0;
    c.reporting_ttl_secs = 0;
  }
  if (c.reporting_ttl_secs <= c.reporting_interval_secs || c.reporting_ttl_secs == 0) {
    constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
    const int64_t ttl =
        c.reporting_interval_secs > kMax / 5 ? kMax : c.reporting_interval_secs * 5 / 2;
    if (c.reporting_interval_secs > 0) {
      warnings.push_back(fmt::format("Reporting TTL set to {} (was {}, not above the interval).",
                                     ttl, c.reporting_ttl_secs));
    }
    c.reporting_ttl_secs = ttl;
  }
  const std::vector<std::string> urls = c.EtcdUrls();
  const bool tls = std::any_of(urls.begin(), urls.end(),
                               [](const std::string& u) { return u.starts_with("https://"); });
  if (!c.etcd_username.empty() && c.etcd_api == EtcdApi::kV2) {
    warnings.push_back(
        "EtcdUsername is used with EtcdApi v3 only; the v2 API connects without "
        "authentication (use client certificates).");
  }
  if (!c.etcd_password.empty() && !tls) {
    warnings.push_back(
        "EtcdPassword is sent to etcd over plain http: anyone on the path can read it; use "
        "https EtcdEndpoints (or client certificates).");
  }
  if (tls && !c.etcd_ca_file) {
    warnings.push_back(
        "EtcdCaFile is none: the etcd server's certificate is NOT verified; anyone on the path "
        "to etcd can feed this host its policy.");
  }
  if (!urls.empty() && urls.front().starts_with("https://") &&
      c.etcd_key_file.has_value() != c.etcd_cert_file.has_value()) {
    if (!c.etcd_key_file) {
      return ParamError{"EtcdKeyFile",
                        "Missing etcd key file. Key and certificate must both be specified "
                        "or both be blank."};
    }
    return ParamError{"EtcdCertFile",
                      "Missing etcd certificate. Key and certificate must both be specified "
                      "or both be blank."};
  }
  return std::nullopt;
}

}  // namespace felix::config
