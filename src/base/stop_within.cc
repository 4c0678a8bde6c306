// StopWithin (stop_within.h).
#include "base/stop_within.h"

#include <future>
#include <memory>
#include <thread>

namespace felix {

bool StopWithin(std::function<void()> stop, std::chrono::milliseconds limit) {
  auto done = std::make_shared<std::promise<void>>();
  std::future<void> finished = done->get_future();
  std::thread([stop = std::move(stop), done] {
    stop();
    done->set_value();
  }).detach();
  return finished.wait_for(limit) == std::future_status::ready;
}

}  // namespace felix
