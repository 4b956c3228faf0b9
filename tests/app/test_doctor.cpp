// `hook-server doctor`: each check passing and failing on a real setup (a real server, the MediaMTX
// Control API stand-in, files on disk, the built binaries as hook commands), the exit code, the text
// and JSON output.
#include "app/doctor.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <cstdlib>
#include <fstream>

#include "config/config.hpp"
#include "domain/record_path.hpp"
#include "mediamtx/camera_path.hpp"
#include "mediamtx/config_gen.hpp"
#include "support/control_api_standin.hpp"
#include "mediamtx/gen_fixture.hpp"
#include "support/server_fixture.hpp"
#include "build_paths.hpp"

using namespace hs;
using namespace hs::test;
using hs::test::mtx::read_file;
namespace fs = std::filesystem;
using Status = DoctorCheck::Status;

namespace {

const char* kCameras = R"(cameras:
  - {id: "1", source: "rtsp://10.0.0.5/s"}
)";

class FakeDisk : public DiskProbe {
 public:
  DiskUsage usage(const fs::path&) const override { return u; }
  DiskUsage u{100ull << 30, 50ull << 30};
};

struct Doctor {
  ServerFixture& server;
  FakeDisk disk;
  Clock clock;

  std::vector<DoctorCheck> run() {
    DoctorOptions o;
    o.path_var = "/usr/bin:/bin";
    o.clock = &clock;
    o.disk = &disk;
    return run_doctor(server.config_file(), o);
  }
  DoctorCheck check(const std::string& name) {
    for (auto& c : run())
      if (c.name == name) return c;
    FAIL("no check named " << name);
    return {};
  }
  Config config() const { return load_config(server.config_file()); }
  void generate() { write_mediamtx_config(config(), config().cameras); }
  fs::path output() const { return server.dir() / "mediamtx.yml"; }
};

void replace_in(const fs::path& p, const std::string& from, const std::string& to) {
  std::string text = read_file(p);
  auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
  std::ofstream(p) << text;
}

}  // namespace

TEST_CASE("doctor: a sound setup passes every check", "[doctor]") {
  ControlApiStandin mtx;
  ServerFixture server(kCameras, "UTC", "api_url: " + mtx.url());
  Doctor d{server};
  d.generate();
  server.start();
  // A segment named a minute ago, written until now.
  RecordPath rp("./recordings/%path/%Y-%m-%d_%H-%M-%S-%f", "fmp4", Zone::named("UTC"));
  auto name = rp.encode("camera_1", d.clock.now() - std::chrono::minutes{1});
  fs::create_directories((server.recordings() / name).parent_path());
  std::ofstream(server.recordings() / name) << "x";

  auto checks = d.run();
  INFO(doctor_text(checks));
  for (const auto& c : checks) CHECK(status_name(c.status) == std::string("ok"));
  CHECK(checks.size() == 10);
  CHECK(doctor_exit_code(checks) == 0);
  const auto text = doctor_text(checks);
  CHECK(text.find(fmt::format("ok    mediamtx-config  {} is up to date (1 cameras)\n", d.output().string())) != std::string::npos);
  CHECK(text.find(fmt::format("ok    hook-commands    4 distinct hook commands start from {}: {} is hook-server {}\n",
                              server.working_dir().string(), HOOK_SERVER_BIN, HOOK_SERVER_VERSION)) != std::string::npos);
  CHECK(text.find(fmt::format("ok    mediamtx-api     MediaMTX v1.20.1 answers at {}\n", mtx.url())) != std::string::npos);
  auto j = doctor_json(checks);
  CHECK(j["status"] == "ok");
  CHECK(j["checks"].size() == 10);
  CHECK(j["checks"][0] == nlohmann::json{{"name", "config"}, {"status", "ok"},
                                         {"message", server.config_file().string() + " is valid (1 cameras)"}, {"fix", ""}});
}

TEST_CASE("doctor: an invalid configuration fails and skips the rest", "[doctor]") {
  ServerFixture server(kCameras);
  std::ofstream(server.config_file(), std::ios::app) << "colour: blue\n";
  Doctor d{server};
  auto checks = d.run();
  REQUIRE(checks.size() == 10);
  CHECK(checks[0].status == Status::fail);
  CHECK(checks[0].message.find("colour: unknown key") != std::string::npos);
  CHECK(checks[0].fix == fmt::format("correct {} (README.md, Configuration)", server.config_file().string()));
  for (std::size_t i = 1; i < checks.size(); ++i) CHECK(checks[i].status == Status::skip);
  CHECK(doctor_exit_code(checks) == 2);
  CHECK(doctor_json(checks)["status"] == "fail");
  CHECK(doctor_text(checks).rfind("fail  config           ", 0) == 0);
}

