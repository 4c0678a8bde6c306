// The /calico/v1 key grammar (spec §1): ParseKey maps an etcd key to a typed
// id, KeyPath maps it back, KeyForKind builds one from felixctl's
// `--kind K --id ID`.
//
// Matching is by exact segment templates, like Felix 1.4.9's regexes: every
// variable segment is [^/]+, the path must have exactly the template's depth,
// and empty segments (so "//" or a trailing "/") never match. Only the
// leading "/" is optional.
//
// Escapes follow libcalico-go (Python Felix did not unescape): in
// orchestrator, workload, endpoint, profile, tier, policy and network-set
// segments the
// exact lower-case sequence "%2f" decodes to "/" and then "%25" to "%" (Go's
// strings.Replace; "%2F" is left as is). Hostnames, config names and IPAM
// pool ids are taken verbatim. KeyPath escapes "%" as "%25" first, then "/"
// as "%2f", which is the inverse of the decoder, so ParseKey(KeyPath(k)) == k
// for every k that ParseKey returns.
#include "model/keys.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <vector>

#include "base/overloaded.h"

namespace felix::model {
namespace {

std::string ReplaceAll(std::string_view s, std::string_view from, std::string_view to) {
  std::string out;
  size_t pos = 0;
  for (;;) {
    size_t hit = s.find(from, pos);
    out.append(s.substr(pos, hit == s.npos ? s.npos : hit - pos));
    if (hit == s.npos) return out;
    out.append(to);
    pos = hit + from.size();
  }
}

std::string Unescape(std::string_view s) {
  return ReplaceAll(ReplaceAll(s, "%2f", "/"), "%25", "%");
}
std::string Escape(std::string_view s) { return ReplaceAll(ReplaceAll(s, "%", "%25"), "/", "%2f"); }

// Splits on '/'; empty when any segment is empty.
std::optional<std::vector<std::string_view>> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    size_t slash = path.find('/', start);
    std::string_view seg = path.substr(start, slash == path.npos ? path.npos : slash - start);
    if (seg.empty()) return std::nullopt;
    out.push_back(seg);
    if (slash == path.npos) return out;
    start = slash + 1;
  }
}

std::optional<Key> ParseHostKey(const std::vector<std::string_view>& s) {
  // s = host <h> ...
  std::string host(s[1]);
  if (s.size() == 3 && s[2] == "bird_ip") return HostIpKey{host};
  if (s.size() == 4 && s[2] == "config") return HostConfigKey{host, std::string(s[3])};
  if (s.size() == 4 && s[2] == "endpoint") return HostEndpointKey{host, Unescape(s[3])};
  if (s.size() == 7 && s[2] == "workload" && s[5] == "endpoint") {
    return WorkloadEndpointKey{host, Unescape(s[3]), Unescape(s[4]), Unescape(s[6])};
  }
  return std::nullopt;
}

std::optional<Key> ParsePolicyKey(const std::vector<std::string_view>& s) {
  // s = policy profile|tier <name> ...
  if (s[1] == "profile" && s.size() == 4) {
    std::string profile = Unescape(s[2]);
    if (s[3] == "rules") return ProfileRulesKey{profile};
    if (s[3] == "tags") return ProfileTagsKey{profile};
    if (s[3] == "labels") return ProfileLabelsKey{profile};
    return std::nullopt;
  }
  if (s[1] == "tier" && s.size() == 4 && s[3] == "metadata") {
    return TierMetadataKey{Unescape(s[2])};
  }
  if (s[1] == "tier" && s.size() == 5 && s[3] == "policy") {
    return PolicyKey{Unescape(s[2]), Unescape(s[4])};
  }
  return std::nullopt;
}

}  // namespace

std::optional<Key> ParseKey(std::string_view path) {
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  auto segs = Segments(path);
  if (!segs || segs->size() < 3 || (*segs)[0] != "calico" || (*segs)[1] != "v1") {
    return std::nullopt;
  }
  std::vector<std::string_view> s(segs->begin() + 2, segs->end());
  if (s.size() == 1 && s[0] == "Ready") return ReadyKey{};
  if (s.size() == 2 && s[0] == "config") return GlobalConfigKey{std::string(s[1])};
  if (s.size() >= 3 && s[0] == "host") return ParseHostKey(s);
  if (s.size() >= 4 && s[0] == "policy") return ParsePolicyKey(s);
  if (s.size() == 4 && s[0] == "ipam" && (s[1] == "v4" || s[1] == "v6") && s[2] == "pool") {
    return IpamPoolKey{s[1] == "v4" ? 4 : 6, std::string(s[3])};
  }
  if (s.size() == 2 && s[0] == "netset") return NetworkSetKey{Unescape(s[1])};
  return std::nullopt;
}

