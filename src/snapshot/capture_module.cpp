// dlopen() of the libav capture module, once per process (see capture_module.hpp).
#include "snapshot/capture_module.hpp"

#include <dlfcn.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <variant>

#include "util/log.hpp"

namespace hs::snapshot {

namespace {
constexpr const char* kEnv = "HOOK_SERVER_CAPTURE_MODULE";
}

std::vector<std::filesystem::path> capture_module_candidates() {
  if (const char* env = std::getenv(kEnv); env && *env) return {std::filesystem::path(env)};
  std::vector<std::filesystem::path> out;
  auto add = [&](const std::filesystem::path& p) {
    if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
  };
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    add(exe.parent_path() / kCaptureModuleName);
    add((exe.parent_path().parent_path() / "lib" / "hook-server" / kCaptureModuleName).lexically_normal());
  }
#ifdef HOOK_SERVER_CAPTURE_BUILD_PATH
  add(std::filesystem::path(HOOK_SERVER_CAPTURE_BUILD_PATH));
#endif
  return out;
}

const CaptureApi& load_capture_module(const std::vector<std::filesystem::path>& candidates) {
  std::string tried;
  for (const auto& path : candidates) {
    std::string why;
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
      why = "no such file";
    } else if (void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL)) {
      auto entry = reinterpret_cast<CaptureEntry>(::dlsym(handle, kCaptureEntry));
      if (entry) {
        log::get("snapshots")->debug("capture module {} loaded", quote(path.string()));
        return *entry(CaptureHost{&log::get});
      }
      why = fmt::format("no symbol {} (a module of another hook-server version?)", kCaptureEntry);
      ::dlclose(handle);
    } else {
      const char* err = ::dlerror();
      why = err ? err : "dlopen failed";
    }
    tried += fmt::format("{}{}: {}", tried.empty() ? "" : "; ", quote(path.string()), why);
  }
  if (tried.empty()) tried = "no path to try";
  throw CaptureUnavailable(
      fmt::format("cannot load the snapshot capture module (set {} to its path): {}", kEnv, tried));
}

const CaptureApi& capture_api() {
  static const std::variant<const CaptureApi*, std::string> loaded = []() -> std::variant<const CaptureApi*, std::string> {
    try {
      return &load_capture_module(capture_module_candidates());
    } catch (const CaptureUnavailable& e) {
      log::get("snapshots")->error("{}", e.what());
      return std::string(e.what());
    }
  }();
  if (const auto* api = std::get_if<const CaptureApi*>(&loaded)) return **api;
  throw CaptureUnavailable(std::get<std::string>(loaded));
}

}  // namespace hs::snapshot
