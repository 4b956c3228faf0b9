#pragma once
// GET /api/cameras/{id}/snapshot.jpg (docs/snapshots.md):
//   (no query)   the latest JPEG: Last-Modified and X-Snapshot-Time = when the frame was shown,
//                X-Snapshot-Age-Ms, Cache-Control: no-cache, X-Snapshot-Stale: true when the
//                camera's stream is not active; 404 JSON when there is none yet.
//   ?fresh=1     captures now (coalesced with a capture already running) and serves the result;
//                when the capture fails, the last JPEG with X-Snapshot-Stale: true and
//                X-Snapshot-Error, or 502 JSON when there is none.
//   ?at=<RFC 3339>  the frame shown at that time, from the recordings; 404 JSON naming the time
//                when no segment covers it; 400 naming a bad value; 503 JSON when too many run
//                already or the capture module (libav) cannot be loaded.
#include <httplib.h>

#include <string>

#include "index/database.hpp"
#include "snapshot/snapshot_service.hpp"

namespace hs {

// Throws BadInput (400) and NotFound (404) for the API's error guard; answers 502/503 itself.
void serve_snapshot(SnapshotService& service, Database& db, const Clock& clock, const std::string& camera_id,
                    const httplib::Request& req, httplib::Response& res);

// "Wed, 15 Jan 2025 10:00:00 GMT" (RFC 9110 IMF-fixdate).
std::string http_date(TimePoint t);

}  // namespace hs
