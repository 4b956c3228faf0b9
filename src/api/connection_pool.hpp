#pragma once
// The HTTP server's task queue: cpp-httplib (0.11) hands each accepted connection to its task
// queue and the task keeps its worker for as long as the connection lives, idle keep-alive time
// included. A fixed pool of N workers therefore serves nothing new while N idle or slow clients
// are connected, and a hook then waits in line past its 2 s timeout. This pool keeps `base`
// workers and adds one whenever a connection arrives and none is free, up to `max`, so a new
// connection (a hook) is served at once as long as fewer than `max` are open; workers above
// `base` end after `idle_exit` without work. Past `max`, connections wait in the queue.
#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace hs {

class ConnectionPool final : public httplib::TaskQueue {
 public:
  ConnectionPool(std::size_t base, std::size_t max, std::chrono::milliseconds idle_exit = std::chrono::seconds{10});
  ~ConnectionPool() override;  // shuts down if not done yet
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  void enqueue(std::function<void()> fn) override;
  // Runs what is queued, then joins every worker.
  void shutdown() override;

  // Workers alive now (for tests and metrics).
  std::size_t workers() const;

 private:
  void spawn();  // under mutex_
  void work(std::size_t id);
  void join_finished();  // joins workers that ended (outside mutex_)

  const std::size_t base_, max_;
  const std::chrono::milliseconds idle_exit_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  std::map<std::size_t, std::thread> threads_;
  std::vector<std::thread> finished_;  // ended extra workers, joined at the next enqueue or shutdown
  std::size_t next_id_ = 0;
  std::size_t idle_ = 0;
  bool stopping_ = false;
};

}  // namespace hs
