// The node directory: this node from its config, the others from the nodes table (re-read at most
// every few seconds).
#include "cluster/node_directory.hpp"

#include <fmt/format.h>

#include <random>

#include "util/log.hpp"
#include "util/error.hpp"

namespace hs {

namespace {
constexpr Micros kReread = std::chrono::seconds{5};

std::string random_instance() {
  std::random_device rd;
  return fmt::format("{:08x}{:08x}{:08x}{:08x}", rd(), rd(), rd(), rd());
}
}  // namespace

StreamBases config_stream_bases(const Config& c) {
  return {c.mediamtx.urls.rtsp, c.mediamtx.urls.hls, c.mediamtx.urls.webrtc, c.mediamtx.urls.playback};
}

NodeLinks own_node_links(const Config& config) {
  return NodeLinks{config.node.id, true, true, "", config_stream_bases(config)};
}

NodeDirectory::NodeDirectory(const Config& config, Database& db, const Clock& clock)
    : config_(config), db_(db), clock_(clock), instance_(random_instance()) {}

void NodeDirectory::refresh_locked() {
  const auto now = clock_.now();
  if (read_at_ && now - *read_at_ < kReread && now >= *read_at_) return;
  std::map<std::string, nodes::Node, std::less<>> fresh;
  for (auto& n : db_.reader().all_nodes())
    if (n.id != self_id()) fresh.emplace(n.id, std::move(n));
  others_ = std::move(fresh);
  read_at_ = now;
}

NodeLinks NodeDirectory::links(std::string_view node) {
  if (node.empty() || node == self_id()) return own_node_links(config_);
  std::lock_guard lock(mutex_);
  try {
    refresh_locked();
  } catch (const std::exception&) {
    // The index is unreachable: the last list read stands (the request itself will say 503).
  }
  auto it = others_.find(node);
  if (it == others_.end()) return NodeLinks{std::string(node), false, false, "", config_stream_bases(config_)};
  return NodeLinks{it->second.id, false, true, it->second.api_url, it->second.streams};
}

std::vector<nodes::Node> NodeDirectory::all() { return db_.reader().all_nodes(); }

void NodeDirectory::register_self() {
  const auto now = clock_.now();
  db_.write([&](Writer& w) {
    w.upsert_node(nodes::Node{self_id(), config_.node_url(), config_stream_bases(config_), now, now, instance_});
  });
}

void NodeDirectory::heartbeat() {
  const auto now = clock_.now();
  if (db_.write([&](Writer& w) { return w.touch_node(now, instance_); })) return;
  auto other = db_.reader().node_info(self_id());
  std::lock_guard lock(mutex_);
  if (!conflict_.empty()) return;
  conflict_ = other ? fmt::format("node id {} was registered again by another process ({}, started {}): each node needs "
                                  "its own node.id, or two processes act on the same files",
                                  quote(self_id()), other->api_url, format_rfc3339_ms(other->started))
                    : fmt::format("node {} is no longer registered in the index", quote(self_id()));
  log::get("nodes")->error("{}", conflict_);
}

std::string NodeDirectory::conflict() {
  std::lock_guard lock(mutex_);
  return conflict_;
}

}  // namespace hs
