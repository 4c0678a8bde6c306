// The lockout guard (lockout_guard.h).
#include "cli/lockout_guard.h"

#include <charconv>
#include <ostream>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "cli/host_query.h"
#include "model/model.h"
#include "rules/trace.h"

namespace felix::cli::internal {
namespace {

// Hosts checked at most per change: each costs two model builds.
constexpr size_t kMaxHosts = 20;
// The source port of connections we only know by destination.
constexpr int kEphemeralPort = 50000;

struct Check {
  std::string what;
  rules::TraceQuery q;
};

std::optional<int> Port(std::string_view s) {
  int n = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || p != s.data() + s.size() || n < 1 || n > 65535) return std::nullopt;
  return n;
}

// "1.2.3.4:22" / "[fd00::1]:22" -> address and port.
std::optional<std::pair<model::IpAddr, int>> AddrPort(std::string_view s) {
  std::string_view host;
  std::string_view port;
  if (s.starts_with('[')) {
    const size_t close = s.find("]:");
    if (close == std::string_view::npos) return std::nullopt;
    host = s.substr(1, close - 1);
    port = s.substr(close + 2);
  } else {
    const size_t colon = s.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    host = s.substr(0, colon);
    port = s.substr(colon + 1);
  }
  const auto ip = model::ParseIpAddr(host, 0);
  const auto p = Port(port);
  if (!ip || !p) return std::nullopt;
  return std::make_pair(*ip, *p);
}

// "http://10.0.0.5:2379" -> 10.0.0.5, 2379 (nullopt for names: the guard
// only checks addresses it knows).
std::optional<std::pair<model::IpAddr, int>> UrlAddrPort(std::string_view url) {
  if (const size_t s = url.find("://"); s != std::string_view::npos) url = url.substr(s + 3);
  url = url.substr(0, url.find('/'));
  if (auto ap = AddrPort(url)) return ap;
  if (auto ip = model::ParseIpAddr(url.starts_with('[') ? url.substr(1, url.size() - 2) : url, 0)) {
    return std::make_pair(*ip, 2379);
  }
  return std::nullopt;
}

struct Bound {
  std::string iface;
  model::IpAddr addr;  // an address of this host on it
};

// Interfaces that dispatch to a host endpoint (for `family`) in `m`, with an
// address: the interface's own when known, else the endpoint's expected one.
void AddBound(const daemon::HostModel& m, const daemon::HostModelInputs& in, int family,
              std::map<std::string, Bound>& out) {
  std::set<std::string> names;
  if (in.interfaces) {
    for (const auto& [name, addrs] : *in.interfaces) names.insert(name);
  }
  for (const auto& [id, ep] : m.state.host_endpoints) {
    if (ep.name && !model::IsInterfaceTemplate(*ep.name)) names.insert(*ep.name);
  }
  for (const auto* res : {&m.resolution.v4_ifaces, &m.resolution.v6_ifaces}) {
    for (const auto& [id, ifaces] : *res) names.insert(ifaces.begin(), ifaces.end());
  }
  for (const auto& name : names) {
    if (out.contains(name)) continue;
    const auto id = rules::HostEndpointOfInterface(m.state, m.resolution, name, family);
    if (!id) continue;
    std::optional<model::IpAddr> addr;
    if (in.interfaces) {
      if (auto it = in.interfaces->find(name); it != in.interfaces->end()) {
        for (const auto& a : it->second) {
          if (a.family == family && !addr) addr = a;
        }
      }
    }
    const auto& ep = m.state.host_endpoints.at(*id);
    const auto& expected = family == 4 ? ep.expected_ipv4_addrs : ep.expected_ipv6_addrs;
    if (!addr && !expected.empty()) addr = expected.front();
    if (addr) out[name] = Bound{name, *addr};
  }
}

std::vector<Check> ChecksOf(const GuardOptions& o, const daemon::HostModelInputs& in,
                            const daemon::HostModel& before, const daemon::HostModel& after,
                            std::vector<std::string>& notes) {
  std::vector<Check> checks;
  std::map<std::string, Bound> bound[2];  // per family: 4, 6
  for (int f : {4, 6}) {
    for (const auto* m : {&before, &after}) AddBound(*m, in, f, bound[f == 6]);
  }
  auto tcp = [](const std::string& in_if, const std::string& out_if, const model::IpAddr& src,
                int sport, const model::IpAddr& dst, int dport) {
    rules::TraceQuery q{in_if, out_if, {}};
    q.packet.family = src.family;
    q.packet.proto = 6;
    q.packet.src = src;
    q.packet.dst = dst;
    q.packet.sport = sport;
    q.packet.dport = dport;
    return q;
  };
  if (in.hostname == o.local_host && !o.ssh_connection.empty()) {
    std::istringstream s(o.ssh_connection);
    std::string cip, cport, sip, sport;
    s >> cip >> cport >> sip >> sport;
    const auto c = model::ParseIpAddr(cip, 0), d = model::ParseIpAddr(sip, 0);
    const auto cp = Port(cport), dp = Port(sport);
    std::string iface;
    if (c && d && cp && dp && in.interfaces) {
      for (const auto& [name, addrs] : *in.interfaces) {
        if (addrs.contains(*d)) iface = name;
      }
    }
    if (iface.empty()) {
      notes.push_back("SSH_CONNECTION: its local address is on no interface here; not checked");
    } else {
      checks.push_back({fmt::format("your SSH connection from {} (SSH_CONNECTION)", cip),
                        tcp(iface, "", *c, *cp, *d, *dp)});
    }
  }
  for (const auto& p : o.protect) {
    const auto ap = AddrPort(p);
    if (!ap) continue;  // validated by the caller
    for (const auto& [name, b] : bound[ap->first.family == 6]) {
      checks.push_back(
          {fmt::format("tcp from {} to port {} (--protect)", ap->first.ToString(), ap->second),
           tcp(name, "", ap->first, kEphemeralPort, b.addr, ap->second)});
    }
  }
  for (const auto& url : o.etcd_endpoints) {
    const auto ap = UrlAddrPort(url);
    if (!ap) {
      notes.push_back(
          fmt::format("etcd endpoint {}: not an address; its connection not checked", url));
      continue;
    }
    for (const auto& [name, b] : bound[ap->first.family == 6]) {
      checks.push_back({fmt::format("the agent's etcd connection to {}", url),
                        tcp("", name, b.addr, kEphemeralPort, ap->first, ap->second)});
    }
  }
  return checks;
}

std::string Steps(const rules::TraceResult& t) {
  std::string out;
  for (const auto& s : t.steps) out += (out.empty() ? "" : "; ") + s;
  return out;
}

// Deny rules of the changed policies and profiles on a failsafe port.
void FailsafeDenies(const std::vector<datastore::KeyUpdate>& changes,
                    const calc::DataplaneConfig& c, std::vector<std::string>& warnings) {
  for (const auto& ch : changes) {
    if (!ch.value) continue;
    const auto key = model::ParseKey(ch.key);
    if (!key) continue;
    const model::Decoded d = model::DecodeValue(*key, *ch.value, model::ValidationContext{});
    if (!d.value) continue;
    const std::vector<model::Rule>* lists[2] = {nullptr, nullptr};
    if (const auto* p = std::get_if<model::Policy>(&*d.value)) {
      lists[0] = &p->inbound;
      lists[1] = &p->outbound;
    } else if (const auto* r = std::get_if<model::ProfileRules>(&*d.value)) {
      lists[0] = &r->inbound;
      lists[1] = &r->outbound;
    }
    for (int dir = 0; dir < 2; ++dir) {
      if (!lists[dir]) continue;
      const auto& failsafe = dir == 0 ? c.failsafe_inbound : c.failsafe_outbound;
      for (size_t i = 0; i < lists[dir]->size(); ++i) {
        const model::Rule& r = (*lists[dir])[i];
        if (r.action != model::Action::kDeny || !r.match.dst_ports) continue;
        for (const auto& fp : failsafe) {
          const int proto = fp.protocol == config::Protocol::kTcp ? 6 : 17;
          if (rules::ProtocolNumber(r.match.protocol.value_or("")) != proto) continue;
          for (const auto& range : *r.match.dst_ports) {
            if (fp.port < range.lo || fp.port > range.hi) continue;
            warnings.push_back(fmt::format(
                "{}: {} rule {} denies {}, a failsafe port ({}): it has no effect while "
                "failsafe is on",
                ch.key, dir == 0 ? "inbound" : "outbound", i + 1, fp.ToString(),
                dir == 0 ? "FailsafeInboundHostPorts" : "FailsafeOutboundHostPorts"));
          }
        }
      }
    }
  }
}

// Failsafe entries the change removes, where no policy allows what they did.
void FailsafeRemoved(const daemon::HostModelInputs& in, const daemon::HostModel& before,
                     const daemon::HostModel& after, std::vector<std::string>& warnings) {
  for (bool inbound : {true, false}) {
    const auto& was =
        inbound ? before.state.config.failsafe_inbound : before.state.config.failsafe_outbound;
    const auto& is =
        inbound ? after.state.config.failsafe_inbound : after.state.config.failsafe_outbound;
    for (const auto& fp : was) {
      if (std::find(is.begin(), is.end(), fp) != is.end()) continue;
      std::map<std::string, Bound> bound;
      AddBound(after, in, 4, bound);
      for (const auto& [name, b] : bound) {
        // A peer inside the entry's net (its first address), else any.
        auto net = model::ParseCidr(fp.net.empty() ? "198.51.100.1/32" : fp.net, 0);
        if (!net || net->addr.family != 4) continue;
        rules::TraceQuery q{inbound ? name : "", inbound ? "" : name, {}};
        q.packet.proto = fp.protocol == config::Protocol::kTcp ? 6 : 17;
        q.packet.src = inbound ? net->addr : b.addr;
        q.packet.dst = inbound ? b.addr : net->addr;
        q.packet.sport = kEphemeralPort;
        q.packet.dport = fp.port;
        const auto t = rules::Trace(after.state, after.resolution, q);
        if (t.allowed) continue;
        warnings.push_back(fmt::format(
            "host {}: failsafe {} {} is being disabled and no policy allows it on {}: {}",
            in.hostname, inbound ? "inbound" : "outbound", fp.ToString(), name, Steps(t)));
      }
    }
  }
}

}  // namespace

