// Nodes: the Reader and Writer operations on the nodes table, and the adoption of rows written
// before nodes existed.
#include "index/transaction.hpp"

namespace hs {

namespace {

using index::Sql;

const std::string kSelect = "SELECT id, api_url, rtsp, hls, webrtc, playback, started_us, seen_us, instance FROM nodes ";
const Sql kAll{kSelect + "ORDER BY id"};
const Sql kById{kSelect + "WHERE id = ?1"};
const Sql kUpsert{
    "INSERT INTO nodes (id, api_url, rtsp, hls, webrtc, playback, started_us, seen_us, instance) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (id) DO UPDATE SET api_url = ?2, rtsp = ?3, hls = ?4, "
    "webrtc = ?5, playback = ?6, started_us = ?7, seen_us = ?8, instance = ?9"};
const Sql kTouch{"UPDATE nodes SET seen_us = ?2 WHERE id = ?1 AND instance = ?3"};
const Sql kAdoptCameras{"UPDATE cameras SET node = ?1 WHERE node = ''"};
const Sql kAdoptSegments{"UPDATE segments SET node = ?1 WHERE node = ''"};

nodes::Node read_node(index::Statement& q) {
  return nodes::Node{q.text(0), q.text(1), StreamBases{q.text(2), q.text(3), q.text(4), q.text(5)}, q.time(6), q.time(7),
                     q.text(8)};
}

}  // namespace

std::vector<nodes::Node> Reader::all_nodes() {
  auto q = query(kAll);
  std::vector<nodes::Node> out;
  while (q->step()) out.push_back(read_node(*q));
  return out;
}

std::optional<nodes::Node> Reader::node_info(std::string_view id) {
  auto q = query(kById);
  q->bind(1, id);
  if (q->step()) return read_node(*q);
  return std::nullopt;
}

void Writer::upsert_node(const nodes::Node& node) {
  auto q = query(kUpsert);
  q->bind(1, node.id);
  q->bind(2, node.api_url);
  q->bind(3, node.streams.rtsp);
  q->bind(4, node.streams.hls);
  q->bind(5, node.streams.webrtc);
  q->bind(6, node.streams.playback);
  q->bind(7, node.started);
  q->bind(8, node.seen);
  q->bind(9, node.instance);
  q->exec();
}

bool Writer::touch_node(TimePoint now, std::string_view instance) {
  auto q = query(kTouch);
  q->bind(1, node());
  q->bind(2, now);
  q->bind(3, instance);
  return q->exec() > 0;
}

std::size_t Writer::adopt_unowned() {
  std::size_t n = 0;
  for (const Sql* sql : {&kAdoptCameras, &kAdoptSegments}) {
    auto q = query(*sql);
    q->bind(1, node());
    n += static_cast<std::size_t>(q->exec());
  }
  return n;
}

}  // namespace hs
