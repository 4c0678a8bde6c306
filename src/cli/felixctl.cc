// felixctl's command table: wires CLI11 flags to the subcommands in
// commands.h. The etcd commands (init, apply, get, ls, rm, status, explain,
// trace) are in felixctl_etcd.cc.
#include <CLI/CLI.hpp>
#include <functional>
#include <iostream>
#include <vector>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/felixctl_internal.h"
#include "dataplane/dataplane.h"
#include "datastore/datastore.h"

namespace felix::cli {
namespace {

using internal::Invocation;

struct SelectorArgs {
  std::string labels;
  std::string selector;
  bool batch = false;
};

void AddSelectorCommand(CLI::App& app, Invocation& inv, SelectorArgs& a, std::istream& in,
                        std::ostream& out, std::ostream& err) {
  auto* sel = app.add_subcommand("selector", "Work with label selectors");
  sel->require_subcommand(1);
  auto* eval = sel->add_subcommand("eval", "Evaluate a selector against labels");
  eval->add_option("--labels", a.labels, "Labels as a JSON object of strings");
  eval->add_flag("--batch", a.batch,
                 "Read JSON lines {\"selector\": ..., \"labels\": {...}} from stdin");
  eval->add_option("selector", a.selector, "The selector expression");
  eval->callback([&] {
    if (a.batch) {
      inv.run = [&] { return SelectorEvalBatch(in, out); };
    } else {
      inv.run = [&] { return SelectorEval(a.labels, a.selector, out, err); };
    }
  });
}

void AddValidateCommand(CLI::App& app, Invocation& inv, ValidateOptions& o, std::ostream& out,
                        std::ostream& err) {
  auto* v = app.add_subcommand("validate", "Validate a datastore value as the agent would");
  auto* key = v->add_option("--key", o.key, "The etcd key (kind and ids come from it)");
  auto* kind = v->add_option("--kind", o.kind,
                             "host-endpoint|workload-endpoint|profile-rules|profile-tags|"
                             "profile-labels|tier|policy|rule|ipam-pool|network-set");
  key->excludes(kind);
  v->add_option("--id", o.id, "The object's id as it appears in its key")->needs(kind);
  v->add_option("--hostname", o.hostname, "This agent's hostname (default: the object's host)");
  v->add_option("--iface-prefix", o.iface_prefix, "InterfacePrefix list, e.g. cali,tap");
  v->add_option("--ip-version", o.ip_version, "IP version of an IPAM pool")
      ->check(CLI::IsMember({4, 6}));
  v->add_option("value", o.value, "The raw value (JSON or string)")->required();
  v->callback([&] {
    if (o.key.empty() && o.kind.empty()) {
      throw CLI::ValidationError("validate", "one of --key or --kind is required");
    }
    inv.run = [&] { return Validate(o, out, err); };
  });
}

void AddCountersCommand(CLI::App& app, Invocation& inv, CountersOptions& o, std::ostream& out,
                        std::ostream& err) {
  auto* c = app.add_subcommand("counters",
                               "Packets and bytes per rule of table inet calico on this host");
  c->add_option("--iface", o.iface, "Only the rules packets of this interface can reach");
  c->add_option("-o,--output", o.output, "text or json")->capture_default_str();
  c->callback([&] { inv.run = [&] { return Counters(o, dataplane::ListTableJson, out, err); }; });
}

}  // namespace

int RunFelixctl(int argc, const char* const* argv, std::istream& in, std::ostream& out,
                std::ostream& err) {
  return RunFelixctl(argc, argv, in, out, err,
                     [](const datastore::EtcdSettings& s) { return datastore::MakeEtcdClient(s); });
}

int RunFelixctl(int argc, const char* const* argv, std::istream& in, std::ostream& out,
                std::ostream& err, const EtcdClientFactory& make_client) {
  CLI::App app("felixctl: operate a Felix++ (Calico v1) datastore", "felixctl");
  app.require_subcommand(1);
  Invocation inv;
  SelectorArgs selector_args;
  ValidateOptions validate_opts;
  AddSelectorCommand(app, inv, selector_args, in, out, err);
  AddValidateCommand(app, inv, validate_opts, out, err);
  CountersOptions counters_opts;
  AddCountersCommand(app, inv, counters_opts, out, err);
  internal::EtcdArgs etcd_args;
  internal::AddEtcdCommands(app, inv, etcd_args, {in, out, err}, make_client);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Prints help (for --help, on out) or the error (on err).
    return app.exit(e, out, err) == 0 ? kExitOk : kExitUsage;
  }
  return inv.run ? inv.run() : kExitUsage;
}

}  // namespace felix::cli
