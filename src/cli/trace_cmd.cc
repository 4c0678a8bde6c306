// felixctl trace: one packet through what HOST's agent would program.
#include <ostream>

#include "cli/commands.h"
#include "cli/host_query.h"
#include "rules/trace.h"

namespace felix::cli {
namespace {

Result<rules::TraceQuery> ParseQuery(const TraceOptions& o) {
  rules::TraceQuery q;
  if (o.iface.empty()) return Status::InvalidArgument("--iface is required");
  if (o.direction == "in") {
    q.in_iface = o.iface;
    q.out_iface = o.out_iface;
  } else if (o.direction == "out") {
    if (!o.out_iface.empty()) return Status::InvalidArgument("--out-iface needs --direction in");
    q.out_iface = o.iface;
  } else {
    return Status::InvalidArgument("--direction must be in or out");
  }
  rules::Packet& p = q.packet;
  const auto proto = rules::ProtocolNumber(o.proto);
  if (!proto) return Status::InvalidArgument("unknown --proto '" + o.proto + "'");
  p.proto = *proto;
  const auto src = model::ParseIpAddr(o.src, 0), dst = model::ParseIpAddr(o.dst, 0);
  if (!src) return Status::InvalidArgument("invalid --src '" + o.src + "'");
  if (!dst) return Status::InvalidArgument("invalid --dst '" + o.dst + "'");
  if (src->family != dst->family)
    return Status::InvalidArgument("--src and --dst of different families");
  p.family = src->family;
  p.src = *src;
  p.dst = *dst;
  if ((p.proto == 1 && p.family == 6) || (p.proto == 58 && p.family == 4)) {
    return Status::InvalidArgument("icmp is IPv4 and icmpv6 IPv6");
  }
  const bool icmp = p.proto == 1 || p.proto == 58;
  if (rules::HasPorts(p.proto)) {
    if (o.dport < 1 || o.dport > 65535)
      return Status::InvalidArgument("--dport 1-65535 is required");
    if (o.sport < 0 || o.sport > 65535) return Status::InvalidArgument("--sport must be 0-65535");
    p.sport = o.sport;
    p.dport = o.dport;
  } else if (o.sport || o.dport) {
    return Status::InvalidArgument("--sport/--dport need tcp, udp, sctp or udplite");
  }
  if (icmp) {
    if (o.icmp_type < 0 || o.icmp_type > 255)
      return Status::InvalidArgument("--icmp-type 0-255 is required");
    if (o.icmp_code < -1 || o.icmp_code > 255)
      return Status::InvalidArgument("--icmp-code must be 0-255");
    p.icmp_type = o.icmp_type;
    p.icmp_code = o.icmp_code < 0 ? 0 : o.icmp_code;
  } else if (o.icmp_type >= 0 || o.icmp_code >= 0) {
    return Status::InvalidArgument("--icmp-type/--icmp-code need icmp or icmpv6");
  }
  return q;
}

}  // namespace

int Trace(const TraceOptions& opts, datastore::EtcdClient& etcd, std::ostream& out,
          std::ostream& err) {
  auto query = ParseQuery(opts);
  if (!query.ok()) {
    err << "felixctl: " << query.status().message() << "\n";
    return kExitUsage;
  }
  auto model = internal::LoadHostModel(opts.q, etcd, err);
  if (!model) return kExitUsage;
  const rules::TraceResult t = rules::Trace(model->state, model->resolution, *query);
  out << (t.allowed ? "allow" : "deny") << "\n";
  for (const auto& step : t.steps) out << step << "\n";
  if (!model->ready) out << "note: /calico/v1/Ready is not true: the agent programs nothing yet\n";
  if (!model->interfaces_known) {
    for (const auto& [id, ep] : model->state.host_endpoints) {
      if (ep.name) continue;
      out << "note: host endpoint " << id.endpoint
          << " is given by expected IPs, resolved on the host only (run there, or --local)\n";
    }
  }
  return kExitOk;
}

}  // namespace felix::cli
