// calico-felix: the Felix++ agent. Start of day as Felix 1.x (spec §17.1):
// env + config file, logging, FelixHostname, then the datastore (waiting for
// Ready), calc and the nftables dataplane. SIGTERM/SIGINT stop it without
// touching the dataplane; SIGHUP reopens the log files.
#include <malloc.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdlib>
#include <iostream>

#include "base/log.h"
#include "base/stop_within.h"
#include "base/system.h"
#include "daemon/agent.h"
#include "daemon/bootstrap.h"
#include "daemon/status_server.h"
#include "daemon/systemd_notify.h"

namespace felix::daemon {
namespace {

const Logger kLog("calico.felix.felix");
// SIGTERM/SIGINT end the process within this, whatever it is doing (the
// service manager's stop timeout is longer; an operator's Ctrl-C too).
constexpr std::chrono::milliseconds kStopLimit{800};

int Main(int argc, char** argv) {
  std::string config_file = kDefaultConfigFile;
  CLI::App app("calico-felix: the Felix++ host firewall agent", "calico-felix");
  app.add_option("-c,--config-file", config_file, "Config file (a missing file is fine)");
  CLI11_PARSE(app, argc, argv);

  // A peer that closes a socket we write to (a metrics or health client,
  // etcd) is an error on that write, not the end of the agent.
  std::signal(SIGPIPE, SIG_IGN);
  // Signals are handled by sigwait below; every thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  for (int s : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&signals, s);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // Descriptors for etcd, netlink and the log must never run out: take the
  // hard limit where the soft one is lower.
  RaiseFileLimit();

  // Default logging until the config says otherwise: errors to the screen.
  LogRouter::Get().SetSink(LogRouter::Slot::kScreen, MakeScreenSink(), Severity::kError);

  config::ConfigInputs inputs;
  inputs.env = ProcessEnvironment();
  inputs.file_path = config_file;
  inputs.default_hostname = SystemHostname();
  auto file = ReadFileIfExists(config_file);
  if (!file.ok()) {
    FLOG_CRITICAL(kLog, "{}", file.status().message());
    return 1;
  }
  inputs.file_text = *file;
  auto bootstrap = config::ResolveConfig(inputs);
  if (!bootstrap.ok()) {
    FLOG_CRITICAL(kLog, "Invalid configuration: {}", bootstrap.status().message());
    return 1;
  }
  ConfigureLogging(bootstrap->config);
  FLOG_INFO(kLog, "Felix initializing");
  if (!inputs.file_text) FLOG_INFO(kLog, "Config file {} not present", config_file);
  LogParameters(*bootstrap);
  FLOG_INFO(kLog, "Connecting to etcd to get our configuration.");

  AgentDeps deps;
  deps.etcd = datastore::MakeEtcdClient(datastore::SettingsFromConfig(*bootstrap));
  deps.status_etcd = datastore::MakeEtcdClient(datastore::SettingsFromConfig(*bootstrap));
  deps.endpoint_status_etcd = datastore::MakeEtcdClient(datastore::SettingsFromConfig(*bootstrap));
  auto nft = dataplane::MakeLibNftablesBackend();
  if (!nft.ok()) {
    FLOG_CRITICAL(kLog, "Cannot use nftables: {}", nft.status().message());
    return 1;
  }
  deps.nft = std::move(nft).value();
  auto monitor = dataplane::MakeNetlinkInterfaceMonitor();
  if (monitor.ok()) {
    deps.interfaces = std::move(monitor).value();
  } else {
    FLOG_ERROR(kLog, "No interface monitor (host endpoints by IP won't resolve): {}",
               monitor.status().message());
  }

  Agent agent(inputs, *bootstrap, std::move(deps));
  agent.Start();
  // Hosts are local-only (HealthHost: loopback by default); whether each
  // server runs and on which port follows the config live.
  const config::Config& c = bootstrap->config;
  StatusServerSlot health(StatusServer::Kind::kHealth, c.health_host, agent.status());
  StatusServerSlot metrics(
      StatusServer::Kind::kMetrics,
      c.prometheus_metrics_host.empty() ? "0.0.0.0" : c.prometheus_metrics_host, agent.status());
  SystemdNotifier systemd;
  const timespec kReconcileEvery{0, 500'000'000};
  for (;;) {
    health.Want(agent.status().health_port);
    metrics.Want(agent.status().metrics_port);
    systemd.Poll(agent.status(), std::chrono::steady_clock::now());
    const int sig = sigtimedwait(&signals, nullptr, &kReconcileEvery);
    if (sig < 0) continue;  // timeout (or EINTR): reconcile the servers
    if (sig == SIGHUP) {
      LogRouter::Get().ReopenAll();
      FLOG_INFO(kLog, "Reopened log files on SIGHUP");
      continue;
    }
    FLOG_INFO(kLog, "Received signal {}; exiting, leaving the dataplane in place", sig);
    systemd.Stopping();
    if (!StopWithin(
            [&] {
              health.Stop();
              metrics.Stop();
              agent.Stop();
            },
            kStopLimit)) {
      // A long transaction is still in the kernel: abandoning it is safe
      // (it is atomic and aborts when our socket closes).
      FLOG_WARNING(kLog, "Stopping took longer than {} ms; exiting now, the table stays as it was",
                   kStopLimit.count());
      std::_Exit(0);
    }
    return 0;
  }
}

}  // namespace
}  // namespace felix::daemon

int main(int argc, char** argv) {
  // One malloc arena for all threads: the syncer thread allocates the
  // snapshot and the loop thread frees it; with per-thread arenas that
  // memory could not serve the loop's own allocations, and the two peaks
  // added up (VmHWM 203 MB against 161 MB at 100k endpoints). The threads
  // rarely allocate at the same time, so the shared lock costs nothing
  // measurable.
  mallopt(M_ARENA_MAX, 1);
  try {
    return felix::daemon::Main(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "calico-felix: fatal: " << e.what() << "\n";
    return 1;
  }
}
