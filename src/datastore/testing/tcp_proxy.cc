#include "datastore/testing/tcp_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

namespace felix::datastore::testing {
namespace {

sockaddr_in Loopback(int port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

bool WriteAll(int fd, const char* p, size_t n) {
  while (n > 0) {
    const ssize_t w = ::send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

}  // namespace

Result<std::unique_ptr<TcpProxy>> TcpProxy::Start(int target_port) {
  std::unique_ptr<TcpProxy> p(new TcpProxy());
  p->target_port_ = target_port;
  p->listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  p->wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  sockaddr_in a = Loopback(0);
  socklen_t len = sizeof a;
  if (p->listen_fd_ < 0 || p->wake_fd_ < 0 ||
      ::bind(p->listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::listen(p->listen_fd_, 64) != 0 ||
      ::getsockname(p->listen_fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    return Status::IoError(std::string("proxy: ") + std::strerror(errno));
  }
  p->port_ = ntohs(a.sin_port);
  p->thread_ = std::thread([raw = p.get()] { raw->Loop(); });
  return p;
}

TcpProxy::~TcpProxy() {
  stop_ = true;
  const uint64_t one = 1;
  (void)!::write(wake_fd_, &one, sizeof one);
  if (thread_.joinable()) thread_.join();
  for (auto [c, u] : pairs_) {
    ::close(c);
    ::close(u);
  }
  if (listen_fd_ >= 0) ::close(listen_fd_);
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

std::string TcpProxy::endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

void TcpProxy::Freeze() {
  frozen_ = true;
  const uint64_t one = 1;
  (void)!::write(wake_fd_, &one, sizeof one);
}

void TcpProxy::Thaw() {
  frozen_ = false;
  const uint64_t one = 1;
  (void)!::write(wake_fd_, &one, sizeof one);
}

void TcpProxy::Loop() {
  while (!stop_) {
    std::vector<pollfd> fds = {{listen_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    const bool frozen = frozen_;
    if (!frozen) {
      for (auto [c, u] : pairs_) {
        fds.push_back({c, POLLIN, 0});
        fds.push_back({u, POLLIN, 0});
      }
    }
    if (::poll(fds.data(), fds.size(), 1000) <= 0) continue;
    if (fds[1].revents != 0) {
      uint64_t n = 0;
      (void)!::read(wake_fd_, &n, sizeof n);
    }
    if (fds[0].revents & POLLIN) {
      // Accepted even while frozen: the client sees an open connection that
      // never answers, as behind a hung proxy.
      const int c = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      const int u = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_in t = Loopback(target_port_);
      if (c >= 0 && u >= 0 && ::connect(u, reinterpret_cast<sockaddr*>(&t), sizeof t) == 0) {
        pairs_.emplace_back(c, u);
      } else {
        if (c >= 0) ::close(c);
        if (u >= 0) ::close(u);
      }
    }
    if (frozen) continue;
    // Relay from the highest index down so removing a pair keeps the rest.
    for (size_t k = fds.size(); k-- > 2;) {
      if (fds[k].revents == 0) continue;
      const size_t pair = (k - 2) / 2;
      if (pair < pairs_.size()) Relay(pair, (k - 2) % 2 == 0);
    }
  }
}

void TcpProxy::Relay(size_t i, bool from_client) {
  auto [c, u] = pairs_[i];
  const int from = from_client ? c : u, to = from_client ? u : c;
  char buf[65536];
  const size_t rate = rate_;
  // Throttled: a tenth of a second's worth, then a tenth of a second's wait.
  const size_t want = rate == 0 ? sizeof buf : std::min(sizeof buf, std::max<size_t>(rate / 10, 1));
  const ssize_t n = ::recv(from, buf, want, MSG_DONTWAIT);
  if (rate != 0 && n > 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (n <= 0 || !WriteAll(to, buf, static_cast<size_t>(n))) {
    ::close(c);
    ::close(u);
    pairs_.erase(pairs_.begin() + static_cast<std::ptrdiff_t>(i));
  }
}

}  // namespace felix::datastore::testing
