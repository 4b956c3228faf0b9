// The terminal status line of reconcile and cleanup: rate-limited redraws with \r and an erase.
#include "util/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

namespace hs {

namespace {

std::string grouped(std::size_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

void write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    ssize_t n = ::write(fd, text.data(), text.size());
    if (n <= 0) return;  // a status line is not worth failing for
    text.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace

TerminalProgress::TerminalProgress(int fd) : fd_(fd), active_(::isatty(fd) == 1) {}

TerminalProgress::~TerminalProgress() { clear(); }

std::string TerminalProgress::line(std::string_view phase, std::size_t done, std::size_t total) {
  if (total == 0) return fmt::format("{} {}", phase, grouped(done));
  return fmt::format("{} {}/{} ({}%)", phase, grouped(done), grouped(total), done * 100 / total);
}

void TerminalProgress::update(std::string_view phase, std::size_t done, std::size_t total) {
  if (!active_) return;
  auto now = std::chrono::steady_clock::now();
  // A new phase is drawn at once; within a phase, ten redraws a second at most.
  if (phase == last_phase_ && now < next_draw_ && done != total) return;
  last_phase_ = phase;
  next_draw_ = now + std::chrono::milliseconds{100};
  write_all(fd_, "\r\x1b[2K" + line(phase, done, total));
  drawn_ = true;
}

ProgressFn TerminalProgress::fn() {
  if (!active_) return {};
  return [this](std::string_view phase, std::size_t done, std::size_t total) { update(phase, done, total); };
}

void TerminalProgress::clear() {
  if (!drawn_) return;
  write_all(fd_, "\r\x1b[2K");
  drawn_ = false;
  last_phase_.clear();
}

}  // namespace hs
