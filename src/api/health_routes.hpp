#pragma once
// Proof of recording over HTTP: a camera's timeline (footage spans and gaps with reasons), its
// month view (per local day), and the storage report. Handlers of the route table
// (api/route_table.hpp); the shapes are the ones the web console reads
// (examples/web/app/js/timeline.js, admin.js) and README.md documents.
//
//   GET /api/cameras/{id}/timeline?from&to   RFC 3339, to > from, at most 31 days
//   GET /api/cameras/{id}/days?from&to[&tz]  YYYY-MM-DD, to >= from, at most 62 days; days of
//                                            mediamtx.timezone unless tz= names an IANA zone
//   GET /api/storage                         admin: per camera plan vs footage held, per disk the
//                                            forecast of the disk guard, warnings
// Bad input is a BadInput (400) naming the parameter and quoting the value; an unknown camera is
// NotFound (404).
#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <mutex>

#include "api/route_table.hpp"
#include "index/state_history.hpp"

namespace hs {

struct ApiContext;

// Per camera: footage held and deletions (the storage report's costly part, a pass over every
// segment row: seconds at 10 M rows), kept for a while so that /api/health stays cheap on a big
// index. GET /api/storage always reads them fresh (and refreshes what is kept).
class FootageSumsCache {
 public:
  struct Sums {
    TimePoint at;
    std::map<std::string, footage::CameraBytes> bytes;
    std::map<std::string, footage::CameraDeletions> deleted;
  };
  // How old the sums /api/health uses may be.
  static constexpr Micros kMaxAge = std::chrono::seconds{30};

  // Used by footage_sums() only.
  std::mutex computing;  // one reader of the sums at a time
  std::mutex mutex;      // guards last
  std::shared_ptr<const Sums> last;
};

// The sums at `now`, or ones read at most `max_age` before (0: fresh). While another request reads
// them, a kept value of any age is used rather than waiting.
std::shared_ptr<const FootageSumsCache::Sums> footage_sums(ApiContext& ctx, TimePoint now, Micros max_age);

void get_timeline(ApiContext& ctx, const Call& call);
void get_days(ApiContext& ctx, const Call& call);
void get_storage(ApiContext& ctx, const Call& call);

// The storage report's warnings as /api/health alert objects:
// {"kind": "storage", "camera_id": "1", "since": null, "message": "..."} (the alert shape of
// /api/health); an empty array when every plan is met.
// Throws Error when the recordings disk cannot be read.
nlohmann::json storage_alerts(ApiContext& ctx);

}  // namespace hs
