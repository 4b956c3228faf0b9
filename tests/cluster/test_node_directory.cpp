// The node directory: this node from its config, others from the index; links for each; a second
// process registering the same node id is noticed by the first one's heartbeat.
#include <catch2/catch.hpp>

#include "cluster/node_directory.hpp"
#include "support/fake_clock.hpp"
#include "support/media.hpp"

using namespace hs;
using namespace hs::test;

namespace {

Config node_config(const std::string& yaml, const TempDir& dir) { return parse_config(yaml, dir.path() / "hook-server.yml"); }

}  // namespace

TEST_CASE("the node directory links this node relatively and others at their registered URLs", "[nodes]") {
  TempDir dir;
  FakeClock clock;
  Database db(dir.path() / "index.db", "a");
  Config a = node_config("node: {id: a}\nmediamtx: {urls: {playback: \"http://mtx-a:9996\"}}\n", dir);
  Config b = node_config("node: {id: b, url: \"http://10.0.0.2:9980/\"}\nmediamtx: {urls: {playback: \"http://mtx-b:9996\"}}\n", dir);
  Database db_b(dir.path() / "index.db", "b");
  NodeDirectory on_a(a, db, clock), on_b(b, db_b, clock);
  on_a.register_self();

  auto self = on_a.links("");
  CHECK(self.self);
  CHECK(self.api_url.empty());
  CHECK(self.streams.playback == "http://mtx-a:9996");
  CHECK(on_a.links("a").self);
  auto unknown = on_a.links("b");  // not registered yet
  CHECK_FALSE(unknown.known);
  CHECK(unknown.streams.playback == "http://mtx-a:9996");

  on_b.register_self();
  clock.t += std::chrono::seconds{6};  // past the directory's re-read
  auto other = on_a.links("b");
  CHECK(other.known);
  CHECK_FALSE(other.self);
  CHECK(other.api_url == "http://10.0.0.2:9980");
  CHECK(other.streams.playback == "http://mtx-b:9996");
  CHECK(on_a.all().size() == 2);
}

TEST_CASE("a second process with the same node id is noticed by the first one's heartbeat", "[nodes]") {
  TempDir dir;
  FakeClock clock;
  Config config = node_config("node: {id: a}\n", dir);
  Database first_db(dir.path() / "index.db", "a");
  Database second_db(dir.path() / "index.db", "a");
  NodeDirectory first(config, first_db, clock), second(config, second_db, clock);
  first.register_self();
  first.heartbeat();
  CHECK(first.conflict().empty());
  second.register_self();
  first.heartbeat();
  CHECK(first.conflict().find("node id \"a\" was registered again by another process") != std::string::npos);
  second.heartbeat();
  CHECK(second.conflict().empty());
}
