// The bounded hand-off from the datastore thread to the loop thread. Push
// blocks while the queue is full (back-pressure on the syncer, never lost
// updates); the loop waits on fd() together with its other event sources.
#pragma once

#include <sys/eventfd.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <variant>
#include <vector>

#include "datastore/datastore.h"

namespace felix::daemon {

struct StatusEvent {
  datastore::SyncStatus status;
};
struct UpdatesEvent {
  std::vector<datastore::KeyUpdate> updates;
  // When the syncer handed them over (the change-to-kernel latency's start).
  std::chrono::steady_clock::time_point arrived = std::chrono::steady_clock::now();
};
struct InSyncEvent {};
using Event = std::variant<StatusEvent, UpdatesEvent, InSyncEvent>;

class EventQueue {
 public:
  explicit EventQueue(size_t capacity) : capacity_(capacity), fd_(::eventfd(0, EFD_NONBLOCK)) {}
  ~EventQueue() {
    if (fd_ >= 0) ::close(fd_);
  }
  EventQueue(const EventQueue&) = delete;
  EventQueue& operator=(const EventQueue&) = delete;

  // Readable while events are queued.
  int fd() const { return fd_; }

  // Blocks while full, unless closed. Returns false once closed.
  bool Push(Event e) {
    std::unique_lock<std::mutex> lock(mu_);
    not_full_.wait(lock, [&] { return closed_ || events_.size() < capacity_; });
    if (closed_) return false;
    events_.push_back(std::move(e));
    const uint64_t one = 1;
    (void)!::write(fd_, &one, sizeof one);
    return true;
  }

  // Takes everything queued (possibly nothing); never blocks.
  std::vector<Event> PopAll() {
    std::vector<Event> out;
    {
      std::lock_guard<std::mutex> lock(mu_);
      uint64_t n;
      (void)!::read(fd_, &n, sizeof n);
      out.assign(std::make_move_iterator(events_.begin()), std::make_move_iterator(events_.end()));
      events_.clear();
    }
    not_full_.notify_all();
    return out;
  }

  // Unblocks pushers; later pushes fail.
  void Close() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      closed_ = true;
    }
    not_full_.notify_all();
  }

 private:
  const size_t capacity_;
  const int fd_;
  std::mutex mu_;
  std::condition_variable not_full_;
  std::deque<Event> events_;  // guarded by mu_
  bool closed_ = false;       // guarded by mu_
};

}  // namespace felix::daemon
