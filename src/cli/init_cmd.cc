// felixctl init: marks the datastore Ready and, optionally, writes the guide's
// failsafe policy (ssh from the management network and ICMP in; etcd and DHCP
// out) so that declaring host endpoints cannot cut the operator off.
#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <ostream>

#include "base/strings.h"
#include "cli/commands.h"
#include "datastore/datastore.h"
#include "model/model.h"

namespace felix::cli {
namespace {

using OJson = nlohmann::ordered_json;

struct EtcdTarget {
  std::optional<model::IpAddr> ip;                 // nullopt = any destination
  std::vector<int> ports{2379, 2380, 4001, 7001};  // the guide's etcd ports
};

// "IP", "IP:PORT[,PORT...]", "[IPv6]:PORTS" or a bare IPv6 address.
Result<EtcdTarget> ParseEtcdTarget(std::string_view text) {
  EtcdTarget t;
  const std::string s(Trim(text));
  if (s.empty()) return t;
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument(fmt::format("invalid --etcd-endpoint '{}': {}", s, why));
  };
  std::string ip = s, ports;
  bool has_ports = false;
  if (s.front() == '[') {
    const size_t close = s.find(']');
    if (close == std::string::npos) return bad("missing ']'");
    ip = s.substr(1, close - 1);
    const std::string rest = s.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return bad("expected ':' after ']'");
    has_ports = !rest.empty();
    if (has_ports) ports = rest.substr(1);
  } else if (std::count(s.begin(), s.end(), ':') == 1) {
    ip = s.substr(0, s.find(':'));
    ports = s.substr(s.find(':') + 1);
    has_ports = true;
  }
  t.ip = model::ParseIpAddr(ip, 0);
  if (!t.ip) return bad("not an IP address");
  if (has_ports) {
    t.ports.clear();
    for (const std::string& p : Split(ports, ',')) {
      const auto n = ParseIntAutoBase(Trim(p));
      if (Trim(p).find_first_not_of("0123456789") != std::string_view::npos || !n || *n < 1 ||
          *n > 65535) {
        return bad(fmt::format("port '{}' is not 1-65535", Trim(p)));
      }
      t.ports.push_back(static_cast<int>(*n));
    }
  }
  return t;
}

}  // namespace

Result<std::string> FailsafePolicyValue(std::string_view management_cidr,
                                        std::string_view etcd_endpoint) {
  const auto cidr = model::ParseCidr(Trim(management_cidr), 0);
  if (!cidr) {
    return Status::InvalidArgument(
        fmt::format("invalid --management-cidr '{}': not a CIDR", management_cidr));
  }
  auto etcd = ParseEtcdTarget(etcd_endpoint);
  if (!etcd.ok()) return etcd.status();

  OJson ssh = {
      {"protocol", "tcp"}, {"src_net", cidr->ToString()}, {"dst_ports", {22}}, {"action", "allow"}};
  OJson icmp = {{"protocol", "icmp"}, {"action", "allow"}};
  OJson to_etcd = {{"protocol", "tcp"}};
  if (etcd->ip) {
    to_etcd["dst_net"] =
        fmt::format("{}/{}", etcd->ip->ToString(), etcd->ip->family == 4 ? 32 : 128);
  }
  to_etcd["dst_ports"] = etcd->ports;
  to_etcd["action"] = "allow";
  OJson dhcp = {{"protocol", "udp"}, {"dst_ports", {67}}, {"action", "allow"}};
  OJson policy = {{"selector", "all()"},
                  {"order", 0},
                  {"inbound_rules", OJson::array({ssh, icmp})},
                  {"outbound_rules", OJson::array({to_etcd, dhcp})}};
  std::string value = policy.dump();

  const auto key = model::ParseKey(kFailsafePolicyKey);
  const model::Decoded d = model::DecodeValue(*key, value, model::ValidationContext{});
  if (!d.value) {
    return Status::InvalidArgument("invalid failsafe policy: " + Join(d.issues, " "));
  }
  return value;
}

int Init(const InitOptions& opts, datastore::EtcdClient& etcd, std::ostream& out,
         std::ostream& err) {
  std::vector<std::pair<std::string, std::string>> writes;
  if (!opts.management_cidr.empty()) {
    auto policy = FailsafePolicyValue(opts.management_cidr, opts.etcd_endpoint);
    if (!policy.ok()) {
      err << "felixctl: " << policy.status().message() << "\n";
      return kExitUsage;
    }
    writes.emplace_back(kFailsafePolicyKey, *policy);
  } else if (!opts.etcd_endpoint.empty()) {
    err << "felixctl: --etcd-endpoint needs --management-cidr\n";
    return kExitUsage;
  }
  // Ready last, so that an agent waiting for it sees the policy at once.
  writes.emplace_back(std::string(datastore::kReadyKey), "true");
  for (const auto& [key, value] : writes) {
    if (Status s = etcd.Set(key, value); !s.ok()) {
      err << "felixctl: cannot set " << key << ": " << s.message() << "\n";
      return kExitUsage;
    }
    out << "set " << key << " " << value << "\n";
  }
  return kExitOk;
}

}  // namespace felix::cli
