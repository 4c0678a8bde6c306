// Bounded shutdown: a SIGTERM must end the agent within a second whatever
// it is doing. StopWithin runs the orderly stop on a helper thread and gives
// up waiting after a limit; the caller then exits at once (the kernel keeps
// an unfinished nftables transaction atomic: it is aborted when our socket
// closes, and the table stays as it was).
#pragma once

#include <chrono>
#include <functional>

namespace felix {

// Runs `stop` on its own thread; true if it returned within `limit`. On
// false the thread is left running (detached): the caller must not return
// into state `stop` still uses, but exit the process (std::_Exit).
bool StopWithin(std::function<void()> stop, std::chrono::milliseconds limit);

}  // namespace felix
