#pragma once
// Rendered JSON pages kept for reuse. A recordings page is a pure function of its query and of the
// camera's rows, so it is stored with Database::segments_version() of that camera and served again
// while the version is unchanged: a timeline asking for the same day twice costs a lookup, not
// 1,440 rows read and formatted. Least recently used pages go first once `max_bytes` is reached.
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace hs {

class PageCache {
 public:
  using Body = std::shared_ptr<const std::string>;

  explicit PageCache(std::size_t max_bytes) : max_bytes_(max_bytes) {}

  // The page stored under key for exactly this version, or null.
  Body get(const std::string& key, std::uint64_t version);
  // Stores (or replaces) the page; a page bigger than a quarter of the cache is not kept.
  void put(const std::string& key, std::uint64_t version, Body body);

  std::size_t bytes() const;

 private:
  struct Entry {
    std::string key;
    std::uint64_t version;
    Body body;
  };
  void evict_to(std::size_t limit);

  const std::size_t max_bytes_;
  mutable std::mutex mutex_;
  std::list<Entry> lru_;  // most recent first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
  std::size_t bytes_ = 0;
};

}  // namespace hs
