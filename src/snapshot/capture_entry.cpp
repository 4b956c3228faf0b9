// The entry point of hook-server-capture.so, the module holding all libav code (see capture.hpp):
// the function table over frame_reader and jpeg, and hs::log::get forwarded to the host's loggers.
// Built into the module only, never into hookserver_core.
#include <mutex>

#include "snapshot/capture.hpp"
#include "snapshot/frame_reader.hpp"
#include "snapshot/jpeg.hpp"
#include "util/log.hpp"

namespace hs {

namespace {
snapshot::CaptureHost g_host{};
std::once_flag g_host_once;
}  // namespace

// The module has no logger registry of its own (util/log.cpp is not in it): libav's lines go to the
// server's loggers, with their sink, format and level.
std::shared_ptr<spdlog::logger> log::get(const std::string& component) { return g_host.logger(component); }

namespace snapshot {
namespace {

Picture live(const std::string& url, const CaptureLimits& limits) {
  av::Interrupt interrupt(limits.timeout, limits.cancel);
  auto f = read_live_keyframe(url, interrupt);
  return Picture{encode_jpeg(*f.frame, limits.max_width), Micros{0}};
}

Picture tail(const std::filesystem::path& file, Micros not_before, const CaptureLimits& limits) {
  av::Interrupt interrupt(limits.timeout, limits.cancel);
  auto f = read_last_keyframe(file, interrupt);
  Picture p;
  p.offset = f.offset;
  if (f.offset >= not_before) p.jpeg = encode_jpeg(*f.frame, limits.max_width);
  return p;
}

std::optional<Picture> at(const std::filesystem::path& file, Micros offset, const CaptureLimits& limits) {
  av::Interrupt interrupt(limits.timeout, limits.cancel);
  auto f = read_frame_at(file, offset, interrupt);
  if (!f) return std::nullopt;
  return Picture{encode_jpeg(*f->frame, limits.max_width), f->offset};
}

constexpr CaptureApi kApi{&live, &tail, &at};

}  // namespace
}  // namespace snapshot
}  // namespace hs

extern "C" __attribute__((visibility("default"))) const hs::snapshot::CaptureApi* hook_server_capture_api_v1(
    const hs::snapshot::CaptureHost& host) {
  std::call_once(hs::g_host_once, [&] { hs::g_host = host; });
  return &hs::snapshot::kApi;
}
