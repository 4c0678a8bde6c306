// Parsing of the Etcd* connection settings and URL escaping helpers.
#include <fmt/format.h>

#include "base/strings.h"
#include "datastore/datastore.h"
#include "datastore/http.h"

namespace felix::datastore {
namespace {

// Checks "scheme://host:port" (an optional trailing '/' is dropped).
Result<std::string> CheckEndpoint(std::string_view raw) {
  std::string url(Trim(raw));
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument(fmt::format("invalid etcd endpoint '{}': {}", url, why));
  };
  while (!url.empty() && url.back() == '/') url.pop_back();
  size_t sep = url.find("://");
  if (sep == std::string::npos) return bad("expected scheme://host:port");
  std::string scheme = ToLower(url.substr(0, sep));
  if (scheme != "http" && scheme != "https") return bad("scheme must be http or https");
  std::string_view hostport = std::string_view(url).substr(sep + 3);
  size_t colon = hostport.rfind(':');
  if (hostport.empty() || colon == 0) return bad("missing host");
  if (colon == std::string_view::npos ||
      hostport.substr(colon).find(']') != std::string_view::npos) {
    return bad("missing port");
  }
  std::string_view port = hostport.substr(colon + 1);
  auto n = ParseIntAutoBase(port);
  if (port.empty() || port.find_first_not_of("0123456789") != std::string_view::npos || !n ||
      *n < 1 || *n > 65535) {
    return bad("port must be 1-65535");
  }
  if (hostport.find('/') != std::string_view::npos) return bad("unexpected path");
  return scheme + "://" + std::string(hostport);
}

}  // namespace

Result<EtcdApi> ParseEtcdApi(std::string_view text) {
  std::string t = ToLower(Trim(text));
  if (t == "v2") return EtcdApi::kV2;
  if (t == "v3") return EtcdApi::kV3;
  return Status::InvalidArgument(fmt::format("invalid etcd API '{}': expected v2 or v3", text));
}

Result<std::vector<std::string>> ParseEndpoints(std::string_view etcd_endpoints,
                                                std::string_view etcd_scheme,
                                                std::string_view etcd_addr) {
  std::vector<std::string> out;
  if (!Trim(etcd_endpoints).empty()) {
    for (const std::string& item : Split(etcd_endpoints, ',')) {
      if (Trim(item).empty()) continue;
      auto ep = CheckEndpoint(item);
      if (!ep.ok()) return ep.status();
      out.push_back(*ep);
    }
    if (out.empty()) return Status::InvalidArgument("EtcdEndpoints lists no endpoint");
    return out;
  }
  std::string scheme = Trim(etcd_scheme).empty() ? "http" : std::string(Trim(etcd_scheme));
  std::string addr = Trim(etcd_addr).empty() ? "127.0.0.1:2379" : std::string(Trim(etcd_addr));
  auto ep = CheckEndpoint(scheme + "://" + addr);
  if (!ep.ok()) return ep.status();
  out.push_back(*ep);
  return out;
}

std::string EscapeKeyPath(std::string_view key) {
  std::string out;
  for (unsigned char c : key) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

std::string FormEscape(std::string_view value) {
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

}  // namespace felix::datastore
