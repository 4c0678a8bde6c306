// SystemdNotifier against a real notification socket (a datagram socket
// of our own, named by NOTIFY_SOCKET as systemd does): READY once the
// table is programmed, WATCHDOG pings only while the loop turns.
#include "daemon/systemd_notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace felix::daemon {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::steady_clock;

class NotifySocket {
 public:
  NotifySocket() {
    path_ = (std::filesystem::temp_directory_path() /
             ("felix-notify-" + std::to_string(getpid()) + ".sock"))
                .string();
    unlink(path_.c_str());
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    path_.copy(a.sun_path, sizeof(a.sun_path) - 1);
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
    setenv("NOTIFY_SOCKET", path_.c_str(), 1);
  }
  ~NotifySocket() {
    unsetenv("NOTIFY_SOCKET");
    unsetenv("WATCHDOG_USEC");
    close(fd_);
    unlink(path_.c_str());
  }
  std::vector<std::string> Take() {
    std::vector<std::string> out;
    char buf[512];
    for (ssize_t n; (n = recv(fd_, buf, sizeof buf, 0)) > 0;) out.emplace_back(buf, n);
    return out;
  }

 private:
  std::string path_;
  int fd_ = -1;
};

void Tick(AgentStatus& s, steady_clock::time_point at) {
  s.last_tick_ns = at.time_since_epoch().count();
}

TEST(SystemdNotifierTest, ReadyOnceProgrammedThenWatchdogWhileLive) {
  NotifySocket sock;
  setenv("WATCHDOG_USEC", "2000000", 1);  // 2 s: a ping every 1 s
  SystemdNotifier n;
  AgentStatus s;
  auto now = steady_clock::now();
  Tick(s, now);
  n.Poll(s, now);
  EXPECT_EQ(sock.Take(), std::vector<std::string>{"WATCHDOG=1"});  // live, not yet ready
  s.programmed = true;
  n.Poll(s, now + milliseconds(500));  // READY at once; the next ping not yet due
  EXPECT_EQ(sock.Take(),
            std::vector<std::string>{"READY=1\nSTATUS=In sync; table inet calico programmed"});
  n.Poll(s, now + milliseconds(1100));
  EXPECT_EQ(sock.Take(), std::vector<std::string>{"WATCHDOG=1"});
  // The loop stops turning: no pings, so systemd's watchdog fires.
  n.Poll(s, now + seconds(16));
  n.Poll(s, now + seconds(20));
  EXPECT_TRUE(sock.Take().empty());
  Tick(s, now + seconds(20));
  n.Poll(s, now + seconds(20));
  EXPECT_EQ(sock.Take(), std::vector<std::string>{"WATCHDOG=1"});
  n.Stopping();
  EXPECT_EQ(sock.Take(), std::vector<std::string>{"STOPPING=1"});
  EXPECT_TRUE(n.ready_sent());
}

TEST(SystemdNotifierTest, NoWatchdogAskedNoPings) {
  NotifySocket sock;
  SystemdNotifier n;
  AgentStatus s;
  const auto now = steady_clock::now();
  Tick(s, now);
  n.Poll(s, now);
  n.Poll(s, now + seconds(5));
  EXPECT_TRUE(sock.Take().empty());
}

}  // namespace
}  // namespace felix::daemon
