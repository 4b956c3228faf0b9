#pragma once
// The cameras: section most end-to-end tests start from: one camera, id "1" (MediaMTX path
// camera_1), plan basic, its source never contacted.
namespace hs::test {

inline constexpr const char* kOneCamera = R"(cameras:
  - {id: "1", name: Front door, source: "rtsp://10.0.0.5:554/stream1", plan: basic}
)";

}  // namespace hs::test
