// The snapshot worker pool, its refresh scheduler and the capture of one camera from its sources.
#include "snapshot/snapshot_service.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "index/cameras.hpp"
#include "index/segments.hpp"
#include "snapshot/capture_module.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"
#include "util/redact.hpp"

namespace hs {

namespace {

using SteadyClock = std::chrono::steady_clock;

std::string join_url(std::string base, const std::string& tail) {
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/" + tail;
}

// http://host -> http://hook-server:<password>@host (MediaMTX takes a Basic password as the JWT).
std::string with_password(const std::string& base, const std::string& password) {
  auto sep = base.find("://");
  if (password.empty() || sep == std::string::npos) return base;
  return base.substr(0, sep + 3) + "hook-server:" + password + "@" + base.substr(sep + 3);
}

void set_mtime(const std::filesystem::path& file, TimePoint t) {
  auto us = epoch_us(t);
  struct timespec times[2];
  times[0].tv_sec = 0;
  times[0].tv_nsec = UTIME_OMIT;
  times[1].tv_sec = static_cast<time_t>(us / 1'000'000);
  times[1].tv_nsec = static_cast<long>((us % 1'000'000) * 1000);
  if (us < 0) {
    times[1].tv_sec -= 1;
    times[1].tv_nsec += 1'000'000'000;
  }
  if (::utimensat(AT_FDCWD, file.c_str(), times, 0) != 0)
    throw Error(fmt::format("utimensat({}) failed: {}", quote(file.string()), std::strerror(errno)));
}

struct Captured {
  snapshot::Jpeg jpeg;
  TimePoint frame_time;
};

}  // namespace

SnapshotService::Options SnapshotService::options_from(const Config& config, const std::filesystem::path& root) {
  Options o;
  o.sources = config.snapshots.sources;
  o.refresh = config.snapshots.refresh;
  o.timeout = config.snapshots.timeout;
  o.max_width = config.snapshots.max_width;
  o.rtsp_base = config.mediamtx.urls.rtsp;
  o.hls_base = config.mediamtx.urls.hls;
  o.dir = config.data_dir / "snapshots";
  o.recordings_root = root;
  return o;
}

SnapshotService::SnapshotService(Options opt, Database& db, const Clock& clock)
    : opt_(std::move(opt)), db_(db), clock_(clock) {
  std::error_code ec;
  std::filesystem::create_directories(opt_.dir, ec);
  if (ec) throw Error(fmt::format("cannot create snapshot folder {}: {}", quote(opt_.dir.string()), ec.message()));
  int n = std::max(1, opt_.workers);
  for (int i = 0; i < n; ++i) workers_.emplace_back([this] { worker_loop(); });
  refresher_ = std::thread([this] { refresh_loop(); });
}

SnapshotService::~SnapshotService() { stop(); }

void SnapshotService::stop() {
  std::call_once(stop_once_, [this] {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
      cancel_ = true;
    }
    work_cv_.notify_all();
    refresh_cv_.notify_all();
    at_cv_.notify_all();
    for (auto& t : workers_) t.join();
    refresher_.join();
    // Captures that never started: their waiters get an answer.
    std::map<std::string, std::shared_ptr<InFlight>> left;
    {
      std::lock_guard lock(mutex_);
      left.swap(in_flight_);
      queue_.clear();
    }
    for (auto& [id, f] : left) {
      SnapshotResult r;
      r.error = "snapshot service stopped";
      f->promise.set_value(r);
    }
  });
}

std::filesystem::path SnapshotService::file_for(const std::string& camera_id) const {
  if (camera_id.empty() || camera_id == "." || camera_id == ".." || camera_id.find('/') != std::string::npos ||
      camera_id.find('\0') != std::string::npos)
    throw BadInput(fmt::format("camera id {} cannot name a snapshot file", quote(camera_id)));
  return opt_.dir / (camera_id + ".jpg");
}

std::shared_future<SnapshotResult> SnapshotService::request(const std::string& camera_id) {
  return enqueue(camera_id, false);
}

void SnapshotService::on_available(const std::string& camera_id) { enqueue(camera_id, true); }

std::shared_future<SnapshotResult> SnapshotService::enqueue(const std::string& camera_id, bool rerun_if_running) {
  std::lock_guard lock(mutex_);
  if (stopping_) {
    std::promise<SnapshotResult> p;
    SnapshotResult r;
    r.error = "snapshot service stopped";
    p.set_value(r);
    return p.get_future().share();
  }
  if (auto it = in_flight_.find(camera_id); it != in_flight_.end()) {
    ++stats_.coalesced;
    // Queued: it has not started, so it will see the new state anyway. Running: maybe not.
    bool queued = std::find(queue_.begin(), queue_.end(), camera_id) != queue_.end();
    if (rerun_if_running && !queued) it->second->rerun = true;
    return it->second->future;
  }
  auto f = std::make_shared<InFlight>();
  f->future = f->promise.get_future().share();
  in_flight_[camera_id] = f;
  queue_.push_back(camera_id);
  work_cv_.notify_one();
  return f->future;
}