GuardFindings CheckChange(const GuardOptions& opts,
                          const std::vector<daemon::HostModelInputs>& hosts,
                          const std::vector<datastore::KeyUpdate>& changes) {
  GuardFindings f;
  bool denies_checked = false;
  for (const auto& in : hosts) {
    auto before = daemon::BuildHostModel(in);
    daemon::HostModelInputs later = in;
    later.snapshot = daemon::ApplyChanges(in.snapshot, changes);
    auto after = daemon::BuildHostModel(later);
    if (!before.ok() || !after.ok()) {
      f.notes.push_back(fmt::format("host {}: config does not resolve; not checked", in.hostname));
      continue;
    }
    if (!denies_checked) {
      FailsafeDenies(changes, after->state.config, f.warnings);
      denies_checked = true;
    }
    FailsafeRemoved(in, *before, *after, f.warnings);
    const auto checks = ChecksOf(opts, in, *before, *after, f.notes);
    for (const auto& c : checks) {
      const auto b = rules::Trace(before->state, before->resolution, c.q);
      if (!b.allowed) continue;  // already cut: not this change's doing
      const auto a = rules::Trace(after->state, after->resolution, c.q);
      if (a.allowed) continue;
      f.refusals.push_back(fmt::format(
          "this change would cut {} on host {} ({}): {}", c.what, in.hostname,
          c.q.in_iface.empty() ? "out " + c.q.out_iface : "in " + c.q.in_iface, Steps(a)));
    }
    f.notes.push_back(fmt::format("host {}: {} connections checked", in.hostname, checks.size()));
  }
  return f;
}

