// Snapshot latency and CPU per snapshot: hook-server's in-process libav capture against the ffmpeg
// command of the original design, on the same source. Built and driven by bench/snapshot/run.sh.
//
//   snapshot_bench inproc URL|FILE RUNS GAP_MS OUT.jpg   # in-process: RTSP/HLS URL, or tail of a segment
//   snapshot_bench cli    URL|FILE RUNS GAP_MS OUT.jpg   # ffmpeg CLI (files: -sseof -3, the tail)
//
// Each run is timed from the call (in-process) or from fork (CLI) to the JPEG written. CPU is the
// process's own user+sys time (in-process) or the child's (CLI, from wait4). Between runs it sleeps
// a uniform random 0..GAP_MS so that runs land at random points of the GOP. One line per run:
//   run <i> wall_ms <x> cpu_ms <y>
// then a summary line with median/p10/p90/mean of both.
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "snapshot/frame_reader.hpp"
#include "snapshot/jpeg.hpp"
#include "util/fs.hpp"

extern char** environ;

namespace {

double cpu_ms(const struct rusage& r) {
  return (r.ru_utime.tv_sec + r.ru_stime.tv_sec) * 1e3 + (r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e3;
}

bool is_url(const std::string& s) { return s.find("://") != std::string::npos; }

// One in-process snapshot, as SnapshotService does it (minus the index lookup).
void inproc(const std::string& source, const std::string& out) {
  hs::av::Interrupt interrupt(std::chrono::seconds{10});
  auto frame = is_url(source) ? hs::snapshot::read_live_keyframe(source, interrupt)
                              : hs::snapshot::read_last_keyframe(source, interrupt);
  auto jpeg = hs::snapshot::encode_jpeg(*frame.frame, 1280);
  hs::write_file_atomic(out, jpeg.bytes);
}

// One ffmpeg CLI snapshot; returns the child's CPU time.
double cli(const std::string& source, const std::string& out) {
  std::vector<std::string> argv = {"ffmpeg", "-hide_banner", "-loglevel", "error", "-y"};
  if (is_url(source)) {
    argv.insert(argv.end(), {"-rtsp_transport", "tcp", "-i", source});
  } else {
    argv.insert(argv.end(), {"-sseof", "-3", "-i", source});
  }
  argv.insert(argv.end(), {"-frames:v", "1", "-q:v", "2", out});
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawnp(&pid, "ffmpeg", nullptr, nullptr, args.data(), environ) != 0) {
    std::fprintf(stderr, "cannot start ffmpeg\n");
    std::exit(2);
  }
  int status = 0;
  struct rusage ru {};
  wait4(pid, &status, 0, &ru);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "ffmpeg failed\n");
    std::exit(2);
  }
  return cpu_ms(ru);
}

double pct(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  double idx = p * (v.size() - 1);
  auto lo = static_cast<std::size_t>(idx);
  auto hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (v[hi] - v[lo]) * (idx - lo);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: %s inproc|cli URL|FILE RUNS GAP_MS OUT.jpg\n", argv[0]);
    return 2;
  }
  std::string mode = argv[1], source = argv[2], out = argv[5];
  int runs = std::stoi(argv[3]);
  int gap_ms = std::stoi(argv[4]);
  std::mt19937 rng(12345);
  std::uniform_int_distribution<int> gap(0, std::max(0, gap_ms));
  if (mode == "inproc") inproc(source, out);  // warm-up: libav's lazy init, page cache
  std::vector<double> walls, cpus;
  for (int i = 0; i < runs; ++i) {
    if (gap_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(gap(rng)));
    struct rusage before {}, after {};
    getrusage(RUSAGE_SELF, &before);
    auto t0 = std::chrono::steady_clock::now();
    double cpu = 0;
    try {
      if (mode == "inproc") {
        inproc(source, out);
        getrusage(RUSAGE_SELF, &after);
        cpu = cpu_ms(after) - cpu_ms(before);
      } else {
        cpu = cli(source, out);
      }
    } catch (const std::exception& e) {
      std::fprintf(stderr, "run %d failed: %s\n", i, e.what());
      return 1;
    }
    double wall = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    walls.push_back(wall);
    cpus.push_back(cpu);
    std::printf("run %d wall_ms %.1f cpu_ms %.1f\n", i, wall, cpu);
    std::fflush(stdout);
  }
  double mean_cpu = 0;
  for (double c : cpus) mean_cpu += c / cpus.size();
  std::printf("summary %s runs %d wall_ms median %.1f p10 %.1f p90 %.1f min %.1f max %.1f cpu_ms median %.1f mean %.1f\n",
              mode.c_str(), runs, pct(walls, 0.5), pct(walls, 0.1), pct(walls, 0.9), pct(walls, 0), pct(walls, 1),
              pct(cpus, 0.5), mean_cpu);
  return 0;
}
