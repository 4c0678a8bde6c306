// Scalar and list value parsers for configuration parameters; failsafe port
// lists live in failsafe.cc.
#include "config/parsers.h"

#include <arpa/inet.h>

#include <fmt/format.h>

#include "base/strings.h"

namespace felix::config {
namespace {

bool IsAllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool IsPrefixChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

}  // namespace

Result<int64_t> ParseInt(std::string_view s) {
  const std::optional<int64_t> v = ParseIntAutoBase(s);
  if (!v) return Status::InvalidArgument("not an integer");
  return *v;
}

Result<bool> ParseBool(std::string_view s) {
  const std::string v = ToLower(Trim(s));
  if (v == "true" || v == "1" || v == "yes" || v == "y" || v == "t") return true;
  if (v == "false" || v == "0" || v == "no" || v == "n" || v == "f") return false;
  return Status::InvalidArgument("not a valid boolean");
}

Result<int> ParsePort(std::string_view s) {
  const std::optional<int64_t> v = ParseIntAutoBase(s);
  if (!v) return Status::InvalidArgument("not an integer");
  if (*v < 1 || *v > 65535) return Status::InvalidArgument("port out of range 1-65535");
  return static_cast<int>(*v);
}

std::optional<std::string> NoneOr(std::string_view s) {
  if (EqualsIgnoreCase(s, "none")) return std::nullopt;
  return std::string(s);
}

Result<std::vector<std::string>> ParseInterfacePrefixes(std::string_view s) {
  std::vector<std::string> out;
  for (const std::string& item : Split(s, ',')) {
    const std::string_view p = Trim(item);
    if (p.empty()) continue;
    bool ok = p.size() <= 15;
    for (char c : p) ok = ok && IsPrefixChar(c);
    if (!ok) {
      return Status::InvalidArgument(fmt::format(
          "invalid interface prefix {} (1-15 characters of A-Z a-z 0-9 _ . -)", PyRepr(p)));
    }
    out.emplace_back(p);
  }
  if (out.empty()) return Status::InvalidArgument("no interface prefix given");
  return out;
}

Result<EndpointToHostAction> ParseEndpointToHostAction(std::string_view s) {
  if (EqualsIgnoreCase(s, "DROP")) return EndpointToHostAction::kDrop;
  if (EqualsIgnoreCase(s, "RETURN")) return EndpointToHostAction::kReturn;
  if (EqualsIgnoreCase(s, "ACCEPT")) return EndpointToHostAction::kAccept;
  return Status::InvalidArgument("must be one of DROP, RETURN, ACCEPT");
}

std::optional<DropActionOverride> ParseDropActionOverride(std::string_view s) {
  if (EqualsIgnoreCase(s, "DROP")) return DropActionOverride::kDrop;
  if (EqualsIgnoreCase(s, "ACCEPT")) return DropActionOverride::kAccept;
  if (EqualsIgnoreCase(s, "LOG-and-DROP")) return DropActionOverride::kLogAndDrop;
  if (EqualsIgnoreCase(s, "LOG-and-ACCEPT")) return DropActionOverride::kLogAndAccept;
  return std::nullopt;
}

Status ValidateHostPort(std::string_view s) {
  const std::vector<std::string> fields = Split(s, ':');
  if (fields.size() != 2) return Status::InvalidArgument("must be hostname:port");
  if (Trim(fields[0]).empty()) return Status::InvalidArgument("blank host");
  const std::string_view port = Trim(fields[1]);
  if (!IsAllDigits(port)) {
    return Status::InvalidArgument(fmt::format("invalid port {}", PyRepr(fields[1])));
  }
  const Result<int> p = ParsePort(port);
  if (!p.ok()) {
    return Status::InvalidArgument(fmt::format("invalid port {}", PyRepr(fields[1])));
  }
  return Status::Ok();
}

Result<std::vector<std::string>> ParseEtcdEndpoints(std::string_view s) {
  std::vector<std::string> out;
  if (Trim(s).empty()) return out;
  std::string scheme;
  for (const std::string& item : Split(s, ',')) {
    const std::string_view e = Trim(item);
    const size_t sep = e.find("://");
    if (sep == std::string_view::npos || e.find("://", sep + 3) != std::string_view::npos) {
      return Status::InvalidArgument(
          fmt::format("invalid endpoint {}: must be http[s]://ADDRESS:PORT", PyRepr(e)));
    }
    const std::string_view this_scheme = e.substr(0, sep);
    if (this_scheme != "http" && this_scheme != "https") {
      return Status::InvalidArgument(
          fmt::format("invalid protocol scheme {}: must be http or https", PyRepr(this_scheme)));
    }
    if (!scheme.empty() && scheme != this_scheme) {
      return Status::InvalidArgument("inconsistent protocols in EtcdEndpoints");
    }
    scheme = std::string(this_scheme);
    if (Status st = ValidateHostPort(e.substr(sep + 3)); !st.ok()) {
      return Status::InvalidArgument(
          fmt::format("invalid endpoint {}: {}", PyRepr(e), st.message()));
    }
    out.emplace_back(e);
  }
  return out;
}

bool IsIpv4Address(std::string_view s) {
  in_addr addr{};
  return inet_pton(AF_INET, std::string(s).c_str(), &addr) == 1;
}

std::optional<std::string> CanonicalCidr(std::string_view s) {
  const size_t slash = s.find('/');
  const std::string addr_text(s.substr(0, slash));
  const bool v6 = addr_text.find(':') != std::string::npos;
  const int bits = v6 ? 128 : 32;
  int prefix = bits;
  if (slash != std::string_view::npos) {
    const std::string_view p = s.substr(slash + 1);
    if (!IsAllDigits(p) || p.size() > 3) return std::nullopt;
    prefix = std::stoi(std::string(p));
    if (prefix > bits) return std::nullopt;
  }
  unsigned char bytes[16] = {};
  if (inet_pton(v6 ? AF_INET6 : AF_INET, addr_text.c_str(), bytes) != 1) return std::nullopt;
  for (int i = 0; i < bits / 8; ++i) {
    const int keep = prefix - i * 8;  // bits of this byte inside the prefix
    if (keep <= 0) {
      bytes[i] = 0;
    } else if (keep < 8) {
      bytes[i] &= static_cast<unsigned char>(0xff << (8 - keep));
    }
  }
  char buf[INET6_ADDRSTRLEN] = {};
  if (inet_ntop(v6 ? AF_INET6 : AF_INET, bytes, buf, sizeof buf) == nullptr) {
    return std::nullopt;
  }
  return fmt::format("{}/{}", buf, prefix);
}

}  // namespace felix::config
