#pragma once
// The durable spool: where the hook client leaves an event when the server cannot be reached, and
// where the server picks it up later. One JSON line per event in <dir>/events.jsonl, appended under
// flock and fsynced. The server drains by renaming the file aside under the same lock (clients that
// were waiting notice the rename and reopen), so no line is ever written to a file already read.
#include <filesystem>
#include <functional>
#include <string_view>

namespace hs {

// Where the hook client keeps an event when its spool cannot take it (the spool's disk is the full
// one, or failing): a folder in /dev/shm — memory, another filesystem than any disk, emptied at
// reboot — named after the effective user and the spool's path, so each server has its own. The
// server drains it with its spool. It holds at most kFallbackSpoolMaxBytes, and it is used (written
// or drained) only while it is this user's private folder: anyone may create names in /dev/shm.
std::filesystem::path fallback_spool_dir(const std::filesystem::path& spool_dir);
inline constexpr std::uintmax_t kFallbackSpoolMaxBytes = 64u << 20;
// `dir` is a folder only this user can use: not a symlink, owned by the effective user, no access
// for group or others. With `create`, a missing one is made so (mode 0700).
bool private_spool_dir(const std::filesystem::path& dir, bool create);

class Spool {
 public:
  explicit Spool(std::filesystem::path dir);
  const std::filesystem::path& dir() const { return dir_; }

  // Appends one event line durably. Throws Error naming the file.
  void append(std::string_view line);

  enum class LineResult { done, rejected, retry_later };
  // Feeds every pending line (leftovers of an interrupted drain first) to `fn`. Rejected lines are
  // kept in rejected.jsonl with the reason; on retry_later the rest stays for the next drain.
  // Returns the number of lines handled (done or rejected).
  std::size_t drain(const std::function<LineResult(std::string_view line, std::string& reason)>& fn);

  // Bytes waiting to be drained.
  std::uintmax_t pending_bytes() const;
  // ... here and in this spool's fallback folder.
  std::uintmax_t pending_bytes_with_fallback() const;

 private:
  std::filesystem::path dir_;
};

}  // namespace hs
