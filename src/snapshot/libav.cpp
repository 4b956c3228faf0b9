// RAII helpers, error translation, the interrupt callback and the av_log -> hs::log bridge.
#include "snapshot/libav.hpp"

#include <fmt/format.h>

#include <cstdarg>
#include <mutex>

#include "util/log.hpp"
#include "util/redact.hpp"
#include "util/time.hpp"

namespace hs::av {

FramePtr make_frame() {
  FramePtr f(av_frame_alloc());
  if (!f) throw Error("av_frame_alloc() failed: out of memory");
  return f;
}

PacketPtr make_packet() {
  PacketPtr p(av_packet_alloc());
  if (!p) throw Error("av_packet_alloc() failed: out of memory");
  return p;
}

std::string error_text(int code) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  if (av_strerror(code, buf, sizeof buf) < 0) return fmt::format("libav error {}", code);
  return buf;
}

Interrupt::Interrupt(std::chrono::microseconds timeout, const std::atomic<bool>* cancel)
    : deadline_(Clock::now() + timeout), timeout_(timeout), cancel_(cancel) {}

int Interrupt::fire(void* self) { return static_cast<Interrupt*>(self)->fired() ? 1 : 0; }

namespace {
std::string interrupt_reason(const Interrupt& in) {
  if (in.cancelled()) return "cancelled (server stopping)";
  return fmt::format("timed out after {} (snapshots.timeout)", format_duration(in.timeout()));
}
}  // namespace

void Interrupt::check(std::string_view what) const {
  if (fired()) throw TimedOut(fmt::format("{}: {}", what, interrupt_reason(*this)));
}

void fail(int rc, std::string_view call, std::string_view subject, const Interrupt* interrupt) {
  if (interrupt && interrupt->fired())
    throw TimedOut(fmt::format("{}({}) failed: {}", call, subject, interrupt_reason(*interrupt)));
  throw Error(fmt::format("{}({}) failed: {}", call, subject, error_text(rc)));
}

void check(int rc, std::string_view call, std::string_view subject, const Interrupt* interrupt) {
  if (rc < 0) fail(rc, call, subject, interrupt);
}

namespace {

spdlog::level::level_enum map_level(int level) {
  if (level <= AV_LOG_FATAL) return spdlog::level::err;
  if (level <= AV_LOG_WARNING) return spdlog::level::debug;
  return spdlog::level::trace;
}

// libav may emit one line in several calls; collect per thread until the newline.
thread_local std::string t_pending;
thread_local int t_print_prefix = 1;

void log_callback(void* avcl, int level, const char* format, va_list args) {
  if (level > av_log_get_level()) return;
  static const auto logger = log::get("ffmpeg");
  auto mapped = map_level(level);
  if (!logger->should_log(mapped)) return;
  char line[2048];
  va_list copy;
  va_copy(copy, args);
  av_log_format_line2(avcl, level, format, copy, line, sizeof line, &t_print_prefix);
  va_end(copy);
  t_pending += line;
  if (t_pending.empty() || t_pending.back() != '\n') {
    if (t_pending.size() < 8192) return;  // a runaway line without newline: flush what we have
  }
  while (!t_pending.empty() && (t_pending.back() == '\n' || t_pending.back() == '\r')) t_pending.pop_back();
  if (!t_pending.empty()) logger->log(mapped, "{}", redact_credentials(t_pending));
  t_pending.clear();
}

}  // namespace

void install_log_bridge() {
  static std::once_flag once;
  std::call_once(once, [] {
    av_log_set_level(AV_LOG_WARNING);
    av_log_set_callback(&log_callback);
  });
}

}  // namespace hs::av
