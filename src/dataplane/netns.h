// Test helper (integration tests and benchmarks only): throwaway network
// namespaces named felixtest-<pid>-<n>-<role>, entered in-process with setns
// so the libnftables context and netlink sockets created while inside belong
// to them. The root namespace is never modified: Enter() refuses to return ok
// unless the thread really left it, and the destructor returns the thread to
// its original namespace and deletes every namespace it created.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "base/status.h"

namespace felix::dataplane {

// Runs `cmd` through /bin/sh; returns its exit status (-1 if it did not exit).
int Sh(const std::string& cmd);

class NetnsSandbox {
 public:
  NetnsSandbox();
  ~NetnsSandbox();
  NetnsSandbox(const NetnsSandbox&) = delete;
  NetnsSandbox& operator=(const NetnsSandbox&) = delete;

  // Creates namespace `role` (with lo up).
  Status Add(const std::string& role);
  // The full namespace name of a role.
  std::string Name(const std::string& role) const;
  // Runs `cmd` inside namespace `role` (ip netns exec); returns exit status.
  int Exec(const std::string& role, const std::string& cmd) const;
  // A veth pair a(role_a) <-> b(role_b), both up.
  Status Veth(const std::string& role_a, const std::string& if_a, const std::string& role_b,
              const std::string& if_b);
  // Moves this thread into namespace `role`; fails if that left it in the
  // original namespace.
  Status Enter(const std::string& role);
  // Back to the original namespace.
  void Leave();
  // A listening TCP socket (dual stack) on `port` inside `role`; closed by the
  // destructor. The kernel completes handshakes without accept().
  Status Listen(const std::string& role, int port);

 private:
  std::string prefix_;
  int original_fd_ = -1;
  std::map<std::string, std::string> names_;
  std::vector<int> sockets_;
};

}  // namespace felix::dataplane
