// Test support: a TCP proxy on loopback in front of a real server, which can
// freeze like a hung proxy or etcd member: connections are accepted and kept
// open, and not one byte is relayed until it thaws. Not for production use.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "base/status.h"

namespace felix::datastore::testing {

class TcpProxy {
 public:
  // Listens on 127.0.0.1 (an ephemeral port), relaying to 127.0.0.1:target.
  static Result<std::unique_ptr<TcpProxy>> Start(int target_port);
  ~TcpProxy();
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  // "http://127.0.0.1:<port>".
  std::string endpoint() const;
  void Freeze();
  void Thaw();
  // Relays at most about `bytes_per_second` (0 = as fast as it can): a slow
  // link that keeps moving.
  void SetRate(size_t bytes_per_second) { rate_ = bytes_per_second; }

 private:
  TcpProxy() = default;
  void Loop();
  void Relay(size_t i, bool from_client);

  int listen_fd_ = -1;
  int wake_fd_ = -1;  // eventfd: Freeze/Thaw/stop
  int port_ = 0;
  int target_port_ = 0;
  std::atomic<bool> frozen_{false};
  std::atomic<bool> stop_{false};
  std::atomic<size_t> rate_{0};
  std::vector<std::pair<int, int>> pairs_;  // (client, upstream); loop thread only
  std::thread thread_;
};

}  // namespace felix::datastore::testing
