#pragma once
// Snapshots of every camera, kept current without ever blocking anything else:
//  - a bounded pool of worker threads captures; each camera has at most one capture queued or
//    running, and every request made meanwhile is coalesced onto it (one shared result);
//  - every blocking libav call runs under an Interrupt (snapshots.timeout per source, and a cancel
//    flag for shutdown), so a dead camera costs one worker for at most that long;
//  - triggers: the available/ready hook (on_available), a refresh of every active camera each
//    snapshots.refresh (0s disables it), and requests (the API's ?fresh=1);
//  - sources are tried in the order of snapshots.sources: "recording" (last keyframe of the newest
//    segment, accepted only when at most tail_max_age old), "rtsp" (MediaMTX's RTSP output of the
//    camera's path), "hls" (its HLS playlist);
//  - the JPEG goes to <data_dir>/snapshots/<camera>.jpg atomically, its mtime set to the time the
//    frame was shown, so its age survives restarts;
//  - failures are logged once per change of a camera's state (first failure, a different error,
//    recovery), never once per attempt.
// Frames at a chosen time come from the indexed segment covering it (frame_at).
// Decoding and encoding happen in the capture module (capture.hpp), loaded on the first capture.
#include <atomic>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "config/config.hpp"
#include "index/database.hpp"
#include "snapshot/capture.hpp"
#include "util/error.hpp"
#include "util/time.hpp"

namespace hs {

struct SnapshotResult {
  bool ok = false;
  std::string error;     // when !ok: each source's error, "recording: ...; rtsp: ..."
  std::string source;    // when ok: "recording", "rtsp" or "hls"
  TimePoint frame_time;  // when ok: when the frame was shown
  int width = 0, height = 0;
  Micros elapsed{0};     // of the whole capture (all sources tried)
};

struct StoredSnapshot {
  std::string jpeg;
  TimePoint frame_time;  // the file's mtime
};

// Too many captures at a chosen time are running already (the API answers 503).
struct SnapshotBusy : Error {
  using Error::Error;
};

class SnapshotService {
 public:
  struct Options {
    std::vector<std::string> sources{"recording", "rtsp"};
    Micros refresh = std::chrono::seconds{60};  // 0: no periodic refresh
    Micros timeout = std::chrono::seconds{5};   // per source
    int max_width = 1280;
    std::string rtsp_base = "rtsp://127.0.0.1:8554";
    std::string hls_base = "http://127.0.0.1:8888";
    // access.mode jwt: a service token that lets hook-server read the path from MediaMTX, sent as
    // ?token= on RTSP and as the Basic password on HLS (MediaMTX reads no query token on HTTP).
    // Unset: no credentials are sent.
    std::function<std::string(const std::string& path)> read_token;
    std::filesystem::path dir;              // where <camera>.jpg files go
    std::filesystem::path recordings_root;  // segment files are relative to it
    int workers = 2;
    // A recording tail older than this is not a live snapshot: the next source is tried.
    Micros tail_max_age = std::chrono::seconds{30};
    // Told about every finished capture (a worker thread, no lock held): metrics.
    std::function<void(const SnapshotResult&)> on_capture;
  };
  static Options options_from(const Config& config, const std::filesystem::path& recordings_root);

  // Starts the workers and the refresh scheduler. Creates opt.dir. Throws Error when it cannot.
  SnapshotService(Options opt, Database& db, const Clock& clock);
  ~SnapshotService();
  SnapshotService(const SnapshotService&) = delete;
  SnapshotService& operator=(const SnapshotService&) = delete;

  // Asks for a capture of the camera now; joins the one queued or running for it if any.
  // The future never throws; it holds ok=false and the error when every source failed or the
  // service stopped.
  std::shared_future<SnapshotResult> request(const std::string& camera_id);
  // The stream of the camera just became available: capture once it has a keyframe. Unlike
  // request(), a capture already running (which may have started before the stream was back) is
  // followed by one more.
  void on_available(const std::string& camera_id);

  // The latest stored JPEG of the camera; nullopt when there is none.
  std::optional<StoredSnapshot> latest(const std::string& camera_id) const;
  std::filesystem::path file_for(const std::string& camera_id) const;

  struct AtResult {
    snapshot::Jpeg jpeg;
    TimePoint frame_time;  // when the returned frame was shown (<= at, within one frame)
  };
  // The frame shown at `at` from the indexed segment covering it. Throws NotFound naming the time:
  //   no recording of camera "1" covers 2025-01-15T10:00:07.000Z
  // hs::Error when the segment cannot be decoded, SnapshotBusy when too many run already,
  // snapshot::CaptureUnavailable when the capture module cannot be loaded.
  AtResult frame_at(const std::string& camera_id, TimePoint at);

  // Cancels running captures (their libav calls return at once), fails queued ones, joins the
  // threads. Idempotent; the destructor calls it.
  void stop();

  struct Stats {
    std::uint64_t captures = 0;   // captures run (each tries the sources in order)
    std::uint64_t coalesced = 0;  // requests that joined a capture queued or running
    std::uint64_t failures = 0;   // captures where every source failed
  };
  Stats stats() const;
  const Options& options() const { return opt_; }

 private:
  struct InFlight {
    std::promise<SnapshotResult> promise;
    std::shared_future<SnapshotResult> future;
    bool rerun = false;
  };
  struct CameraState {
    std::optional<std::chrono::steady_clock::time_point> last_attempt;
    bool failing = false;
    std::string last_error;
  };

  std::shared_future<SnapshotResult> enqueue(const std::string& camera_id, bool rerun_if_running);
  void worker_loop();
  void refresh_loop();
  SnapshotResult capture(const std::string& camera_id);
  void note_outcome(const std::string& camera_id, const SnapshotResult& r);

  Options opt_;
  Database& db_;
  const Clock& clock_;
  std::atomic<bool> cancel_{false};

  mutable std::mutex mutex_;
  std::condition_variable work_cv_;
  std::condition_variable refresh_cv_;
  std::condition_variable at_cv_;
  std::once_flag stop_once_;
  bool stopping_ = false;
  std::deque<std::string> queue_;
  std::map<std::string, std::shared_ptr<InFlight>> in_flight_;
  std::map<std::string, CameraState> states_;
  Stats stats_;
  int at_running_ = 0;

  std::vector<std::thread> workers_;
  std::thread refresher_;
};

}  // namespace hs
