// The etcd half of felixctl's command table: init, apply, get, ls and rm, each
// with the shared connection flags, wired to the Run functions in commands.h.
#include <cstdlib>
#include <istream>
#include <ostream>

#include "base/system.h"
#include "cli/felixctl_internal.h"
#include "datastore/datastore.h"

namespace felix::cli::internal {
namespace {

void AddConnectionFlags(CLI::App* cmd, EtcdOptions& o) {
  cmd->add_option("-c,--config-file", o.config_file,
                  "Felix config file for the Etcd* settings (a missing file is fine)")
      ->capture_default_str();
  cmd->add_option("--etcd-endpoints", o.endpoints, "etcd URLs, e.g. http://10.0.0.5:2379[,URL]");
  cmd->add_option("--etcd-api", o.api, "etcd API: v2 or v3 (default: EtcdApi, else v2)");
}

// Runs `command` with a client for the resolved settings; settings errors
// exit kExitUsage.
std::function<int()> WithClient(
    EtcdArgs& a, Streams io, const EtcdClientFactory& make_client,
    std::function<int(const CtlSettings&, datastore::EtcdClient&)> command) {
  return [&a, io, &make_client, command = std::move(command)] {
    auto settings = LoadCtlSettings(a.etcd);
    if (!settings.ok()) {
      io.err << "felixctl: " << settings.status().message() << "\n";
      return kExitUsage;
    }
    std::unique_ptr<datastore::EtcdClient> client = make_client(settings->etcd);
    return command(*settings, *client);
  };
}

void AddGuardFlags(CLI::App* cmd, GuardOptions& g) {
  cmd->add_option("--protect", g.protect,
                  "Refuse the change if it cuts tcp from SRC to PORT on a policed interface "
                  "(SRC:PORT; repeatable). SSH_CONNECTION and the agents' etcd are always kept");
}

// The guard's view of where felixctl runs and what the agents use.
void FillGuard(GuardOptions& g, const EtcdOptions& e, const CtlSettings& s) {
  g.enabled = true;
  const char* ssh = std::getenv("SSH_CONNECTION");
  g.ssh_connection = ssh ? ssh : "";
  g.etcd_endpoints = s.etcd.endpoints;
  g.local_host = s.felix_hostname.empty() ? SystemHostname() : s.felix_hostname;
  g.config_file = e.config_file;
}

void AddHostFlags(CLI::App* cmd, HostQuery& q) {
  cmd->add_option("--host", q.host, "The host (its FelixHostname)")->required();
  cmd->add_flag("--local", q.local,
                "Resolve host endpoints given by expected IPs with this machine's interfaces "
                "(implied when --host is this machine's hostname)");
}

void AddInspectCommands(CLI::App& app, Invocation& inv, EtcdArgs& a, Streams io,
                        const EtcdClientFactory& make_client) {
  auto* trace = app.add_subcommand(
      "trace", "What HOST's rules do with a new connection; the first line is allow or deny");
  TraceOptions& t = a.trace;
  AddHostFlags(trace, t.q);
  trace
      ->add_option("--iface", t.iface,
                   "The interface the packet arrives on (in) or leaves by (out)")
      ->required();
  trace->add_option("--direction", t.direction, "in (to this host) or out (from it)")
      ->capture_default_str();
  trace->add_option("--out-iface", t.out_iface, "Forwarded: the interface it leaves by");
  trace->add_option("--proto", t.proto, "tcp, udp, icmp, icmpv6, sctp, udplite or a number")
      ->required();
  trace->add_option("--src", t.src, "Source IP")->required();
  trace->add_option("--dst", t.dst, "Destination IP")->required();
  trace->add_option("--sport", t.sport, "Source port (default 0)");
  trace->add_option("--dport", t.dport, "Destination port");
  trace->add_option("--icmp-type", t.icmp_type, "ICMP type");
  trace->add_option("--icmp-code", t.icmp_code, "ICMP code (default 0)");
  AddConnectionFlags(trace, a.etcd);
  trace->callback([&, io] {
    inv.run = WithClient(a, io, make_client, [&a, io](const CtlSettings&, auto& etcd) {
      a.trace.q.config_file = a.etcd.config_file;
      return Trace(a.trace, etcd, io.out, io.err);
    });
  });

  auto* explain = app.add_subcommand(
      "explain", "What applies to an endpoint of HOST: failsafe, tiers, policies, profiles");
  ExplainOptions& e = a.explain;
  AddHostFlags(explain, e.q);
  auto* ep = explain->add_option("--endpoint", e.endpoint,
                                 "Host endpoint id, or ORCHESTRATOR/WORKLOAD/ENDPOINT");
  explain->add_option("--iface", e.iface, "Interface name")->excludes(ep);
  explain->add_option("-o,--output", e.output, "text or json")->capture_default_str();
  AddConnectionFlags(explain, a.etcd);
  explain->callback([&, io] {
    inv.run = WithClient(a, io, make_client, [&a, io](const CtlSettings&, auto& etcd) {
      a.explain.q.config_file = a.etcd.config_file;
      return Explain(a.explain, etcd, io.out, io.err);
    });
  });
}

}  // namespace

void AddEtcdCommands(CLI::App& app, Invocation& inv, EtcdArgs& a, Streams io,
                     const EtcdClientFactory& make_client) {
  auto* init = app.add_subcommand("init", "Set /calico/v1/Ready; optionally a failsafe policy");
  init->add_option("--management-cidr", a.init.management_cidr,
                   "Write the guide's failsafe policy allowing ssh from this CIDR");
  init->add_option(
      "--etcd-endpoint", a.init.etcd_endpoint,
      "etcd IP[:PORT,...] for the failsafe policy (ports default 2379,2380,4001,7001)");
  AddConnectionFlags(init, a.etcd);
  init->callback([&, io] {
    inv.run = WithClient(a, io, make_client, [&a, io](const CtlSettings&, auto& etcd) {
      return Init(a.init, etcd, io.out, io.err);
    });
  });

  auto* apply = app.add_subcommand("apply", "Validate key/value documents, then write them all");
  apply->add_option("-f,--filename", a.apply.file, "JSON or YAML documents; - for stdin")
      ->required();
  apply->add_flag("--force", a.apply.guard.force, "Write even if the lockout guard refuses");
  AddGuardFlags(apply, a.apply.guard);
  AddConnectionFlags(apply, a.etcd);
  apply->callback([&, io] {
    inv.run = WithClient(a, io, make_client, [&a, io](const CtlSettings& s, auto& etcd) {
      a.apply.interface_prefixes = s.interface_prefixes;
      FillGuard(a.apply.guard, a.etcd, s);
      return Apply(a.apply, io.in, etcd, io.out, io.err);
    });
  });

  auto* get = app.add_subcommand("get", "Print the raw value of a key");
  get->add_option("key", a.key, "The etcd key")->required();
  AddConnectionFlags(get, a.etcd);
  get->callback([&, io] {
    inv.run = WithClient(a, io, make_client, [&a, io](const CtlSettings&, auto& etcd) {
      return Get(a.key, etcd, io.out, io.err);
    });
  });

  auto* ls = app.add_subcommand("ls", "List the keys under a prefix, sorted");
  ls->add_option("prefix", a.ls.prefix, "The prefix")->capture_default_str();
  ls->add_flag("-l,--long", a.ls.long_format, "Print \"<key> <value>\"");
  AddConnectionFlags(ls, a.etcd);
  ls->callback([&, io] {
    inv.run = WithClient(a, io, make_client, [&a, io](const CtlSettings&, auto& etcd) {
      return Ls(a.ls, etcd, io.out, io.err);
    });
  });

  auto* status = app.add_subcommand("status", "The hosts that report their status, and their age");
  AddConnectionFlags(status, a.etcd);
  status->callback([&, io] {
    inv.run = WithClient(a, io, make_client, [io](const CtlSettings&, auto& etcd) {
      return HostsStatus(etcd, std::chrono::system_clock::now(), io.out, io.err);
    });
  });

  auto* rm = app.add_subcommand("rm", "Delete a key (with -r, everything below it too)");
  rm->add_option("key", a.key, "The etcd key")->required();
  rm->add_flag("-r,--recursive", a.recursive, "Also delete everything below KEY/");
  rm->add_flag("--force", a.force,
               "Allow -r outside /calico/; delete even if the lockout guard refuses");
  AddGuardFlags(rm, a.rm_guard);
  AddConnectionFlags(rm, a.etcd);
  rm->callback([&, io] {
    inv.run = WithClient(a, io, make_client, [&a, io](const CtlSettings& s, auto& etcd) {
      FillGuard(a.rm_guard, a.etcd, s);
      return Rm(a.key, a.recursive, a.force, etcd, io.out, io.err, a.rm_guard);
    });
  });

  AddInspectCommands(app, inv, a, io, make_client);
}

}  // namespace felix::cli::internal