bool GuardAllows(const GuardOptions& opts, const std::vector<datastore::KeyUpdate>& changes,
                 datastore::EtcdClient& etcd, std::ostream& err) {
  const bool force = opts.force;
  for (const auto& p : opts.protect) {
    if (!AddrPort(p)) {
      err << "felixctl: invalid --protect '" << p << "': expected SRC:PORT\n";
      return false;
    }
  }
  // This machine's view (the datastore, its config file, environment and
  // interfaces), as explain and trace read it; other hosts share the listing.
  HostQuery q;
  q.host = opts.local_host;
  q.config_file = opts.config_file;
  q.local = opts.read_local_interfaces;
  auto local = internal::LoadHostInputs(q, etcd, err);
  if (!local) return force;
  // The hosts concerned: this one, those named by host keys of the change,
  // and for cluster-wide keys (policies, profiles, tiers, global config)
  // every host with a host endpoint.
  std::set<std::string> named, all;
  bool cluster_wide = false;
  for (const auto& ch : changes) {
    const auto key = model::ParseKey(ch.key);
    if (!key) continue;
    if (const auto* h = std::get_if<model::HostEndpointKey>(&*key)) {
      named.insert(h->hostname);
    } else if (const auto* c = std::get_if<model::HostConfigKey>(&*key)) {
      named.insert(c->hostname);
    } else if (!std::holds_alternative<model::WorkloadEndpointKey>(*key)) {
      cluster_wide = true;
    }
  }
  for (const auto& kv : daemon::ApplyChanges(local->snapshot, changes)) {
    const auto key = model::ParseKey(kv.key);
    if (const auto* h = key ? std::get_if<model::HostEndpointKey>(&*key) : nullptr) {
      all.insert(h->hostname);
    }
  }
  std::vector<std::string> hosts = {opts.local_host};
  auto add = [&](const std::string& h) {
    if (std::find(hosts.begin(), hosts.end(), h) == hosts.end()) hosts.push_back(h);
  };
  for (const auto& h : named) add(h);
  if (cluster_wide) {
    for (const auto& h : all) add(h);
  }
  if (hosts.size() > kMaxHosts) hosts.resize(kMaxHosts);  // the first: this one, then named
  std::vector<daemon::HostModelInputs> inputs = {*local};
  for (size_t i = 1; i < hosts.size(); ++i) {
    daemon::HostModelInputs in;
    in.hostname = hosts[i];
    in.snapshot = local->snapshot;
    inputs.push_back(std::move(in));
  }
  const GuardFindings f = CheckChange(opts, inputs, changes);
  for (const auto& w : f.warnings) err << "felixctl: warning: " << w << "\n";
  for (const auto& r : f.refusals) {
    err << "felixctl: " << (force ? "--force: writing although " : "refusing: ") << r << "\n";
  }
  if (!f.refusals.empty() && !force) {
    err << "felixctl: nothing written (--force writes it anyway; --protect SRC:PORT adds a "
           "connection to keep)\n";
    return false;
  }
  return true;
}

}  // namespace felix::cli::internal
