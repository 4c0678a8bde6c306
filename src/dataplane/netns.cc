// NetnsSandbox: see netns.h. Used only by root-only tests and benchmarks.
#include "dataplane/netns.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>

#include <fmt/format.h>

namespace felix::dataplane {
namespace {

std::atomic<int> g_counter{0};

ino_t NetnsInode(int fd) {
  struct stat st {};
  return fstat(fd, &st) == 0 ? st.st_ino : 0;
}

}  // namespace

int Sh(const std::string& cmd) {
  int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

NetnsSandbox::NetnsSandbox()
    : prefix_(fmt::format("felixtest-{}-{}", getpid(), g_counter++)),
      original_fd_(open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)) {}

NetnsSandbox::~NetnsSandbox() {
  for (int s : sockets_) close(s);
  Leave();
  for (const auto& [role, name] : names_) Sh("ip netns del " + name + " 2>/dev/null");
  if (original_fd_ >= 0) close(original_fd_);
}

std::string NetnsSandbox::Name(const std::string& role) const { return prefix_ + "-" + role; }

Status NetnsSandbox::Add(const std::string& role) {
  std::string name = Name(role);
  if (Sh("ip netns add " + name + " 2>/dev/null") != 0) {
    return Status::Unavailable("cannot create network namespace " + name);
  }
  names_[role] = name;
  Exec(role, "ip link set lo up");
  return Status::Ok();
}

int NetnsSandbox::Exec(const std::string& role, const std::string& cmd) const {
  return Sh(fmt::format("ip netns exec {} sh -c '{}'", Name(role), cmd));
}

Status NetnsSandbox::Veth(const std::string& role_a, const std::string& if_a,
                          const std::string& role_b, const std::string& if_b) {
  const std::string tmp = fmt::format("ft{}{}", getpid() % 100000, g_counter++);
  std::string cmd = fmt::format(
      "ip link add {0}a type veth peer name {0}b && ip link set {0}a netns {1} && "
      "ip link set {0}b netns {2} && "
      "ip -n {1} link set {0}a name {3} && ip -n {2} link set {0}b name {4} && "
      "ip -n {1} link set {3} up && ip -n {2} link set {4} up",
      tmp, Name(role_a), Name(role_b), if_a, if_b);
  if (Sh(cmd) != 0) return Status::Unavailable("cannot create veth pair " + if_a + "/" + if_b);
  return Status::Ok();
}

Status NetnsSandbox::Enter(const std::string& role) {
  if (original_fd_ < 0) return Status::Unavailable("cannot open our network namespace");
  int fd = open(("/var/run/netns/" + Name(role)).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::Unavailable("cannot open namespace " + Name(role));
  int rc = setns(fd, CLONE_NEWNET);
  close(fd);
  if (rc != 0) return Status::Unavailable("setns failed");
  int now = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  bool moved = now >= 0 && NetnsInode(now) != NetnsInode(original_fd_);
  if (now >= 0) close(now);
  if (!moved) {
    Leave();
    return Status::Unavailable("setns did not leave the original namespace");
  }
  return Status::Ok();
}

void NetnsSandbox::Leave() {
  if (original_fd_ >= 0) setns(original_fd_, CLONE_NEWNET);
}

Status NetnsSandbox::Listen(const std::string& role, int port) {
  int cur = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  Status st = Enter(role);
  if (st.ok()) {
    int s = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int zero = 0, one = 1;
    setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(port);
    if (s < 0 || bind(s, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 || listen(s, 128) != 0) {
      st = Status::Unavailable(fmt::format("cannot listen on port {}", port));
    }
    if (s >= 0) sockets_.push_back(s);
  }
  if (cur >= 0) {
    setns(cur, CLONE_NEWNET);
    close(cur);
  }
  return st;
}

}  // namespace felix::dataplane
