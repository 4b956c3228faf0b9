#pragma once
// Cameras and their stream status in the index: the row types. The operations are methods of
// Reader and Writer (index/transaction.hpp), implemented in index/cameras.cpp.
#include <optional>
#include <string>

#include "domain/camera.hpp"
#include "domain/segment.hpp"

namespace hs::cameras {

struct Row {
  Camera camera;
  std::optional<TimePoint> removed_at;  // stopped through the API or gone from the config
  StreamStatus status;
};

// What a camera's retention is set to and what its segments' expiries were last computed with.
struct RetentionSetting {
  std::string camera_id;
  std::string plan;
  std::optional<Micros> retention_override;
  std::optional<Micros> applied;  // never applied yet: none
};

}  // namespace hs::cameras
