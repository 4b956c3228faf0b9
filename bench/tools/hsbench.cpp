// hsbench: the helper program behind bench/*.sh. It makes data (bulk index rows in the project's
// schema, empty segment files), drives the server over keep-alive HTTP (hook load, query latency)
// and measures the peers that need code (a directory walk + name parse, raw SQLite inserts).
// Self-contained on purpose (sqlite3 C API + POSIX sockets): it builds with one g++ line and does
// not depend on the project's compile flags. Every loop is bounded; nothing listens.
//
//   hsbench populate --db F --cameras N --per-camera M [--first-camera 1] [--start-us S] [--step-us 60000000]
//                    [--retention-us R] [--notified-until-us T] [--permanent-every K] [--files ROOT]
//   hsbench files --root ROOT --camera-path P --count N [--start-us S] [--step-us 60000000]
//   hsbench load --port P [--conns 8] [--requests N] [--rate R] [--cwd DIR] [--first-camera 1]
//                [--start-us S] [--touch ROOT]
//   hsbench query --port P --path URLPATH [--requests N]    ("{n}" in URLPATH: 2,000 + request number
//                                                          modulo 3,000, so consecutive requests differ)
//   hsbench walk --dir D --from-us A --to-us B [--runs N]
//   hsbench sqlite-insert --db F --rows N [--per-tx K]
//   hsbench http-floor --port P [--threads 32] [--seconds 60]
#include <httplib.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

std::map<std::string, std::string> g_args;

std::string arg(const char* name, const std::string& def = "") {
  auto it = g_args.find(name);
  return it == g_args.end() ? def : it->second;
}
long long iarg(const char* name, long long def) {
  auto v = arg(name);
  return v.empty() ? def : std::stoll(v);
}

[[noreturn]] void die(const std::string& msg) {
  std::fprintf(stderr, "hsbench: %s\n", msg.c_str());
  std::exit(1);
}

int64_t now_us() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return int64_t(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

// MediaMTX's default name: %Y-%m-%d_%H-%M-%S-%f (UTC here; the bench config sets timezone UTC).
std::string seg_name(int64_t start_us) {
  time_t secs = static_cast<time_t>(start_us / 1000000);
  tm t{};
  gmtime_r(&secs, &t);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d_%02d-%02d-%02d-%06d.mp4", t.tm_year + 1900, t.tm_mon + 1, t.tm_mday,
                t.tm_hour, t.tm_min, t.tm_sec, static_cast<int>(start_us % 1000000));
  return buf;
}

void sq(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) die(std::string("sqlite: ") + sql + ": " + (err ? err : "?"));
}

sqlite3_stmt* prep(sqlite3* db, const char* sql) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) != SQLITE_OK) die(std::string("prepare: ") + sqlite3_errmsg(db));
  return s;
}

// Creates an empty file; with mtime_us, dated like MediaMTX leaves it (the segment's end).
void touch(const std::string& path, int64_t mtime_us = 0) {
  int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0) die("cannot create " + path + ": " + std::strerror(errno));
  if (mtime_us) {
    timespec ts[2] = {{mtime_us / 1000000, (mtime_us % 1000000) * 1000}, {mtime_us / 1000000, (mtime_us % 1000000) * 1000}};
    ::futimens(fd, ts);
  }
  ::close(fd);
}

void mkdirs(const std::string& dir) {
  for (size_t i = 1; i <= dir.size(); ++i)
    if (i == dir.size() || dir[i] == '/') ::mkdir(dir.substr(0, i).c_str(), 0755);
}

