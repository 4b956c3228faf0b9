// The snapshot.jpg endpoint on top of SnapshotService.
#include "snapshot/snapshot_http.hpp"

#include <fmt/format.h>

#include <ctime>
#include <nlohmann/json.hpp>

#include "index/cameras.hpp"
#include "snapshot/capture_module.hpp"
#include "util/error.hpp"

namespace hs {

namespace {

void json_status(httplib::Response& res, int status, const std::string& message) {
  res.status = status;
  res.set_content(nlohmann::json{{"error", message}}.dump(), "application/json");
}

// Header values must not carry control characters.
std::string header_safe(std::string_view s) {
  std::string out;
  for (char c : s) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
  if (out.size() > 1000) out.resize(1000);
  return out;
}

bool flag_param(const httplib::Request& req, const char* name) {
  if (!req.has_param(name)) return false;
  auto v = req.get_param_value(name);
  if (v == "1" || v == "true") return true;
  if (v == "0" || v == "false" || v.empty()) return false;
  throw BadInput(fmt::format("{}: expected 1 or 0, got {}", name, quote(v)));
}

void send_jpeg(httplib::Response& res, const std::string& jpeg, TimePoint frame_time, TimePoint now) {
  res.status = 200;
  res.set_header("Last-Modified", http_date(frame_time));
  res.set_header("X-Snapshot-Time", format_rfc3339_ms(frame_time));
  auto age = std::chrono::duration_cast<std::chrono::milliseconds>(now - frame_time).count();
  res.set_header("X-Snapshot-Age-Ms", std::to_string(std::max<long long>(0, age)));
  res.set_content(jpeg, "image/jpeg");
}

}  // namespace

std::string http_date(TimePoint t) {
  std::time_t secs = static_cast<std::time_t>(std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count());
  std::tm tm {};
  gmtime_r(&secs, &tm);
  static const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  return fmt::format("{}, {:02d} {} {:04d} {:02d}:{:02d}:{:02d} GMT", days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
                     tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

void serve_snapshot(SnapshotService& service, Database& db, const Clock& clock, const std::string& camera_id,
                    const httplib::Request& req, httplib::Response& res) {
  auto row = db.reader().camera(camera_id);
  if (!row) throw NotFound(fmt::format("camera {} not found", quote(camera_id)));
  const bool stale = row->status.state != StreamState::active || row->removed_at.has_value();

  if (req.has_param("at")) {
    auto raw = req.get_param_value("at");
    TimePoint at;
    try {
      at = parse_rfc3339(raw);
    } catch (const BadInput& e) {
      throw BadInput(fmt::format("at: {}", e.what()));
    }
    SnapshotService::AtResult frame;
    try {
      frame = service.frame_at(camera_id, at);
    } catch (const SnapshotBusy& e) {
      json_status(res, 503, e.what());
      return;
    } catch (const snapshot::CaptureUnavailable& e) {  // no libav module: the server runs on without it
      json_status(res, 503, e.what());
      return;
    }
    send_jpeg(res, frame.jpeg.bytes, frame.frame_time, clock.now());
    res.set_header("Cache-Control", "private, max-age=3600");  // a recorded frame does not change
    return;
  }

  std::string capture_error;
  if (flag_param(req, "fresh")) {
    auto future = service.request(camera_id);
    const auto& opt = service.options();
    auto budget = opt.timeout * static_cast<long>(std::max<std::size_t>(1, opt.sources.size())) + std::chrono::seconds{2};
    if (future.wait_for(budget) != std::future_status::ready) {
      capture_error = fmt::format("capture still running after {}", format_duration(budget));
    } else if (const auto& r = future.get(); !r.ok) {
      capture_error = r.error;
    }
  }

  auto stored = service.latest(camera_id);
  if (!stored) {
    if (!capture_error.empty()) {
      json_status(res, 502, fmt::format("camera {}: snapshot failed: {}", quote(camera_id), capture_error));
      return;
    }
    throw NotFound(fmt::format("camera {} has no snapshot yet", quote(camera_id)));
  }
  send_jpeg(res, stored->jpeg, stored->frame_time, clock.now());
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Snapshot-Stale", stale || !capture_error.empty() ? "true" : "false");
  if (!capture_error.empty()) res.set_header("X-Snapshot-Error", header_safe(capture_error));
}

}  // namespace hs
