// felixctl explain: what applies to one endpoint of HOST, as HOST's agent
// would program it. Built as JSON first; the text form renders that JSON,
// so both always say the same.
#include <nlohmann/json.hpp>
#include <ostream>
#include <set>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/host_query.h"
#include "model/model.h"
#include "rules/trace.h"

namespace felix::cli {
namespace {

using nlohmann::json;

// The endpoint explained: what applies to it, and whether it is a host one.
struct Target {
  const calc::EndpointPolicy* policy = nullptr;
  bool host = true;
};

std::string Label(const daemon::HostModel& m, const std::string& id) {
  const auto it = m.state.ip_sets.find(id);
  const size_t n = it == m.state.ip_sets.end() ? 0 : it->second.size();
  const auto src = m.ip_set_sources.find(id);
  return fmt::format("{} ({}, {} IPs)", id, src == m.ip_set_sources.end() ? "?" : src->second, n);
}

// The host model, and the IP sets the explained rules name (collected while
// their text is written).
struct Ctx {
  const daemon::HostModel& m;
  std::set<std::string> named_sets;
};

json Rules(Ctx& c, const std::vector<calc::Rule>& rules) {
  json out = json::array();
  const rules::SetLabel label = [&c](const std::string& id) {
    c.named_sets.insert(id);
    return Label(c.m, id);
  };
  for (const auto& r : rules) out.push_back(rules::DescribeRule(r, label));
  return out;
}

json Tiers(Ctx& c, const std::vector<calc::TierInfo>& tiers, bool inbound) {
  const daemon::HostModel& m = c.m;
  json out = json::array();
  for (const auto& t : tiers) {
    json policies = json::array();
    for (const auto& name : t.policies) {
      json p = {{"name", name}};
      const calc::PolicyId id{t.name, name};
      if (const auto src = m.policy_sources.find(id); src != m.policy_sources.end()) {
        p["selector"] = src->second.selector;
        p["order"] = src->second.order ? json(*src->second.order) : json("default");
      }
      const auto it = m.state.policies.find(id);
      p["rules"] = it == m.state.policies.end()
                       ? json::array()
                       : Rules(c, inbound ? it->second.inbound : it->second.outbound);
      if (!rules::PolicyGoverns(m.state, id, inbound)) {
        p["governs"] = false;  // its types leave out this direction: skipped
      }
      policies.push_back(std::move(p));
    }
    out.push_back({{"tier", t.name},
                   {"default_action", t.default_pass ? "pass" : "deny"},
                   {"policies", std::move(policies)}});
  }
  return out;
}

// Forwarded traffic through a host endpoint: "v1" (its normal policy, host
// to host only), else the apply_on_forward policies that apply (none:
// allowed).
json Forwarded(const rules::DesiredState& s, const calc::EndpointPolicy& p, bool inbound) {
  if (rules::ForwardsLegacy(s, p)) return "v1";
  json ids = json::array();
  for (const auto& t : p.tiers) {
    for (const auto& name : t.policies) {
      const calc::PolicyId id{t.name, name};
      if (rules::AppliesOnForward(s, id) && rules::PolicyGoverns(s, id, inbound)) {
        ids.push_back(t.name + "/" + name);
      }
    }
  }
  return ids;
}

json Direction(Ctx& c, const Target& t, bool inbound) {
  const daemon::HostModel& m = c.m;
  json d = {{"direction", inbound ? "inbound" : "outbound"}};
  if (t.host) d["untracked_tiers"] = Tiers(c, t.policy->untracked_tiers, inbound);
  if (t.host && inbound) d["pre_dnat_tiers"] = Tiers(c, t.policy->pre_dnat_tiers, inbound);
  d["tiers"] = Tiers(c, t.policy->tiers, inbound);
  json profiles = json::array();
  for (const auto& id : t.policy->profile_ids) {
    const auto it = m.state.profiles.find(id);
    if (it == m.state.profiles.end()) {
      profiles.push_back({{"id", id}, {"missing", true}, {"rules", json::array()}});
      break;  // the chain drops there: nothing after it applies
    }
    profiles.push_back(
        {{"id", id}, {"rules", Rules(c, inbound ? it->second.inbound : it->second.outbound)}});
  }
  d["profiles"] = std::move(profiles);
  d["end"] = "drop";
  if (t.host) d["forwarded"] = Forwarded(m.state, *t.policy, inbound);
  return d;
}

// Also fills `endpoint` (its JSON description), or `why` there is none.
std::optional<Target> FindTarget(const daemon::HostModel& m, const ExplainOptions& o,
                                 json& endpoint, std::string& why) {
  Target t;
  const auto& s = m.state;
  auto host_target = [&](const calc::HostEndpointUpdate& ep) {
    t.policy = &ep.policy;
    json ifaces = json::array();
    std::string how;
    if (ep.name && model::IsInterfaceTemplate(*ep.name)) {
      ifaces.push_back(*ep.name);
      how = *ep.name == "*"
                ? "\"*\": every host interface no other endpoint has"
                : "by template: every interface starting with " +
                      ep.name->substr(0, ep.name->size() - 1) + " that no other endpoint has";
    } else if (ep.name) {
      ifaces.push_back(*ep.name);
      how = "by name";
    } else if (!m.interfaces_known) {
      how = "by expected IPs, resolved on the host only (run there, or --local)";
    } else {
      how = "by expected IPs";
      for (const auto* res : {&m.resolution.v4_ifaces, &m.resolution.v6_ifaces}) {
        if (auto it = res->find(ep.id); it != res->end()) {
          for (const auto& n : it->second) {
            if (std::find(ifaces.begin(), ifaces.end(), n) == ifaces.end()) ifaces.push_back(n);
          }
        }
      }
      if (ifaces.empty()) how += ": no interface here carries one (not policed)";
    }
    json v4 = json::array(), v6 = json::array();
    for (const auto& a : ep.expected_ipv4_addrs) v4.push_back(a.ToString());
    for (const auto& a : ep.expected_ipv6_addrs) v6.push_back(a.ToString());
    endpoint = {{"kind", "host"},    {"id", ep.id.endpoint},      {"interfaces", ifaces},
                {"resolution", how}, {"expected_ipv4_addrs", v4}, {"expected_ipv6_addrs", v6}};
  };
  auto workload_target = [&](const calc::WorkloadEndpointUpdate& ep) {
    t.policy = &ep.policy;
    t.host = false;
    endpoint = {{"kind", "workload"},
                {"id", fmt::format("{}/{}/{}", ep.id.orchestrator, ep.id.workload, ep.id.endpoint)},
                {"interfaces", json::array({ep.name})},
                {"active", ep.active}};
  };
  if (!o.endpoint.empty()) {
    if (auto it = s.host_endpoints.find({o.endpoint}); it != s.host_endpoints.end()) {
      host_target(it->second);
      return t;
    }
    for (const auto& [id, ep] : s.workload_endpoints) {
      if (fmt::format("{}/{}/{}", id.orchestrator, id.workload, id.endpoint) == o.endpoint) {
        workload_target(ep);
        return t;
      }
    }
    why =
        fmt::format("no endpoint {} on host {} that the agent would accept", o.endpoint, o.q.host);
    return std::nullopt;
  }
  for (const auto& [id, ep] : s.workload_endpoints) {
    if (ep.name == o.iface) {
      workload_target(ep);
      return t;
    }
  }
  for (int family : {4, 6}) {
    if (const auto id = rules::HostEndpointOfInterface(s, m.resolution, o.iface, family)) {
      host_target(s.host_endpoints.at(*id));
      return t;
    }
  }
  why = rules::DescribeInterface(s, m.resolution, o.iface, 4);
  return std::nullopt;
}

std::string Order(const json& order) {
  return order.is_number() ? fmt::format("{}", order.get<double>()) : order.get<std::string>();
}

void Text(const json& j, std::ostream& out) {
  const json& ep = j["endpoint"];
  out << fmt::format("{} endpoint {} on host {}\n", ep["kind"].get<std::string>(),
                     ep["id"].get<std::string>(), j["host"].get<std::string>());
  std::string ifaces;
  for (const auto& i : ep["interfaces"])
    ifaces += (ifaces.empty() ? "" : ", ") + i.get<std::string>();
  out << "  interfaces: " << (ifaces.empty() ? "none" : ifaces);
  if (ep.contains("resolution")) out << " (" << ep["resolution"].get<std::string>() << ")";
  if (ep.contains("active") && !ep["active"].get<bool>()) out << " (not active: all dropped)";
  out << "\n";
  if (j.contains("failsafe")) {
    for (const char* dir : {"inbound", "outbound"}) {
      std::string list;
      for (const auto& e : j["failsafe"][dir])
        list += (list.empty() ? "" : ", ") + e.get<std::string>();
      out << "  failsafe " << dir << ": " << (list.empty() ? "none" : list) << "\n";
    }
  }
  auto tiers = [&](const json& ts, const char* title) {
    for (const auto& t : ts) {
      out << "    " << title << "tier " << t["tier"].get<std::string>() << "\n";
      for (const auto& p : t["policies"]) {
        out << "      policy " << p["name"].get<std::string>();
        if (p.contains("order"))
          out << " (order " << Order(p["order"]) << ", selector "
              << p["selector"].get<std::string>() << ")";
        out << "\n";
        if (!p.value("governs", true)) {
          out << "        (its types leave out this direction: skipped)\n";
          continue;
        }
        int n = 0;
        for (const auto& r : p["rules"])
          out << "        " << ++n << ". " << r.get<std::string>() << "\n";
        if (n == 0) out << "        (no rules for this direction)\n";
      }
      if (title[0] != '\0') continue;
      out << (t.value("default_action", "deny") == "pass"
                  ? "      end of tier: pass to what follows (default_action pass)\n"
                  : "      end of tier: drop unless a policy allowed or passed\n");
    }
  };
  for (const auto& d : j["directions"]) {
    out << "  " << d["direction"].get<std::string>() << ":\n";
    if (d.contains("untracked_tiers")) tiers(d["untracked_tiers"], "untracked ");
    if (d.contains("pre_dnat_tiers")) tiers(d["pre_dnat_tiers"], "pre-DNAT ");
    tiers(d["tiers"], "");
    for (const auto& p : d["profiles"]) {
      out << "    profile " << p["id"].get<std::string>();
      if (p.value("missing", false)) {
        out << ": missing or invalid: drop here\n";
        continue;
      }
      out << "\n";
      int n = 0;
      for (const auto& r : p["rules"])
        out << "        " << ++n << ". " << r.get<std::string>() << "\n";
    }
    out << "    then: " << d["end"].get<std::string>() << "\n";
    if (d.contains("forwarded")) {
      const json& f = d["forwarded"];
      if (f.is_string()) {
        out << "    forwarded: as above between host interfaces; to or from workloads not "
               "policed (no policy sets apply_on_forward: v1 behaviour)\n";
      } else if (f.empty()) {
        out << "    forwarded: allowed (no apply_on_forward policy governs this direction)\n";
      } else {
        std::string list;
        for (const auto& id : f) list += (list.empty() ? "" : ", ") + id.get<std::string>();
        out << "    forwarded: apply_on_forward policies only (" << list << "), then drop\n";
      }
    }
  }
  for (const auto& [id, set] : j["ip_sets"].items()) {
    out << "  ip set " << id << ": " << set["source"].get<std::string>() << ", "
        << set["ips"].get<size_t>() << " IPs\n";
  }
  for (const auto& n : j["notes"]) out << "  note: " << n.get<std::string>() << "\n";
}

}  // namespace

int Explain(const ExplainOptions& opts, datastore::EtcdClient& etcd, std::ostream& out,
            std::ostream& err) {
  if (opts.endpoint.empty() == opts.iface.empty()) {
    err << "felixctl: exactly one of --endpoint or --iface is required\n";
    return kExitUsage;
  }
  if (opts.output != "text" && opts.output != "json") {
    err << "felixctl: -o must be text or json\n";
    return kExitUsage;
  }
  auto model = internal::LoadHostModel(opts.q, etcd, err);
  if (!model) return kExitUsage;
  std::string why;
  json endpoint;
  const auto target = FindTarget(*model, opts, endpoint, why);
  if (!target) {
    err << "felixctl: " << why << "\n";
    return kExitInvalid;
  }
  json j = {{"host", opts.q.host}, {"endpoint", std::move(endpoint)}};
  if (target->host) {
    json in = json::array(), outb = json::array();
    for (const auto& f : model->state.config.failsafe_inbound) in.push_back(f.ToString());
    for (const auto& f : model->state.config.failsafe_outbound) outb.push_back(f.ToString());
    j["failsafe"] = {{"inbound", in}, {"outbound", outb}};
  }
  Ctx c{*model, {}};
  j["directions"] = {Direction(c, *target, true), Direction(c, *target, false)};
  // Every IP set the endpoint's rules name.
  json sets = json::object();
  for (const auto& id : c.named_sets) {
    const auto members = model->state.ip_sets.find(id);
    if (members == model->state.ip_sets.end()) continue;
    const auto src = model->ip_set_sources.find(id);
    sets[id] = {{"source", src == model->ip_set_sources.end() ? "?" : src->second},
                {"ips", members->second.size()}};
  }
  j["ip_sets"] = std::move(sets);
  json notes = json::array();
  if (!model->ready)
    notes.push_back("/calico/v1/Ready is not true: the agent programs nothing yet");
  for (const auto& w : model->warnings) notes.push_back(w);
  j["notes"] = std::move(notes);
  if (opts.output == "json") {
    out << j.dump(2) << "\n";
  } else {
    Text(j, out);
  }
  return kExitOk;
}

}  // namespace felix::cli
