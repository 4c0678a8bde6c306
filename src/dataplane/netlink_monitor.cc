// The real InterfaceMonitor: one NETLINK_ROUTE socket subscribed to link and
// IPv4/IPv6 address events. At creation it dumps links and addresses; after
// that it only reads events when the daemon loop finds fd() readable (event
// driven, no polling). The socket belongs to the network namespace of the
// thread that created it.
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>

#include "dataplane/dataplane.h"

namespace felix::dataplane {
namespace {

class NetlinkMonitor : public InterfaceMonitor {
 public:
  explicit NetlinkMonitor(int fd) : fd_(fd) {}
  ~NetlinkMonitor() override { close(fd_); }
  NetlinkMonitor(const NetlinkMonitor&) = delete;
  NetlinkMonitor& operator=(const NetlinkMonitor&) = delete;

  int fd() const override { return fd_; }
  const InterfaceAddrs& Interfaces() const override { return view_; }
  const std::set<std::string>* OperUp() const override { return &up_view_; }

  // Sends a dump request and reads until NLMSG_DONE.
  Status Dump(int type, int family) {
    struct {
      nlmsghdr h;
      rtgenmsg g;
    } req{};
    req.h.nlmsg_len = sizeof(req);
    req.h.nlmsg_type = type;
    req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    req.h.nlmsg_seq = ++seq_;
    req.g.rtgen_family = family;
    if (send(fd_, &req, sizeof(req), 0) < 0) {
      return Status::IoError(fmt::format("netlink dump request: {}", std::strerror(errno)));
    }
    bool done = false;
    while (!done) {
      Result<bool> r = ReadOnce(/*blocking=*/true, &done);
      if (!r.ok()) return r.status();
    }
    Rebuild();
    return Status::Ok();
  }

  Result<bool> ReadEvents() override {
    InterfaceAddrs before = view_;
    for (;;) {
      bool done = false;
      Result<bool> r = ReadOnce(/*blocking=*/false, &done);
      if (!r.ok() && r.status().IsUnavailable()) {  // events lost: dump again
        names_.clear();
        addrs_.clear();
        running_.clear();
        Status st = Dump(RTM_GETLINK, AF_UNSPEC);
        if (st.ok()) st = Dump(RTM_GETADDR, AF_UNSPEC);
        if (!st.ok()) return st;
        continue;
      }
      if (!r.ok()) return r.status();
      if (!*r) break;  // nothing more pending
    }
    Rebuild();
    // True for address changes only: a link going up or down wakes the loop
    // (the fd) and shows in OperUp(), but changes no dispatch.
    return view_ != before;
  }

 private:
  // Reads one datagram; false if none was pending (non-blocking). Sets *done
  // on NLMSG_DONE (end of a dump).
  Result<bool> ReadOnce(bool blocking, bool* done) {
    alignas(nlmsghdr) char buf[1 << 16];
    ssize_t n = recv(fd_, buf, sizeof(buf), blocking ? 0 : MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return false;
      if (errno == ENOBUFS) {  // events lost: our view may be stale
        return Status::Unavailable("netlink event queue overflowed");
      }
      return Status::IoError(fmt::format("netlink recv: {}", std::strerror(errno)));
    }
    // NLMSG_OK/NLMSG_NEXT, spelled with unsigned lengths (the macros mix
    // signs, which clang warns about).
    const size_t total = static_cast<size_t>(n);
    size_t off = 0;
    while (off + sizeof(nlmsghdr) <= total) {
      auto* h = reinterpret_cast<nlmsghdr*>(buf + off);
      if (h->nlmsg_len < sizeof(nlmsghdr) || off + h->nlmsg_len > total) break;
      if (h->nlmsg_type == NLMSG_DONE) *done = true;
      if (h->nlmsg_type == NLMSG_ERROR) *done = true;
      Handle(h);
      off += NLMSG_ALIGN(h->nlmsg_len);
    }
    return true;
  }

  void Handle(nlmsghdr* h) {
    if (h->nlmsg_type == RTM_NEWLINK || h->nlmsg_type == RTM_DELLINK) {
      auto* ifi = static_cast<ifinfomsg*>(NLMSG_DATA(h));
      if (h->nlmsg_type == RTM_DELLINK) {
        names_.erase(ifi->ifi_index);
        addrs_.erase(ifi->ifi_index);
        running_.erase(ifi->ifi_index);
        return;
      }
      if (ifi->ifi_flags & IFF_RUNNING) {
        running_.insert(ifi->ifi_index);
      } else {
        running_.erase(ifi->ifi_index);
      }
      int len = IFLA_PAYLOAD(h);
      for (rtattr* a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
        if (a->rta_type == IFLA_IFNAME) {
          names_[ifi->ifi_index] = static_cast<const char*>(RTA_DATA(a));
        }
      }
    } else if (h->nlmsg_type == RTM_NEWADDR || h->nlmsg_type == RTM_DELADDR) {
      auto* ifa = static_cast<ifaddrmsg*>(NLMSG_DATA(h));
      if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6) return;
      model::IpAddr ip;
      ip.family = ifa->ifa_family == AF_INET ? 4 : 6;
      const size_t size = ip.family == 4 ? 4 : 16;
      bool found = false;
      int len = IFA_PAYLOAD(h);
      for (rtattr* a = IFA_RTA(ifa); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
        // IFA_LOCAL is the local address on point-to-point links; prefer it.
        if ((a->rta_type == IFA_LOCAL || (a->rta_type == IFA_ADDRESS && !found)) &&
            RTA_PAYLOAD(a) >= size) {
          std::memcpy(ip.bytes.data(), RTA_DATA(a), size);
          found = true;
        }
      }
      if (!found) return;
      if (h->nlmsg_type == RTM_NEWADDR) {
        addrs_[ifa->ifa_index].insert(ip);
      } else {
        addrs_[ifa->ifa_index].erase(ip);
      }
    }
  }

  void Rebuild() {
    view_.clear();
    up_view_.clear();
    for (const auto& [index, name] : names_) {
      std::string n = name.substr(0, name.find('@'));
      auto it = addrs_.find(index);
      if (running_.contains(index)) up_view_.insert(n);
      view_[n] = it == addrs_.end() ? std::set<model::IpAddr>{} : it->second;
    }
  }

  const int fd_;
  uint32_t seq_ = 0;
  std::map<int, std::string> names_;              // ifindex -> name
  std::map<int, std::set<model::IpAddr>> addrs_;  // ifindex -> addresses
  std::set<int> running_;                         // ifindexes with IFF_RUNNING
  InterfaceAddrs view_;
  std::set<std::string> up_view_;  // names of the running ones
};

}  // namespace

Result<std::unique_ptr<InterfaceMonitor>> MakeNetlinkInterfaceMonitor() {
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) return Status::IoError(fmt::format("netlink socket: {}", std::strerror(errno)));
  sockaddr_nl addr{};
  addr.nl_family = AF_NETLINK;
  addr.nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) < 0) {
    Status st = Status::IoError(fmt::format("netlink bind: {}", std::strerror(errno)));
    close(fd);
    return st;
  }
  auto m = std::make_unique<NetlinkMonitor>(fd);
  Status st = m->Dump(RTM_GETLINK, AF_UNSPEC);
  if (st.ok()) st = m->Dump(RTM_GETADDR, AF_UNSPEC);
  if (!st.ok()) return st;
  return std::unique_ptr<InterfaceMonitor>(std::move(m));
}

}  // namespace felix::dataplane