TEST_CASE("doctor: mediamtx.yml missing, stale, or letting MediaMTX's cleaner delete", "[doctor]") {
  ServerFixture server(kCameras);
  Doctor d{server};
  const std::string gen = "hook-server gen-config --config " + server.config_file().string();
  auto c = d.check("mediamtx-config");
  CHECK(c.status == Status::fail);
  CHECK(c.message == d.output().string() + " does not exist");
  CHECK(c.fix == "run " + gen);
  CHECK(d.check("record-cleaner").status == Status::skip);
  CHECK(d.check("hook-commands").status == Status::skip);

  d.generate();
  CHECK(d.check("mediamtx-config").status == Status::ok);
  CHECK(d.check("record-cleaner").status == Status::ok);
  std::ofstream(server.config_file(), std::ios::app) << "  - {id: \"2\", source: \"rtsp://10.0.0.6/s\"}\n";
  c = d.check("mediamtx-config");
  CHECK(c.status == Status::fail);
  CHECK(c.message.find(d.output().string() + " is out of date (") == 0);
  CHECK(c.message.find(" lines differ from what gen-config writes now)") != std::string::npos);

  // One value edited by hand: one line removed, one added.
  d.generate();
  replace_in(d.output(), "    rtspTransport: tcp\n", "    rtspTransport: udp\n");
  CHECK(d.check("mediamtx-config").message == d.output().string() + " is out of date (2 lines differ from what gen-config writes now)");

  d.generate();
  replace_in(d.output(), "    recordDeleteAfter: 0s\n", "    recordDeleteAfter: 1d\n");
  c = d.check("record-cleaner");
  CHECK(c.status == Status::fail);
  CHECK(c.message == fmt::format("MediaMTX's cleaner would delete recordings under {}, permanent ones included: paths.camera_1 (1d)",
                                 server.recordings().string()));
  CHECK(c.fix == "set recordDeleteAfter: 0s there (pathDefaults in base.yml), then run " + gen);
}

TEST_CASE("doctor: hook commands are started as MediaMTX starts them", "[doctor]") {
  ServerFixture server(kCameras);
  Doctor d{server};
  d.generate();
  CHECK(d.check("hook-commands").status == Status::ok);

  // A program that is not there.
  std::string command = hook_command_line(d.config(), "available");
  replace_in(d.output(), "runOnAvailable: " + command, "runOnAvailable: /nonexistent/hook-server hook available");
  auto c = d.check("hook-commands");
  CHECK(c.status == Status::fail);
  CHECK(c.message == "paths.camera_1.runOnAvailable: MediaMTX cannot start \"/nonexistent/hook-server hook available\": "
                     "fork/exec /nonexistent/hook-server: no such file or directory");
  CHECK(c.fix.rfind("set mediamtx.hook_command to the absolute path of hook-server", 0) == 0);

  // A bare name is looked up in MediaMTX's PATH; one that is not hook-server is a warning.
  replace_in(d.output(), "runOnAvailable: /nonexistent/hook-server hook available", "runOnAvailable: echo hook available");
  c = d.check("hook-commands");
  CHECK(c.status == Status::warn);
  CHECK(c.message.rfind("paths.camera_1.runOnAvailable: /usr/bin/echo reports version \"echo (GNU coreutils)", 0) == 0);
  CHECK(c.message.find(", this is hook-server " + std::string(HOOK_SERVER_VERSION)) != std::string::npos);

  // A --config the hook cannot read.
  d.generate();
  fs::rename(server.config_file(), server.dir() / "moved.yml");
  DoctorOptions o;
  o.path_var = "/usr/bin";
  auto checks = run_doctor(server.dir() / "moved.yml", o);
  c = checks[3];
  REQUIRE(c.name == "hook-commands");
  CHECK(c.status == Status::fail);
  CHECK(c.message.find(fmt::format(": the hook's --config \"{}\" cannot be read: No such file or directory",
                                   server.config_file().string())) != std::string::npos);
  fs::rename(server.dir() / "moved.yml", server.config_file());

  // MediaMTX's working directory missing.
  fs::remove_all(server.working_dir());
  c = d.check("hook-commands");
  CHECK(c.status == Status::fail);
  CHECK(c.message.rfind(fmt::format("MediaMTX's working directory {} does not exist", server.working_dir().string()), 0) == 0);
}

TEST_CASE("doctor: the recordings root must be a folder hook-server can delete in", "[doctor]") {
  ServerFixture server(kCameras);
  Doctor d{server};
  CHECK(d.check("recordings").status == Status::ok);
  fs::remove_all(server.recordings());
  auto c = d.check("recordings");
  CHECK(c.status == Status::warn);
  CHECK(c.message == fmt::format("the recordings root {} does not exist: No such file or directory", server.recordings().string()));
  std::ofstream(server.recordings()) << "a file";
  c = d.check("recordings");
  CHECK(c.status == Status::fail);
  CHECK(c.message == fmt::format("the recordings root {} is not a folder", server.recordings().string()));
}

