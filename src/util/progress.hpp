#pragma once
// Progress of long one-shot work (`hook-server reconcile`, `cleanup`) for a person at a terminal:
// one status line redrawn in place, at most ten times a second, and erased when the work ends so
// that the command's summary line follows on a clean line. When the output is not a terminal (cron,
// systemd, a pipe) nothing is drawn: the summary line is then all there is.
#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace hs {

// Called by long work as it goes: a phase name ("walking", "indexing") and how far it got; `total`
// is 0 when unknown. Must be cheap: it may be called for every file.
using ProgressFn = std::function<void(std::string_view phase, std::size_t done, std::size_t total)>;

class TerminalProgress {
 public:
  // Draws on `fd` only when it is a terminal.
  explicit TerminalProgress(int fd = 2);
  ~TerminalProgress();  // erases the line
  TerminalProgress(const TerminalProgress&) = delete;
  TerminalProgress& operator=(const TerminalProgress&) = delete;

  bool active() const { return active_; }
  void update(std::string_view phase, std::size_t done, std::size_t total);
  // update() as a ProgressFn; empty when not active, so callers skip the calls altogether.
  ProgressFn fn();
  void clear();

  // The text of one status line: "reconcile: indexing 1,200/5,000 (24%)", "walking 12,345".
  static std::string line(std::string_view phase, std::size_t done, std::size_t total);

 private:
  int fd_;
  bool active_;
  bool drawn_ = false;
  std::string last_phase_;
  std::chrono::steady_clock::time_point next_draw_{};
};

}  // namespace hs
