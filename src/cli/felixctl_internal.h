// Internal to felixctl's command table: what a parsed command line asks for,
// and the etcd half of the table (felixctl_etcd.cc).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <iosfwd>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/etcd_settings.h"

namespace felix::cli::internal {

// Filled by CLI11 callbacks, then run.
struct Invocation {
  std::function<int()> run;
};

// The option storage of the etcd commands; must outlive parsing and running.
struct EtcdArgs {
  EtcdOptions etcd;
  InitOptions init;
  ApplyOptions apply;
  std::string key;  // get, rm
  bool recursive = false;
  bool force = false;  // rm -r outside /calico/
  LsOptions ls;
  GuardOptions rm_guard;
  TraceOptions trace;
  ExplainOptions explain;
};

struct Streams {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
};

// Adds init, apply, get, ls and rm.
void AddEtcdCommands(CLI::App& app, Invocation& inv, EtcdArgs& a, Streams io,
                     const EtcdClientFactory& make_client);

}  // namespace felix::cli::internal
