// Starting and stopping a real etcd for tests: fork/exec on loopback ports
// found by binding port 0, health polled over HTTP(S) with a deadline.
#include "datastore/testing/etcd_server.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include <fmt/format.h>

#include "datastore/http.h"
#include "datastore/testing/subprocess.h"

namespace felix::datastore::testing {
namespace {

int FreeLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (fd >= 0) close(fd);
    return 0;
  }
  close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace

Result<std::unique_ptr<EtcdServer>> EtcdServer::Start() { return Start(EtcdServerOptions{}); }

Result<std::unique_ptr<EtcdServer>> EtcdServer::Start(const EtcdServerOptions& options) {
  std::unique_ptr<EtcdServer> server(new EtcdServer());
  char tmpl[] = "/tmp/felix-etcd-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) return Status::IoError("mkdtemp failed");
  server->dir_ = tmpl;
  if (options.tls) {
    auto pki = MakeTestPki(server->dir_);
    if (!pki.ok()) return pki.status();
    server->pki_ = std::move(*pki);
    server->tls_ = true;
  }
  server->client_port_ = FreeLoopbackPort();
  server->peer_port_ = FreeLoopbackPort();
  if (server->client_port_ == 0 || server->peer_port_ == 0) {
    return Status::IoError("no free loopback port");
  }
  Status s = server->Launch();
  if (!s.ok()) return s;
  return server;
}

EtcdServer::~EtcdServer() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    for (int i = 0; i < 50; ++i) {
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    Kill();
  }
  std::error_code ec;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
}

std::string EtcdServer::endpoint() const {
  return fmt::format("{}://127.0.0.1:{}", tls_ ? "https" : "http", client_port_);
}

EtcdSettings EtcdServer::Settings(EtcdApi api) const {
  EtcdSettings s;
  s.api = api;
  s.endpoints = {endpoint()};
  if (tls_) {
    s.ca_file = pki_.ca_cert;
    s.cert_file = pki_.client_cert;
    s.key_file = pki_.client_key;
  }
  return s;
}

void EtcdServer::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

Status EtcdServer::Restart() {
  Kill();
  return Launch();
}

Status EtcdServer::Launch() {
  std::string peer = fmt::format("http://127.0.0.1:{}", peer_port_);
  std::vector<std::string> args = {"/usr/bin/etcd",
                                   "--name=felix-test",
                                   "--enable-v2",
                                   "--data-dir=" + dir_ + "/data",
                                   "--listen-client-urls=" + endpoint(),
                                   "--advertise-client-urls=" + endpoint(),
                                   "--listen-peer-urls=" + peer,
                                   "--initial-advertise-peer-urls=" + peer,
                                   "--initial-cluster=felix-test=" + peer};
  if (tls_) {
    args.insert(args.end(), {"--cert-file=" + pki_.server_cert, "--key-file=" + pki_.server_key,
                             "--trusted-ca-file=" + pki_.ca_cert, "--client-cert-auth"});
  }
  std::string log = dir_ + "/etcd.log";
  auto argv = ArgvPointers(args);  // allocate before fork: the child may only exec
  pid_t pid = fork();
  if (pid < 0) return Status::IoError("fork failed");
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the test process
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    execv(argv[0], argv.data());
    _exit(127);
  }
  pid_ = pid;
  auto http = MakeCurlTransport(Settings(EtcdApi::kV2));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      return Status::IoError("etcd exited at start; see " + log);
    }
    auto resp = http->Do(MakeRequest("GET", "/health"));
    if (resp.ok() && resp->status == 200 && resp->body.find("true") != std::string::npos) {
      return Status::Ok();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return Status::Unavailable("etcd not healthy within 20 s; see " + log);
}

Result<std::string> EtcdServer::Etcdctl(EtcdApi api, const std::vector<std::string>& extra) const {
  std::vector<std::string> args = {"/usr/bin/etcdctl", "--endpoints=" + endpoint()};
  if (tls_ && api == EtcdApi::kV2) {
    args.insert(args.end(), {"--ca-file=" + pki_.ca_cert, "--cert-file=" + pki_.client_cert,
                             "--key-file=" + pki_.client_key});
  } else if (tls_) {
    args.insert(args.end(), {"--cacert=" + pki_.ca_cert, "--cert=" + pki_.client_cert,
                             "--key=" + pki_.client_key});
  }
  args.insert(args.end(), extra.begin(), extra.end());
  std::vector<std::string> env = EnvironmentWithout("ETCDCTL_");
  env.push_back(std::string("ETCDCTL_API=") + (api == EtcdApi::kV2 ? "2" : "3"));
  return RunProgram(args, env);
}

}  // namespace felix::datastore::testing
