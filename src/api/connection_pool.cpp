// A task queue that grows with the open connections (see connection_pool.hpp).
#include "api/connection_pool.hpp"

#include <algorithm>

#include "util/log.hpp"

namespace hs {

ConnectionPool::ConnectionPool(std::size_t base, std::size_t max, std::chrono::milliseconds idle_exit)
    : base_(std::max<std::size_t>(base, 1)), max_(std::max(max, std::max<std::size_t>(base, 1))), idle_exit_(idle_exit) {
  std::lock_guard lock(mutex_);
  for (std::size_t i = 0; i < base_; ++i) spawn();
}

ConnectionPool::~ConnectionPool() { shutdown(); }

void ConnectionPool::spawn() {
  const std::size_t id = next_id_++;
  ++idle_;  // free from now on, before its thread runs: enqueue() counts it
  threads_.emplace(id, std::thread([this, id] { work(id); }));
}

void ConnectionPool::enqueue(std::function<void()> fn) {
  join_finished();
  {
    std::lock_guard lock(mutex_);
    jobs_.push_back(std::move(fn));
    // More tasks waiting than free workers: one more worker, unless at the maximum.
    if (idle_ < jobs_.size() && threads_.size() < max_) {
      spawn();
      if (threads_.size() == max_)
        log::get("server")->warn("{} HTTP connections open: the server's limit; new ones wait for one to end", max_);
    }
  }
  wake_.notify_one();
}

void ConnectionPool::work(std::size_t id) {
  std::unique_lock lock(mutex_);
  for (;;) {
    bool timed_out = false;
    while (jobs_.empty() && !stopping_ && !timed_out)
      timed_out = wake_.wait_for(lock, idle_exit_) == std::cv_status::timeout && jobs_.empty();
    if (jobs_.empty()) {
      // Stopping with nothing queued, or idle long enough while above the base.
      if (stopping_) {
        --idle_;
        return;
      }
      if (threads_.size() > base_) break;
      continue;
    }
    auto job = std::move(jobs_.front());
    jobs_.pop_front();
    --idle_;
    lock.unlock();
    job();
    lock.lock();
    ++idle_;
  }
  // An extra worker leaves: its thread object is joined by the next enqueue or by shutdown.
  --idle_;
  auto self = threads_.find(id);
  finished_.push_back(std::move(self->second));
  threads_.erase(self);
}

void ConnectionPool::join_finished() {
  std::vector<std::thread> done;
  {
    std::lock_guard lock(mutex_);
    done.swap(finished_);
  }
  for (auto& t : done) t.join();
}

void ConnectionPool::shutdown() {
  std::map<std::size_t, std::thread> running;
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  // Workers leave only through `return` once stopping (no one erases itself from threads_ then),
  // except those already on their way out, which are in finished_.
  {
    std::lock_guard lock(mutex_);
    running.swap(threads_);
  }
  for (auto& [id, t] : running) t.join();
  join_finished();
}

std::size_t ConnectionPool::workers() const {
  std::lock_guard lock(mutex_);
  return threads_.size();
}

}  // namespace hs
