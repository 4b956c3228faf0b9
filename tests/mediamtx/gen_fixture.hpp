#pragma once
// Shared set-up of the MediaMTX configuration tests: a temp dir holding base.yml, the generated
// mediamtx.yml and a hook-server.yml path with spaces and a quote in it (so hook commands need
// quoting), and a Config pointing there. Header-only on purpose: these tests do not depend on the
// other fixtures of tests/support.
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "mediamtx/reference_keys.hpp"
#include "build_paths.hpp"

namespace hs::test::mtx {

namespace fs = std::filesystem;

class ScratchDir {
 public:
  ScratchDir() {
    std::string tmpl = (fs::temp_directory_path() / "hs-mediamtx-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

inline std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void write_file(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
}

inline fs::path source_dir() { return fs::path(HOOK_SERVER_SOURCE_DIR); }

inline const ReferenceKeys& reference() {
  static const ReferenceKeys keys =
      load_reference_keys(source_dir() / "mediamtx-config" / "reference" / "mediamtx-v1.20.1.yml");
  return keys;
}

inline CameraConfig camera(std::string id, std::string source, std::string transport = "tcp", bool record = true) {
  CameraConfig c;
  c.id = id;
  c.name = "Camera " + id;
  c.source = std::move(source);
  c.plan = "basic";
  c.record = record;
  c.rtsp_transport = std::move(transport);
  return c;
}

constexpr const char* kSecretSource = "rtsp://admin:s3cret@192.168.1.100:554/stream1";

struct GenFixture {
  ScratchDir tmp;
  Config config;
  std::vector<CameraConfig> cameras;

  explicit GenFixture(std::string version = "1.20.1") {
    fs::path etc = tmp.path() / "etc dir" / "it's here";
    fs::create_directories(etc);
    config.file = etc / "hook-server.yml";
    config.dir = etc;
    write_file(config.file, "# not read by these tests\n");
    config.mediamtx.version = std::move(version);
    config.access.mode = "open";  // today's output; the jwt tests switch it on
    config.mediamtx.working_dir = tmp.path() / "var" / "mediamtx";
    config.mediamtx.hook_command = "/opt/hook server/bin/hook-server";
    config.mediamtx.base_config = tmp.path() / "mediamtx-config" / "base.yml";
    config.mediamtx.output = tmp.path() / "mediamtx-config" / "mediamtx.yml";
    write_file(config.mediamtx.base_config, read_file(source_dir() / "mediamtx-config" / "base.yml"));
    cameras = {camera("1", kSecretSource), camera("2", "rtsp://192.168.1.101/live", "udp", false)};
  }

  const fs::path& base() const { return config.mediamtx.base_config; }
  const fs::path& output() const { return config.mediamtx.output; }
  std::string config_path() const { return fs::absolute(config.file).lexically_normal().string(); }
  void set_base(const std::string& text) { write_file(base(), text); }
};

}  // namespace hs::test::mtx