void SnapshotService::worker_loop() {
  for (;;) {
    std::string id;
    {
      std::unique_lock lock(mutex_);
      work_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      id = queue_.front();
      queue_.pop_front();
      states_[id].last_attempt = SteadyClock::now();
      ++stats_.captures;
    }
    SnapshotResult result;
    try {
      result = capture(id);
    } catch (const std::exception& e) {
      result.ok = false;
      result.error = e.what();
    }
    if (!cancel_) note_outcome(id, result);
    if (!cancel_ && opt_.on_capture) opt_.on_capture(result);
    std::shared_ptr<InFlight> done;
    bool rerun = false;
    {
      std::lock_guard lock(mutex_);
      if (auto it = in_flight_.find(id); it != in_flight_.end()) {
        done = it->second;
        in_flight_.erase(it);
      }
      if (!result.ok) ++stats_.failures;
      rerun = done && done->rerun && !stopping_;
    }
    if (done) done->promise.set_value(result);
    if (rerun) enqueue(id, false);
  }
}

void SnapshotService::refresh_loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (opt_.refresh <= Micros{0}) {
      refresh_cv_.wait(lock, [&] { return stopping_; });
      break;
    }
    auto tick = std::min<SteadyClock::duration>(opt_.refresh, std::chrono::seconds{1});
    refresh_cv_.wait_for(lock, tick);
    if (stopping_) break;
    lock.unlock();
    std::vector<std::string> active;
    try {
      for (const auto& row : db_.reader().all_cameras())
        if (row.status.state == StreamState::active && !row.removed_at && row.camera.node == db_.node())
          active.push_back(row.camera.id);
    } catch (const std::exception& e) {
      log::get("snapshots")->debug("refresh: cannot list cameras: {}", e.what());
    }
    auto now = SteadyClock::now();
    for (const auto& id : active) {
      bool due = false;
      {
        std::lock_guard g(mutex_);
        const auto& st = states_[id];
        due = !st.last_attempt || now - *st.last_attempt >= opt_.refresh;
      }
      if (due) enqueue(id, false);
    }
    lock.lock();
  }
}

void SnapshotService::note_outcome(const std::string& camera_id, const SnapshotResult& r) {
  auto logger = log::get("snapshots");
  std::lock_guard lock(mutex_);
  auto& st = states_[camera_id];
  if (r.ok) {
    if (st.failing)
      logger->info("camera {}: snapshots work again (from {}, {} ms)", quote(camera_id), r.source, r.elapsed.count() / 1000);
    else
      logger->debug("camera {}: snapshot from {} in {} ms", quote(camera_id), r.source, r.elapsed.count() / 1000);
    st.failing = false;
    st.last_error.clear();
    return;
  }
  if (!st.failing || st.last_error != r.error) logger->warn("camera {}: snapshot failed: {}", quote(camera_id), r.error);
  else logger->debug("camera {}: snapshot still failing", quote(camera_id));
  st.failing = true;
  st.last_error = r.error;
}

