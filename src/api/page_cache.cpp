// LRU of rendered pages, bounded in bytes.
#include "api/page_cache.hpp"

namespace hs {

PageCache::Body PageCache::get(const std::string& key, std::uint64_t version) {
  std::lock_guard lock(mutex_);
  auto it = index_.find(key);
  if (it == index_.end() || it->second->version != version) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->body;
}

void PageCache::put(const std::string& key, std::uint64_t version, Body body) {
  if (!body || body->size() > max_bytes_ / 4) return;
  std::lock_guard lock(mutex_);
  if (auto it = index_.find(key); it != index_.end()) {
    bytes_ -= it->second->body->size();
    lru_.erase(it->second);
    index_.erase(it);
  }
  evict_to(max_bytes_ - body->size());
  bytes_ += body->size();
  lru_.push_front(Entry{key, version, std::move(body)});
  index_[key] = lru_.begin();
}

std::size_t PageCache::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

void PageCache::evict_to(std::size_t limit) {
  while (bytes_ > limit && !lru_.empty()) {
    bytes_ -= lru_.back().body->size();
    index_.erase(lru_.back().key);
    lru_.pop_back();
  }
}

}  // namespace hs
