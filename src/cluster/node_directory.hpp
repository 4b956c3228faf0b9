#pragma once
// Where each node sharing the index is reached (issue 10, docs/nodes.md): this node's URLs come
// from its config, the others' from the index's nodes table, where every node registers itself at
// start and marks itself seen on each heartbeat. Responses about a camera link to its node; a
// request that needs a camera's files is redirected to that node's api_url. Thread-safe.
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "index/database.hpp"

namespace hs {

struct NodeLinks {
  std::string id;
  bool self = true;
  bool known = true;     // registered in the index (this node always is)
  std::string api_url;   // this node's own requests: "" (links stay relative); others: their node.url
  StreamBases streams;   // the node's MediaMTX bases
};

class NodeDirectory {
 public:
  // A node is seen as alive while its last heartbeat is younger than this.
  static constexpr Micros kAliveFor = std::chrono::seconds{30};

  NodeDirectory(const Config& config, Database& db, const Clock& clock);

  const std::string& self_id() const { return config_.node.id; }
  // The links of `node` ("" means this node). A node not registered (yet) gets this node's stream
  // bases and known = false.
  NodeLinks links(std::string_view node);
  // Every registered node, this one included, with when it was last seen.
  std::vector<nodes::Node> all();

  // Writes this node's row (URLs from the config, started and seen now). Throws the index's error.
  void register_self();
  // Marks this node seen now (the worker calls it every few seconds). When another process has
  // registered this node id since this one did, says so once (an error in the log) and keeps it in
  // conflict() for /api/health.
  void heartbeat();
  // Why this node id is not this process's alone, or "".
  std::string conflict();

 private:
  void refresh_locked();

  const Config& config_;
  Database& db_;
  const Clock& clock_;
  std::mutex mutex_;
  std::map<std::string, nodes::Node, std::less<>> others_;
  std::optional<TimePoint> read_at_;
  const std::string instance_;  // random per process
  std::string conflict_;
};

// This node's stream bases from its config.
StreamBases config_stream_bases(const Config& config);
// This node's links: relative, with its config's stream bases.
NodeLinks own_node_links(const Config& config);

}  // namespace hs
