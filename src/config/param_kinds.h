// Generic parsers and renderers for the parameter table (private): one pair
// per kind of value (int, bool, string, optional path, port, severity,
// failsafe list), templated on the Config field they read and write.
#pragma once

#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <fmt/format.h>

#include "base/log.h"
#include "base/strings.h"
#include "config/config.h"
#include "config/parsers.h"

namespace felix::config::kinds {

using Warnings = std::vector<std::string>;

template <auto F>
Status Int(std::string_view raw, Config& c, Warnings&) {
  const Result<int64_t> v = ParseInt(raw);
  if (!v.ok()) return v.status();
  c.*F = *v;
  return Status::Ok();
}

template <auto F>
std::string RenderInt(const Config& c) {
  return std::to_string(c.*F);
}

template <auto F>
Status Bool(std::string_view raw, Config& c, Warnings&) {
  const Result<bool> v = ParseBool(raw);
  if (!v.ok()) return v.status();
  c.*F = *v;
  return Status::Ok();
}

template <auto F>
std::string RenderBool(const Config& c) {
  return c.*F ? "True" : "False";
}

template <auto F>
Status Str(std::string_view raw, Config& c, Warnings&) {
  c.*F = std::string(raw);
  return Status::Ok();
}

template <auto F>
std::string RenderStr(const Config& c) {
  return PyRepr(c.*F);
}

// A path or address where `none` (any case) means "not set".
template <auto F>
Status OptStr(std::string_view raw, Config& c, Warnings&) {
  c.*F = NoneOr(raw);
  return Status::Ok();
}

template <auto F>
std::string RenderOptStr(const Config& c) {
  return (c.*F).has_value() ? PyRepr(*(c.*F)) : "None";
}

// A secret: whether it is set, never its text.
template <auto F>
std::string RenderSecret(const Config& c) {
  return (c.*F).empty() ? "''" : "'<hidden>'";
}

// A host to listen on: an IP address or a host name ("" where allowed).
template <auto F>
Status ListenHost(std::string_view raw, Config& c, Warnings&) {
  for (char ch : raw) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                    (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == ':';
    if (!ok) return Status::InvalidArgument("not an IP address or host name");
  }
  c.*F = std::string(raw);
  return Status::Ok();
}

template <auto F>
Status Port(std::string_view raw, Config& c, Warnings&) {
  const Result<int> v = ParsePort(raw);
  if (!v.ok()) return v.status();
  c.*F = *v;
  return Status::Ok();
}

// A port where [PY] fell back to its default with a warning.
template <auto F, int kDefault, const char* kWhat>
Status PortOrDefault(std::string_view raw, Config& c, Warnings& w) {
  const Result<int64_t> v = ParseInt(raw);
  if (!v.ok()) return v.status();
  if (*v < 1 || *v > 65535) {
    w.push_back(fmt::format("{} out-of-range, defaulting to {}", kWhat, kDefault));
    c.*F = kDefault;
  } else {
    c.*F = static_cast<int>(*v);
  }
  return Status::Ok();
}

template <auto F>
Status Severity(std::string_view raw, Config& c, Warnings&) {
  Result<SeverityThreshold> v = ParseSeverityThreshold(raw);
  if (!v.ok()) return v.status();
  c.*F = *v;
  return Status::Ok();
}

template <auto F>
std::string RenderSeverity(const Config& c) {
  return (c.*F).has_value() ? PyRepr(SeverityName(*(c.*F))) : "'none'";
}

template <auto F>
Status Failsafe(std::string_view raw, Config& c, Warnings&) {
  Result<std::vector<FailsafePort>> v = ParseFailsafePorts(raw);
  if (!v.ok()) return v.status();
  c.*F = std::move(*v);
  return Status::Ok();
}

// [PY]'s list of ints (`[22]`) when every item is plain tcp, else a list of
// item strings (`['tcp:22', 'udp:68']`).
template <auto F>
std::string RenderFailsafe(const Config& c) {
  const std::vector<FailsafePort>& ports = c.*F;
  bool plain = true;
  for (const FailsafePort& p : ports)
    plain = plain && p.protocol == Protocol::kTcp && p.net.empty();
  std::vector<std::string> items;
  items.reserve(ports.size());
  for (const FailsafePort& p : ports) {
    items.push_back(plain ? std::to_string(p.port) : PyRepr(p.ToString()));
  }
  return "[" + Join(items, ", ") + "]";
}

template <auto F>
std::string RenderStrList(const Config& c) {
  std::vector<std::string> items;
  for (const std::string& s : c.*F) items.push_back(PyRepr(s));
  return "[" + Join(items, ", ") + "]";
}

}  // namespace felix::config::kinds

// Parameter-specific parsers and renderers (param_parsers.cc).
namespace felix::config::special {
using kinds::Warnings;
Status EtcdAddr(std::string_view raw, Config& c, Warnings& w);
Status Hostname(std::string_view raw, Config& c, Warnings& w);
Status EtcdScheme(std::string_view raw, Config& c, Warnings& w);
Status EtcdEndpoints(std::string_view raw, Config& c, Warnings& w);
std::string RenderEtcdEndpoints(const Config& c);
Status Api(std::string_view raw, Config& c, Warnings& w);
std::string RenderApi(const Config& c);
Status PollInterval(std::string_view raw, Config& c, Warnings& w);
Status Prefixes(std::string_view raw, Config& c, Warnings& w);
Status ToHost(std::string_view raw, Config& c, Warnings& w);
std::string RenderToHost(const Config& c);
Status DropOverride(std::string_view raw, Config& c, Warnings& w);
std::string RenderDropOverride(const Config& c);
Status TunnelAddr(std::string_view raw, Config& c, Warnings& w);
Status ReportDelay(std::string_view raw, Config& c, Warnings& w);
Status IpsetSize(std::string_view raw, Config& c, Warnings& w);
Status MarkMask(std::string_view raw, Config& c, Warnings& w);
std::string RenderMarkMask(const Config& c);
Status Ipv6(std::string_view raw, Config& c, Warnings& w);
std::string RenderIpv6(const Config& c);
Status Prefix(std::string_view raw, Config& c, Warnings& w);
}  // namespace felix::config::special
