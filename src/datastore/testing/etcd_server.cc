// Starting and stopping a real etcd for tests: fork/exec on loopback ports
// found by binding port 0, health polled over HTTP with a deadline.
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

std::vector<char*> Argv(std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  return argv;
}

}  // namespace

Result<std::unique_ptr<EtcdServer>> EtcdServer::Start() {
  std::unique_ptr<EtcdServer> server(new EtcdServer());
  char tmpl[] = "/tmp/felix-etcd-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) return Status::IoError("mkdtemp failed");
  server->dir_ = tmpl;
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
  return fmt::format("http://127.0.0.1:{}", client_port_);
}

EtcdSettings EtcdServer::Settings(EtcdApi api) const {
  EtcdSettings s;
  s.api = api;
  s.endpoints = {endpoint()};
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
  std::string log = dir_ + "/etcd.log";
  auto argv = Argv(args);  // allocate before fork: the child may only exec
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
  args.insert(args.end(), extra.begin(), extra.end());
  std::vector<std::string> env = {std::string("ETCDCTL_API=") + (api == EtcdApi::kV2 ? "2" : "3")};
  for (char** e = environ; *e != nullptr; ++e) {
    if (!std::string_view(*e).starts_with("ETCDCTL_")) env.emplace_back(*e);
  }
  auto argv = Argv(args);  // allocate before fork: the child may only exec
  auto envp = Argv(env);
  int fds[2];
  if (pipe(fds) != 0) return Status::IoError("pipe failed");
  pid_t pid = fork();
  if (pid < 0) return Status::IoError("fork failed");
  if (pid == 0) {
    dup2(fds[1], 1);
    dup2(fds[1], 2);
    close(fds[0]);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  close(fds[1]);
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof(buf))) > 0) out.append(buf, n);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Status::IoError(fmt::format("etcdctl failed: {}", out));
  }
  return out;
}

}  // namespace felix::datastore::testing