std::string KeyPath(const Key& key) {
  constexpr std::string_view kRoot = "/calico/v1";
  return std::visit(
      Overloaded{
          [&](const ReadyKey&) { return fmt::format("{}/Ready", kRoot); },
          [&](const GlobalConfigKey& k) { return fmt::format("{}/config/{}", kRoot, k.name); },
          [&](const HostConfigKey& k) {
            return fmt::format("{}/host/{}/config/{}", kRoot, k.hostname, k.name);
          },
          [&](const HostEndpointKey& k) {
            return fmt::format("{}/host/{}/endpoint/{}", kRoot, k.hostname, Escape(k.endpoint));
          },
          [&](const WorkloadEndpointKey& k) {
            return fmt::format("{}/host/{}/workload/{}/{}/endpoint/{}", kRoot, k.hostname,
                               Escape(k.orchestrator), Escape(k.workload), Escape(k.endpoint));
          },
          [&](const ProfileRulesKey& k) {
            return fmt::format("{}/policy/profile/{}/rules", kRoot, Escape(k.profile));
          },
          [&](const ProfileTagsKey& k) {
            return fmt::format("{}/policy/profile/{}/tags", kRoot, Escape(k.profile));
          },
          [&](const ProfileLabelsKey& k) {
            return fmt::format("{}/policy/profile/{}/labels", kRoot, Escape(k.profile));
          },
          [&](const TierMetadataKey& k) {
            return fmt::format("{}/policy/tier/{}/metadata", kRoot, Escape(k.tier));
          },
          [&](const PolicyKey& k) {
            return fmt::format("{}/policy/tier/{}/policy/{}", kRoot, Escape(k.tier),
                               Escape(k.policy));
          },
          [&](const HostIpKey& k) { return fmt::format("{}/host/{}/bird_ip", kRoot, k.hostname); },
          [&](const IpamPoolKey& k) {
            return fmt::format("{}/ipam/v{}/pool/{}", kRoot, k.ip_version, k.pool_id);
          },
          [&](const NetworkSetKey& k) {
            return fmt::format("{}/netset/{}", kRoot, Escape(k.name));
          },
      },
      key);
}

Result<Key> KeyForKind(std::string_view kind, std::string_view id, int ip_version,
                       std::string_view default_hostname) {
  // Each kind: its name, the id form for messages, the placeholder id (with
  // "{host}" standing for default_hostname) and the key path template, whose
  // "{N}" are the id's '/'-separated segments.
  struct KindSpec {
    std::string_view kind, noun, form, placeholder, path;
  };
  static constexpr std::array<KindSpec, 9> kKinds = {{
      {"host-endpoint", "host endpoint", "HOST/ENDPOINT", "{host}/endpoint",
       "host/{0}/endpoint/{1}"},
      {"workload-endpoint", "workload endpoint", "HOST/ORCHESTRATOR/WORKLOAD/ENDPOINT",
       "{host}/orchestrator/workload/endpoint", "host/{0}/workload/{1}/{2}/endpoint/{3}"},
      {"profile-rules", "profile", "PROFILE", "profile", "policy/profile/{0}/rules"},
      {"profile-tags", "profile", "PROFILE", "profile", "policy/profile/{0}/tags"},
      {"profile-labels", "profile", "PROFILE", "profile", "policy/profile/{0}/labels"},
      {"tier", "tier", "TIER", "default", "policy/tier/{0}/metadata"},
      {"policy", "policy", "TIER/POLICY", "default/policy", "policy/tier/{0}/policy/{1}"},
      {"ipam-pool", "ipam pool", "POOL_ID", "pool", "ipam/v{v}/pool/{0}"},
      {"network-set", "network set", "NAME", "netset", "netset/{0}"},
  }};
  const KindSpec* spec = nullptr;
  for (const KindSpec& k : kKinds) {
    if (k.kind == kind) spec = &k;
  }
  if (spec == nullptr) {
    std::vector<std::string_view> names;
    names.reserve(std::size(kKinds));
    for (const KindSpec& k : kKinds) names.push_back(k.kind);
    return Status::InvalidArgument(
        fmt::format("unknown kind '{}'; expected one of {}", kind, fmt::join(names, ", ")));
  }
  if (spec->kind == "ipam-pool" && ip_version != 4 && ip_version != 6) {
    return Status::InvalidArgument(
        fmt::format("ipam pool ip version must be 4 or 6, not {}", ip_version));
  }
  std::string full_id =
      id.empty() ? ReplaceAll(spec->placeholder, "{host}", default_hostname) : std::string(id);
  auto segs = Segments(full_id);
  const size_t want = std::count(spec->form.begin(), spec->form.end(), '/') + 1;
  if (!segs || segs->size() != want) {
    return Status::InvalidArgument(
        fmt::format("{} id must be {}, not '{}'", spec->noun, spec->form, full_id));
  }
  // One pass over the template, so text in the id is never re-expanded.
  std::string path;
  for (size_t i = 0; i < spec->path.size(); ++i) {
    if (spec->path[i] != '{') {
      path += spec->path[i];
      continue;
    }
    char field = spec->path[i + 1];
    path += field == 'v' ? std::to_string(ip_version) : std::string((*segs)[field - '0']);
    i += 2;  // skip "N}"
  }
  auto key = ParseKey("/calico/v1/" + path);
  if (!key) {  // unreachable: non-empty segments without '/' always match
    return Status::InvalidArgument(fmt::format("invalid {} id '{}'", spec->noun, full_id));
  }
  return *key;
}

}  // namespace felix::model