SnapshotResult SnapshotService::capture(const std::string& camera_id) {
  const auto started = SteadyClock::now();
  SnapshotResult result;
  auto row = db_.reader().camera(camera_id);
  if (!row) {
    result.error = fmt::format("camera {} not found", quote(camera_id));
    return result;
  }
  const std::string path = row->camera.path;
  auto target = file_for(camera_id);
  const snapshot::CaptureLimits limits{opt_.timeout, &cancel_, opt_.max_width};

  // The last keyframe of the newest segment (or of the one before, when the newest has no complete
  // fragment yet), accepted when it is recent enough to stand for the live picture.
  auto from_recording = [&]() -> Captured {
    auto now = clock_.now();
    auto candidates = [&] {
      std::vector<Segment> out;
      auto r = db_.reader();
      auto sum = r.segment_summary(camera_id);
      if (!sum.newest) return out;
      auto page = r.segment_page(camera_id, *sum.newest - opt_.tail_max_age, *sum.newest + Micros{1}, 50,
                                 std::nullopt, now);
      for (auto& s : page.items)
        if (s.state == SegmentState::recording || s.state == SegmentState::complete) out.push_back(std::move(s));
      std::sort(out.begin(), out.end(), [](const Segment& a, const Segment& b) { return a.start > b.start; });
      if (out.size() > 2) out.resize(2);
      return out;
    }();
    if (candidates.empty()) throw Error("no recording indexed");
    const auto& capture = snapshot::capture_api();
    std::string first_error;
    for (const auto& seg : candidates) {
      auto file = opt_.recordings_root / seg.file;
      try {
        // A keyframe shown before now - tail_max_age is too old: the module does not encode it.
        auto p = capture.tail(file, now - opt_.tail_max_age - seg.start, limits);
        TimePoint shown = seg.start + p.offset;
        if (now - shown > opt_.tail_max_age || p.jpeg.bytes.empty())
          throw Error(fmt::format("the newest recorded keyframe (in {}) is older than {}", quote(seg.file),
                                  format_duration(opt_.tail_max_age)));
        return Captured{std::move(p.jpeg), shown};
      } catch (const snapshot::TimedOut&) {
        throw;
      } catch (const Error& e) {
        if (first_error.empty()) first_error = e.what();
      }
    }
    throw Error(first_error);
  };
  auto from_live = [&](const std::string& url) -> Captured {
    auto p = snapshot::capture_api().live(url, limits);
    return Captured{std::move(p.jpeg), clock_.now()};
  };

  std::vector<std::string> errors;
  std::string token;
  for (const auto& source : opt_.sources) {
    if (opt_.read_token && token.empty() && source != "recording") token = opt_.read_token(path);
    if (cancel_) {
      errors.push_back("snapshot service stopped");
      break;
    }
    try {
      Captured c;
      if (source == "recording") c = from_recording();
      else if (source == "rtsp") c = from_live(join_url(opt_.rtsp_base, path) + (token.empty() ? "" : "?token=" + token));
      else if (source == "hls") c = from_live(join_url(with_password(opt_.hls_base, token), path + "/index.m3u8"));
      else throw Error(fmt::format("unknown source {}", quote(source)));
      const auto& jpeg = c.jpeg;
      write_file_atomic(target, jpeg.bytes);
      set_mtime(target, c.frame_time);
      result.ok = true;
      result.source = source;
      result.frame_time = c.frame_time;
      result.width = jpeg.width;
      result.height = jpeg.height;
      break;
    } catch (const std::exception& e) {
      errors.push_back(fmt::format("{}: {}", source, redact_credentials(e.what())));
    }
  }
  if (!result.ok) {
    std::string joined;
    for (const auto& e : errors) joined += (joined.empty() ? "" : "; ") + e;
    result.error = joined.empty() ? "no snapshot source configured" : joined;
  }
  result.elapsed = std::chrono::duration_cast<Micros>(SteadyClock::now() - started);
  return result;
}

std::optional<StoredSnapshot> SnapshotService::latest(const std::string& camera_id) const {
  auto file = file_for(camera_id);
  // One descriptor for content and mtime: a capture may rename a new file over it meanwhile.
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    throw Error(fmt::format("cannot open {}: {}", quote(file.string()), std::strerror(errno)));
  }
  struct Close {
    int fd;
    ~Close() { ::close(fd); }
  } close_fd{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw Error(fmt::format("cannot stat {}: {}", quote(file.string()), std::strerror(errno)));
  StoredSnapshot s;
  s.jpeg.resize(static_cast<std::size_t>(st.st_size));
  std::size_t done = 0;
  while (done < s.jpeg.size()) {
    ssize_t n = ::read(fd, s.jpeg.data() + done, s.jpeg.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error(fmt::format("cannot read {}: {}", quote(file.string()), std::strerror(errno)));
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  s.jpeg.resize(done);
  s.frame_time = TimePoint{Micros{static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000 + st.st_mtim.tv_nsec / 1000}};
  return s;
}

SnapshotService::AtResult SnapshotService::frame_at(const std::string& camera_id, TimePoint at) {
  const int limit = std::max(2, opt_.workers);
  {
    std::unique_lock lock(mutex_);
    if (!at_cv_.wait_for(lock, opt_.timeout, [&] { return stopping_ || at_running_ < limit; }))
      throw SnapshotBusy(fmt::format("{} snapshots at a chosen time are running already; try again", limit));
    if (stopping_) throw Error("snapshot service stopped");
    ++at_running_;
  }
  struct Release {
    SnapshotService& s;
    ~Release() {
      {
        std::lock_guard lock(s.mutex_);
        --s.at_running_;
      }
      s.at_cv_.notify_one();
    }
  } release{*this};

  auto not_covered = [&] {
    return NotFound(fmt::format("no recording of camera {} covers {}", quote(camera_id), format_rfc3339_ms(at)));
  };
  std::optional<Segment> seg;
  for (auto& s : db_.reader().segment_page(camera_id, at, at + Micros{1}, 20, std::nullopt, clock_.now()).items)
    if (s.state != SegmentState::missing && s.start <= at && (!seg || s.start > seg->start)) seg = std::move(s);
  if (!seg) throw not_covered();
  const snapshot::CaptureLimits limits{opt_.timeout, &cancel_, opt_.max_width};
  auto picture = snapshot::capture_api().at(opt_.recordings_root / seg->file, at - seg->start, limits);
  if (!picture) throw not_covered();
  AtResult out;
  out.jpeg = std::move(picture->jpeg);
  out.frame_time = seg->start + picture->offset;
  return out;
}

SnapshotService::Stats SnapshotService::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

}  // namespace hs
