// Failsafe port lists (FailsafeInboundHostPorts / FailsafeOutboundHostPorts):
// the three forms of DESIGN §2, `22,2222`, `tcp:22,udp:68` and CIDR-scoped
// `tcp:10.0.0.0/8:22`, plus `none`/"" to disable. Grammar in parsers.h.
#include <fmt/format.h>

#include "base/strings.h"
#include "config/config.h"
#include "config/parsers.h"

namespace felix::config {
namespace {

Result<int> ParseFailsafePort(std::string_view text) {
  const std::string_view p = Trim(text);
  bool digits = !p.empty() && p.size() <= 5;
  for (char c : p) digits = digits && c >= '0' && c <= '9';
  if (!digits) return Status::InvalidArgument(fmt::format("invalid port {}", PyRepr(p)));
  const int port = std::stoi(std::string(p));
  if (port < 1 || port > 65535) {
    return Status::InvalidArgument(fmt::format("port {} out of range 1-65535", PyRepr(p)));
  }
  return port;
}

Result<FailsafePort> ParseItem(std::string_view item) {
  FailsafePort out;
  const size_t first = item.find(':');
  if (first == std::string_view::npos) {
    Result<int> port = ParseFailsafePort(item);
    if (!port.ok()) return port.status();
    out.port = *port;
    return out;
  }
  const size_t last = item.rfind(':');
  const std::string_view proto = Trim(item.substr(0, first));
  if (EqualsIgnoreCase(proto, "tcp")) {
    out.protocol = Protocol::kTcp;
  } else if (EqualsIgnoreCase(proto, "udp")) {
    out.protocol = Protocol::kUdp;
  } else {
    return Status::InvalidArgument(
        fmt::format("invalid protocol {} in {} (must be tcp or udp)", PyRepr(proto), PyRepr(item)));
  }
  Result<int> port = ParseFailsafePort(item.substr(last + 1));
  if (!port.ok()) {
    return Status::InvalidArgument(fmt::format("{} in {}", port.status().message(), PyRepr(item)));
  }
  out.port = *port;
  if (last != first) {
    std::string_view net = Trim(item.substr(first + 1, last - first - 1));
    if (net.size() >= 2 && net.front() == '[' && net.back() == ']') {
      net = net.substr(1, net.size() - 2);
    }
    const std::optional<std::string> cidr = CanonicalCidr(net);
    if (!cidr) {
      return Status::InvalidArgument(
          fmt::format("invalid CIDR {} in {}", PyRepr(net), PyRepr(item)));
    }
    out.net = *cidr;
  }
  return out;
}

}  // namespace

std::string FailsafePort::ToString() const {
  if (net.empty()) return fmt::format("{}:{}", config::ToString(protocol), port);
  if (net.find(':') != std::string::npos) {
    return fmt::format("{}:[{}]:{}", config::ToString(protocol), net, port);
  }
  return fmt::format("{}:{}:{}", config::ToString(protocol), net, port);
}

Result<std::vector<FailsafePort>> ParseFailsafePorts(std::string_view s) {
  std::vector<FailsafePort> out;
  if (EqualsIgnoreCase(Trim(s), "none")) return out;
  for (const std::string& raw : Split(s, ',')) {
    const std::string_view item = Trim(raw);
    if (item.empty()) continue;
    Result<FailsafePort> p = ParseItem(item);
    if (!p.ok()) return p.status();
    out.push_back(std::move(*p));
  }
  return out;
}

}  // namespace felix::config
