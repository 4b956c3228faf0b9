#pragma once
// The seam between the snapshot service and libav. Everything that decodes or encodes lives in a
// separately built module, hook-server-capture.so (frame_reader, jpeg, libav + capture_entry.cpp),
// which the server loads with dlopen() on the first capture (capture_module.hpp): libav and the ~130
// libraries it drags in (codecs, TLS, glib, ...) cost a server that never takes a snapshot neither
// memory nor start-up time. This header is all the two sides share; it includes no libav.
//
// Both sides are built by the same compiler from this project, so C++ types cross the boundary, and
// so do exceptions: the module throws hs::Error (and TimedOut) with the message naming the failing
// call and the redacted URL or file, and the server catches them by type (libstdc++ matches
// exception types across shared objects by name).
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "util/error.hpp"
#include "util/time.hpp"

namespace spdlog {
class logger;
}

namespace hs::snapshot {

// A deadline exceeded (snapshots.timeout) or a cancelled capture:
//   "waiting for a keyframe from rtsp://127.0.0.1:8554/camera_1: timed out after 5s (snapshots.timeout)"
struct TimedOut : Error {
  using Error::Error;
};

struct Jpeg {
  std::string bytes;
  int width = 0;
  int height = 0;
};

// A frame, as a JPEG, and when it was shown.
struct Picture {
  Jpeg jpeg;
  // Files: presentation time of the frame relative to the first frame of the file. Live: 0.
  Micros offset{0};
};

// What bounds one capture: every blocking libav call returns once `timeout` passed or `*cancel`
// became true (then TimedOut is thrown).
struct CaptureLimits {
  Micros timeout = std::chrono::seconds{5};
  const std::atomic<bool>* cancel = nullptr;
  int max_width = 1280;  // of the JPEG; the display aspect is kept
};

// The module's functions. Each throws hs::Error naming the failing call and its subject, TimedOut
// when the limits fired. Bump the version (and so the entry's name) when this table changes.
struct CaptureApi {
  // Connects to `url` (rtsp://..., or http(s)://.../index.m3u8), waits for a keyframe, encodes it.
  Picture (*live)(const std::string& url, const CaptureLimits& limits);
  // The last keyframe of a fragmented MP4 segment (only complete fragments count). When its offset
  // is before `not_before`, it is not encoded: jpeg.bytes stays empty (the caller rejects it as too
  // old and saves the encoding).
  Picture (*tail)(const std::filesystem::path& file, Micros not_before, const CaptureLimits& limits);
  // The frame shown `offset` after the first frame of the segment; nullopt when the segment does not
  // reach that far (or offset is negative).
  std::optional<Picture> (*at)(const std::filesystem::path& file, Micros offset, const CaptureLimits& limits);
};

// The module's one exported symbol: extern "C" const CaptureApi* hook_server_capture_api_v1(Host).
// The host hands over its logger registry, so libav's log goes through the server's hs::log.
inline constexpr const char* kCaptureEntry = "hook_server_capture_api_v1";
inline constexpr const char* kCaptureModuleName = "hook-server-capture.so";
struct CaptureHost {
  std::shared_ptr<spdlog::logger> (*logger)(const std::string& component);
};
using CaptureEntry = const CaptureApi* (*)(const CaptureHost& host);

}  // namespace hs::snapshot
