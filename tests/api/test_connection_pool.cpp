// The HTTP worker pool grows while every worker is held (idle keep-alive, slow clients) and
// shrinks back to its base when the work is gone.
#include <catch2/catch.hpp>

#include <atomic>
#include <condition_variable>
#include <mutex>

#include "api/connection_pool.hpp"
#include "support/server_fixture.hpp"

using namespace hs;
using hs::test::eventually;

TEST_CASE("the connection pool serves a new task at once while every base worker is held", "[api][pool]") {
  ConnectionPool pool(2, 8, std::chrono::milliseconds{100});
  std::mutex m;
  std::condition_variable cv;
  bool release = false;
  std::atomic<int> running{0}, done{0};
  auto held = [&] {
    ++running;
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return release; });
    ++done;
  };
  for (int i = 0; i < 6; ++i) pool.enqueue(held);
  CHECK(eventually([&] { return running == 6; }));  // six at once on a base of two
  CHECK(pool.workers() == 6);
  // Past the maximum, tasks wait for a worker.
  for (int i = 0; i < 4; ++i) pool.enqueue(held);
  CHECK(eventually([&] { return running == 8; }));
  CHECK(pool.workers() == 8);
  {
    std::lock_guard lock(m);
    release = true;
  }
  cv.notify_all();
  CHECK(eventually([&] { return done == 10; }));
  CHECK(eventually([&] { return pool.workers() == 2; }));  // extras leave after 100 ms idle
  pool.enqueue([&] { ++done; });                            // joins the ones that left
  CHECK(eventually([&] { return done == 11; }));
  pool.shutdown();
  CHECK(pool.workers() == 0);
}

TEST_CASE("the connection pool runs what is queued before shutdown returns", "[api][pool]") {
  std::atomic<int> done{0};
  {
    ConnectionPool pool(1, 1);
    for (int i = 0; i < 20; ++i) pool.enqueue([&] { ++done; });
    pool.shutdown();
    CHECK(done == 20);
  }
  CHECK(done == 20);
}