TEST_CASE("doctor: MediaMTX's Control API and its version", "[doctor]") {
  ControlApiStandin mtx;
  {
    ServerFixture server(kCameras);
    Doctor d{server};
    auto c = d.check("mediamtx-api");
    CHECK(c.status == Status::skip);
    CHECK(c.message == "mediamtx.api_url is empty: camera changes are not hot-applied");
  }
  ServerFixture server(kCameras, "UTC", "api_url: " + mtx.url());
  Doctor d{server};
  CHECK(d.check("mediamtx-api").status == Status::ok);
  mtx.set_version("v1.20.0");
  auto c = d.check("mediamtx-api");
  CHECK(c.status == Status::warn);
  CHECK(c.message == "MediaMTX is v1.20.0 but mediamtx.version is \"1.20.1\"");
  CHECK(c.fix == fmt::format("set mediamtx.version: \"1.20.0\" in {}, then run hook-server gen-config --config {}",
                             server.config_file().string(), server.config_file().string()));
  mtx.set_version("v1.19.2");
  c = d.check("mediamtx-api");
  CHECK(c.status == Status::fail);
  CHECK(c.message.rfind("MediaMTX is v1.19.2 but mediamtx.version is \"1.20.1\": they use different hook names", 0) == 0);

  ServerFixture nobody(kCameras, "UTC", fmt::format("api_url: http://127.0.0.1:{}", free_port()));
  Doctor unreachable{nobody};
  c = unreachable.check("mediamtx-api");
  CHECK(c.status == Status::fail);
  CHECK(c.message.find("/v3/info: Connection") != std::string::npos);
}

TEST_CASE("doctor: a segment named after now, or after its own last write, means a wrong time zone", "[doctor]") {
  ServerFixture server(kCameras);
  Doctor d{server};
  CHECK(d.check("timezone").status == Status::skip);
  RecordPath rp("./recordings/%path/%Y-%m-%d_%H-%M-%S-%f", "fmp4", Zone::named("UTC"));
  auto place = [&](TimePoint start, TimePoint mtime) {
    fs::path file = server.recordings() / rp.encode("camera_1", start);
    fs::create_directories(file.parent_path());
    std::ofstream(file) << "x";
    fs::last_write_time(file, std::chrono::file_clock::from_sys(mtime));
    return file;
  };
  const TimePoint now = d.clock.now();
  auto good = place(now - std::chrono::minutes{30}, now - std::chrono::minutes{1});
  CHECK(d.check("timezone").status == Status::ok);
  // Named three hours ahead (MediaMTX in UTC+3, the config says UTC).
  auto ahead = place(now + std::chrono::hours{3}, now);
  auto c = d.check("timezone");
  CHECK(c.status == Status::fail);
  CHECK(c.message.find("h after now (") != std::string::npos);
  CHECK(c.fix == "set mediamtx.timezone to the zone MediaMTX runs in (its TZ; UTC in most containers), or add %z to "
                 "recordPath; mediamtx.timezone is \"UTC\"");
  fs::remove(ahead);
  // In the past, but named two hours after the file was last written.
  TimePoint t = parse_rfc3339("2026-01-01T12:00:00Z");
  fs::remove(good);
  place(t, t - std::chrono::hours{2});
  c = d.check("timezone");
  CHECK(c.status == Status::fail);
  CHECK(c.message.find("is named 2026-01-01T12:00:00.000Z, 2.0 h after it was last written (2026-01-01T10:00:00.000Z)") !=
        std::string::npos);
}

TEST_CASE("doctor: free disk space against retention.disk_min_free", "[doctor]") {
  ServerFixture server(kCameras);
  Doctor d{server};
  d.disk.u = {100ull << 30, 50ull << 30};
  auto c = d.check("disk");
  CHECK(c.status == Status::ok);
  CHECK(c.message == fmt::format("50.0 GiB free of 100.0 GiB at {} (retention.disk_min_free: 5.0 GiB)", server.recordings().string()));
  d.disk.u = {100ull << 30, 8ull << 30};
  CHECK(d.check("disk").status == Status::warn);
  d.disk.u = {100ull << 30, 4ull << 30};
  c = d.check("disk");
  CHECK(c.status == Status::fail);
  CHECK(c.message.find(": below the floor, the disk guard deletes the oldest footage early") != std::string::npos);
}

TEST_CASE("doctor: the snapshot module and the running server", "[doctor]") {
  ServerFixture server(kCameras);
  Doctor d{server};
  auto c = d.check("snapshots");
  CHECK(c.status == Status::ok);
  CHECK(c.message.find("hook-server-capture.so loads (libav found)") != std::string::npos);
  ::setenv("HOOK_SERVER_CAPTURE_MODULE", "/nonexistent/capture.so", 1);
  c = d.check("snapshots");
  ::unsetenv("HOOK_SERVER_CAPTURE_MODULE");
  CHECK(c.status == Status::fail);
  CHECK(c.message.find("\"/nonexistent/capture.so\": no such file") != std::string::npos);

  c = d.check("server");
  CHECK(c.status == Status::warn);
  CHECK(c.message.find("hook-server is not answering at 127.0.0.1:") == 0);
  server.start();
  c = d.check("server");
  CHECK(c.status == Status::ok);
  CHECK(c.message == fmt::format("hook-server {} answers at 127.0.0.1:{}", HOOK_SERVER_VERSION, server.port()));
  CHECK(doctor_exit_code({c, {"x", Status::warn, "", ""}}) == 1);
}
