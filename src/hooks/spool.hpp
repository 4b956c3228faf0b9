#pragma once
// The durable spool: where the hook client leaves an event when the server cannot be reached, and
// where the server picks it up later. One JSON line per event in <dir>/events.jsonl, appended under
// flock and fsynced. The server drains by renaming the file aside under the same lock (clients that
// were waiting notice the rename and reopen), so no line is ever written to a file already read.
#include <filesystem>
#include <functional>
#include <string_view>

namespace hs {

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

 private:
  std::filesystem::path dir_;
};

}  // namespace hs