double pct(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  size_t k = std::min(v.size() - 1, static_cast<size_t>(p / 100.0 * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
  return v[k];
}

// ---- populate: rows straight into the server's schema (the server created and migrated the file).
int populate() {
  std::string file = arg("--db");
  long long cams = iarg("--cameras", 50), per = iarg("--per-camera", 20000), first = iarg("--first-camera", 1);
  int64_t step = iarg("--step-us", 60000000), start0 = iarg("--start-us", now_us() - per * step);
  int64_t retention = iarg("--retention-us", 7LL * 86400 * 1000000);
  int64_t notified_until = iarg("--notified-until-us", INT64_MIN);
  long long perm_every = iarg("--permanent-every", 0);
  std::string files_root = arg("--files");
  std::string prefix = arg("--prefix", "camera_");
  // --files-only 1: no index writes, (re)create the files of rows expiring before --expired-before-us.
  bool files_only = iarg("--files-only", 0) != 0;
  int64_t expired_before = iarg("--expired-before-us", INT64_MAX);
  if (files_only) {
    long long made = 0;
    for (long long c = first; c < first + cams; ++c) {
      std::string path = prefix + std::to_string(c);
      mkdirs(files_root + "/" + path);
      for (long long i = 0; i < per; ++i) {
        int64_t start = start0 + i * step;
        if (start + retention > expired_before) break;
        touch(files_root + "/" + path + "/" + seg_name(start), start + step);
        ++made;
      }
    }
    std::printf("files: %lld made\n", made);
    return 0;
  }
  sqlite3* db = nullptr;
  if (sqlite3_open(file.c_str(), &db) != SQLITE_OK) die("cannot open " + file);
  sq(db, "PRAGMA journal_mode = WAL");
  sq(db, "PRAGMA synchronous = OFF");
  sq(db, "PRAGMA cache_size = -200000");
  auto t0 = Clock::now();
  sq(db, "BEGIN");
  auto* cam = prep(db,
      "INSERT INTO cameras (id, path, name, plan, origin, created_us, updated_us) VALUES (?1, ?2, ?2, 'basic', 'discovered', 0, 0) "
      "ON CONFLICT DO NOTHING");
  auto* ins = prep(db,
      "INSERT INTO segments (camera_id, file, start_us, duration_us, size_bytes, state, permanent, expires_us, notified_us, "
      "created_us, updated_us) VALUES (?1, ?2, ?3, ?4, 1000000, 'complete', ?5, ?6, ?7, ?8, ?8)");
  int64_t created = now_us();
  long long n = 0;
  for (long long c = first; c < first + cams; ++c) {
    std::string id = std::to_string(c), path = prefix + id;
    sqlite3_bind_text(cam, 1, id.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(cam, 2, path.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(cam) != SQLITE_DONE) die(std::string("camera insert: ") + sqlite3_errmsg(db));
    sqlite3_reset(cam);
    if (!files_root.empty()) mkdirs(files_root + "/" + path);
    for (long long i = 0; i < per; ++i, ++n) {
      int64_t start = start0 + i * step;
      std::string rel = path + "/" + seg_name(start);
      int64_t expires = start + retention;
      bool permanent = perm_every > 0 && (i % perm_every) == 0;
      sqlite3_bind_text(ins, 1, id.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(ins, 2, rel.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64(ins, 3, start);
      sqlite3_bind_int64(ins, 4, step);
      sqlite3_bind_int(ins, 5, permanent ? 1 : 0);
      sqlite3_bind_int64(ins, 6, expires);
      if (expires <= notified_until) sqlite3_bind_int64(ins, 7, created);
      else sqlite3_bind_null(ins, 7);
      sqlite3_bind_int64(ins, 8, created);
      if (sqlite3_step(ins) != SQLITE_DONE) die(std::string("segment insert: ") + sqlite3_errmsg(db));
      sqlite3_reset(ins);
      if (!files_root.empty()) touch(files_root + "/" + rel, start + step);
    }
  }
  // The retention these expiries were computed with (so the server's start-up sync keeps them).
  sq(db, ("UPDATE cameras SET applied_retention_us = " + std::to_string(retention)).c_str());
  sqlite3_finalize(cam);
  sqlite3_finalize(ins);
  sq(db, "COMMIT");
  sq(db, "PRAGMA wal_checkpoint(TRUNCATE)");
  sqlite3_close(db);
  std::printf("populated %lld rows in %.1f s\n", n, std::chrono::duration<double>(Clock::now() - t0).count());
  return 0;
}

// ---- files: empty segment files for a camera (the walk peer, reconcile).
int files() {
  std::string root = arg("--root"), path = arg("--camera-path", "camera_1");
  long long count = iarg("--count", 20000);
  int64_t step = iarg("--step-us", 60000000), start0 = iarg("--start-us", now_us() - count * step);
  mkdirs(root + "/" + path);
  for (long long i = 0; i < count; ++i) touch(root + "/" + path + "/" + seg_name(start0 + i * step), start0 + (i + 1) * step);
  return 0;
}

// ---- HTTP/1.1 keep-alive client (just enough for our own server: Content-Length bodies).
struct Conn {
  int fd = -1, port = 0;
  std::string buf;
  long long reconnects = 0;
  explicit Conn(int p) : port(p) { open(); }
  void open() {
    if (fd >= 0) ::close(fd);
    buf.clear();
    fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) die(std::string("connect: ") + std::strerror(errno));
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    timeval tv{10, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~Conn() { if (fd >= 0) ::close(fd); }
  // Returns the status (0 on transport error); body in `body`.
  int request(const std::string& req, std::string& body) {
    for (size_t off = 0; off < req.size();) {
      ssize_t w = ::send(fd, req.data() + off, req.size() - off, MSG_NOSIGNAL);
      if (w <= 0) return 0;
      off += static_cast<size_t>(w);
    }
    size_t hdr_end;
    while ((hdr_end = buf.find("\r\n\r\n")) == std::string::npos)
      if (!fill()) return 0;
    int status = std::atoi(buf.c_str() + 9);
    size_t len = 0;
    std::string head = buf.substr(0, hdr_end);
    for (auto& ch : head) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (auto p = head.find("content-length:"); p != std::string::npos) len = std::strtoul(head.c_str() + p + 15, nullptr, 10);
    while (buf.size() < hdr_end + 4 + len)
      if (!fill()) return 0;
    body = buf.substr(hdr_end + 4, len);
    buf.erase(0, hdr_end + 4 + len);
    // cpp-httplib closes a keep-alive connection after keep_alive_max_count requests: reopen.
    if (head.find("\r\nconnection: close") != std::string::npos) {
      open();
      ++reconnects;
    }
    return status;
  }
  bool fill() {
    char tmp[65536];
    ssize_t r = ::recv(fd, tmp, sizeof tmp, 0);
    if (r <= 0) return false;
    buf.append(tmp, static_cast<size_t>(r));
    return true;
  }
};

void report_latency(const char* what, std::vector<double>& lat_us, double secs, long long errors) {
  double n = static_cast<double>(lat_us.size());
  double p50 = pct(lat_us, 50), p90 = pct(lat_us, 90), p99 = pct(lat_us, 99), p999 = pct(lat_us, 99.9);
  double mx = lat_us.empty() ? 0 : *std::max_element(lat_us.begin(), lat_us.end());
  std::printf("%s: requests=%.0f errors=%lld seconds=%.3f rate=%.0f/s p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f p999_ms=%.3f max_ms=%.3f\n",
              what, n, errors, secs, n / secs, p50 / 1000, p90 / 1000, p99 / 1000, p999 / 1000, mx / 1000);
}

// ---- load: segment-complete hooks, each for a new file, from `conns` keep-alive connections.
int load() {
  int port = static_cast<int>(iarg("--port", 0));
  int conns = static_cast<int>(iarg("--conns", 8));
  long long total = iarg("--requests", 100000);
  double rate = static_cast<double>(iarg("--rate", 0));  // 0: as fast as possible
  std::string cwd = arg("--cwd", "/nonexistent");
  std::string touch_root = arg("--touch");
  long long first_cam = iarg("--first-camera", 1);
  // Default: one-minute segments ending now (a start after now + 1 day is refused by the hook
  // route); a new file per hook as long as each run has its own cameras (--first-camera).
  const int64_t per_conn = total / std::max(conns, 1) + 1;
  int64_t start0 = iarg("--start-us", (now_us() / 60000000 - per_conn) * 60000000);
  std::vector<std::vector<double>> lat(static_cast<size_t>(conns));
  std::atomic<long long> errors{0};
  std::string first_error;
  std::mutex err_mu;
  // Bodies are made before the clock starts (and files touched, so the server's stat finds them).
  std::vector<std::vector<std::string>> reqs(static_cast<size_t>(conns));
  for (int c = 0; c < conns; ++c) {
    long long n = total / conns + (c < total % conns ? 1 : 0);
    std::string path = "camera_" + std::to_string(first_cam + c);
    if (!touch_root.empty()) mkdirs(touch_root + "/" + path);
    for (long long i = 0; i < n; ++i) {
      std::string name = seg_name(start0 + i * 60000000LL);
      if (!touch_root.empty()) touch(touch_root + "/" + path + "/" + name);
      std::string body = "{\"event\":\"segment-complete\",\"time_us\":" + std::to_string(now_us()) + ",\"cwd\":\"" + cwd +
                         "\",\"vars\":{\"MTX_PATH\":\"" + path + "\",\"MTX_SEGMENT_PATH\":\"./recordings/" + path + "/" +
                         name + "\",\"MTX_SEGMENT_DURATION\":\"60\"}}";
      reqs[static_cast<size_t>(c)].push_back("POST /hooks/segment-complete HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " +
                                             std::to_string(body.size()) + "\r\n\r\n" + body);
    }
  }
  auto t0 = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < conns; ++c) {
    threads.emplace_back([&, c] {
      Conn conn(port);
      auto& mine = reqs[static_cast<size_t>(c)];
      auto& l = lat[static_cast<size_t>(c)];
      l.reserve(mine.size());
      std::string body;
      double interval_s = rate > 0 ? conns / rate : 0;
      for (size_t i = 0; i < mine.size(); ++i) {
        if (interval_s > 0) std::this_thread::sleep_until(t0 + std::chrono::duration<double>(interval_s * static_cast<double>(i)));
        auto s = Clock::now();
        int st = conn.request(mine[i], body);
        l.push_back(std::chrono::duration<double, std::micro>(Clock::now() - s).count());
        if (st != 200) {
          ++errors;
          std::lock_guard lock(err_mu);
          if (first_error.empty()) first_error = std::to_string(st) + " " + body;
          if (st == 0) return;  // connection gone
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  std::vector<double> all;
  for (auto& l : lat) all.insert(all.end(), l.begin(), l.end());
  report_latency("load", all, secs, errors.load());
  if (!first_error.empty()) std::printf("first error: %s\n", first_error.substr(0, 300).c_str());
  return errors ? 2 : 0;
}

// ---- query: one GET path repeated on one keep-alive connection.
int query() {
  int port = static_cast<int>(iarg("--port", 0));
  long long n = iarg("--requests", 1000);
  std::string path = arg("--path");
  auto request_for = [&](long long i) {
    std::string p = path;
    if (auto at = p.find("{n}"); at != std::string::npos) p.replace(at, 3, std::to_string(2000 + i % 3000));
    return "GET " + p + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  };
  Conn conn(port);
  std::vector<double> lat;
  std::string body;
  long long errors = 0;
  size_t bytes = 0;
  auto t0 = Clock::now();
  for (long long i = 0; i < n; ++i) {
    std::string req = request_for(i);
    auto s = Clock::now();
    int st = conn.request(req, body);
    lat.push_back(std::chrono::duration<double, std::micro>(Clock::now() - s).count());
    if (st != 200) {
      if (++errors == 1) std::printf("first error: %d %s\n", st, body.substr(0, 300).c_str());
      if (st == 0) break;
    }
    bytes = body.size();
  }
  double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  size_t items = 0;
  for (size_t p = body.find("\"file\""); p != std::string::npos; p = body.find("\"file\"", p + 1)) ++items;
  std::printf("body_bytes=%zu items=%zu ", bytes, items);
  report_latency("query", lat, secs, errors);
  return errors ? 2 : 0;
}

// ---- walk: what MediaMTX's /v3/recordings/get does for one camera: list the directory, parse every
// name, keep the ones in [from, to), sort.
int walk() {
  std::string dir = arg("--dir");
  int64_t from = iarg("--from-us", 0), to = iarg("--to-us", INT64_MAX);
  long long runs = iarg("--runs", 20);
  std::vector<double> lat;
  size_t kept = 0, seen = 0;
  for (long long r = 0; r < runs; ++r) {
    auto s = Clock::now();
    std::vector<int64_t> starts;
    seen = 0;
    DIR* d = ::opendir(dir.c_str());
    if (!d) die("opendir " + dir);
    while (dirent* e = ::readdir(d)) {
      int Y, M, D, h, m, sec, us;
      if (std::sscanf(e->d_name, "%4d-%2d-%2d_%2d-%2d-%2d-%6d.mp4", &Y, &M, &D, &h, &m, &sec, &us) != 7) continue;
      ++seen;
      tm t{};
      t.tm_year = Y - 1900; t.tm_mon = M - 1; t.tm_mday = D; t.tm_hour = h; t.tm_min = m; t.tm_sec = sec;
      int64_t st = int64_t(timegm(&t)) * 1000000 + us;
      if (st >= from && st < to) starts.push_back(st);
    }
    ::closedir(d);
    std::sort(starts.begin(), starts.end());
    kept = starts.size();
    lat.push_back(std::chrono::duration<double, std::micro>(Clock::now() - s).count());
  }
  std::printf("walk: files=%zu kept=%zu runs=%zu p50_ms=%.3f p99_ms=%.3f\n", seen, kept, lat.size(), pct(lat, 50) / 1000,
              pct(lat, 99) / 1000);
  return 0;
}

// ---- sqlite-insert: the physical ceiling for ingest. The server's own statements for one
// segment-complete (upsert, row lookup, event log), on an index of the same size, one transaction per
// event (what the server does) or K per transaction.
int sqlite_insert() {
  std::string file = arg("--db");
  long long rows = iarg("--rows", 100000), per_tx = iarg("--per-tx", 1);
  sqlite3* db = nullptr;
  if (sqlite3_open(file.c_str(), &db) != SQLITE_OK) die("cannot open " + file);
  sq(db, "PRAGMA journal_mode = WAL");
  sq(db, "PRAGMA synchronous = NORMAL");
  sq(db, "PRAGMA foreign_keys = ON");
  sq(db, "INSERT INTO cameras (id, path, name, plan, origin, created_us, updated_us) VALUES ('sq', 'camera_sq', 'sq', 'basic', 'discovered', 0, 0) ON CONFLICT DO NOTHING");
  auto* up = prep(db,
      "INSERT INTO segments (camera_id, file, start_us, duration_us, size_bytes, state, expires_us, created_us, updated_us) "
      "VALUES (?1, ?2, ?3, ?4, ?5, 'complete', ?6, ?7, ?7) "
      "ON CONFLICT (file) DO UPDATE SET state = 'complete', duration_us = ?4, size_bytes = ?5, updated_us = ?7 "
      "WHERE state != 'deleting' AND (state != 'complete' OR duration_us IS NOT ?4 OR size_bytes != ?5)");
  auto* sel = prep(db, "SELECT id, camera_id, file, start_us, duration_us, size_bytes, state, permanent, expires_us, notified_us FROM segments WHERE file = ?1");
  auto* ev = prep(db, "INSERT INTO events (at_us, received_us, kind, path, camera_id, segment, outcome, detail) VALUES (?1, ?1, 'segment-complete', 'camera_sq', 'sq', ?2, 'applied', '')");
  auto t0 = Clock::now();
  int64_t base = 1956528000000000LL;  // 2032
  for (long long i = 0; i < rows; ++i) {
    if (i % per_tx == 0) sq(db, "BEGIN IMMEDIATE");
    std::string rel = "camera_sq/" + seg_name(base + i * 60000000LL);
    int64_t now = now_us();
    sqlite3_bind_text(up, 1, "sq", -1, SQLITE_STATIC);
    sqlite3_bind_text(up, 2, rel.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(up, 3, base + i * 60000000LL);
    sqlite3_bind_int64(up, 4, 60000000);
    sqlite3_bind_int64(up, 5, 0);
    sqlite3_bind_int64(up, 6, base + i * 60000000LL + 7LL * 86400 * 1000000);
    sqlite3_bind_int64(up, 7, now);
    if (sqlite3_step(up) != SQLITE_DONE) die(std::string("upsert: ") + sqlite3_errmsg(db));
    sqlite3_reset(up);
    sqlite3_bind_text(sel, 1, rel.c_str(), -1, SQLITE_TRANSIENT);
    while (sqlite3_step(sel) == SQLITE_ROW) {}
    sqlite3_reset(sel);
    sqlite3_bind_int64(ev, 1, now);
    sqlite3_bind_text(ev, 2, rel.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(ev) != SQLITE_DONE) die(std::string("event: ") + sqlite3_errmsg(db));
    sqlite3_reset(ev);
    if ((i + 1) % per_tx == 0 || i + 1 == rows) sq(db, "COMMIT");
  }
  double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  std::printf("sqlite-insert: rows=%lld per_tx=%lld seconds=%.3f rate=%.0f/s\n", rows, per_tx, secs, static_cast<double>(rows) / secs);
  sqlite3_finalize(up);
  sqlite3_finalize(sel);
  sqlite3_finalize(ev);
  sqlite3_close(db);
  return 0;
}

// ---- http-floor: the ingest peer that does no work. A cpp-httplib server set up like hook-server's
// (same worker pool size, TCP_NODELAY, keep-alive cap, payload limit) that answers every hook with
// a response of the same shape and size, without parsing or storing anything: what HTTP alone costs
// on this machine. Listens on 127.0.0.1 only and exits after --seconds.
int http_floor() {
  int port = static_cast<int>(iarg("--port", 0));
  size_t threads = static_cast<size_t>(iarg("--threads", 32));
  long long seconds = iarg("--seconds", 60);
  httplib::Server server;
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server.set_tcp_nodelay(true);
  server.set_keep_alive_max_count(100);
  server.set_payload_max_length(1 << 20);
  server.Post(R"(/hooks/([^/]+))", [](const httplib::Request& req, httplib::Response& res) {
    if (req.body.empty()) res.status = 400;
    res.set_content("{\"ok\":true,\"camera\":\"camera_101\",\"changed\":true,\"segment_id\":1234567}", "application/json");
  });
  std::atomic<bool> done{false};
  std::thread stopper([&] {
    auto until = Clock::now() + std::chrono::seconds(seconds);
    while (!done && Clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    server.stop();
  });
  bool ok = server.listen("127.0.0.1", port);
  done = true;
  stopper.join();
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) die("usage: hsbench populate|files|load|query|walk|sqlite-insert [--name value]...");
  std::string cmd = argv[1];
  for (int i = 2; i + 1 < argc; i += 2) g_args[argv[i]] = argv[i + 1];
  if (cmd == "populate") return populate();
  if (cmd == "files") return files();
  if (cmd == "load") return load();
  if (cmd == "query") return query();
  if (cmd == "walk") return walk();
  if (cmd == "sqlite-insert") return sqlite_insert();
  if (cmd == "http-floor") return http_floor();
  die("unknown command " + cmd);
}
