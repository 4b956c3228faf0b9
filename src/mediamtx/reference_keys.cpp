// Reads the set of valid MediaMTX keys out of the release's own mediamtx.yml, so validation follows
// the MediaMTX version we target rather than a hand-kept list.
#include "mediamtx/reference_keys.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <memory>
#include <mutex>
#include <vector>

#include "util/error.hpp"
#include "util/install_paths.hpp"
#include "util/time.hpp"

namespace hs {

namespace fs = std::filesystem;

namespace {

constexpr const char* kReferenceName = "mediamtx-v1.20.1.yml";

// Accepted by every MediaMTX version we generate for (see the header).
constexpr const char* kLegacyPathKeys[] = {"runOnReady", "runOnReadyRestart", "runOnNotReady"};

// A reference value like "10s", "200ms" or "1d": the key takes a duration. Bare numbers ("0") and
// sizes ("50M") are not durations.
bool looks_like_duration(const YAML::Node& value) {
  if (!value.IsScalar()) return false;
  const std::string& s = value.Scalar();
  bool letter = false;
  for (char c : s) letter |= (c >= 'a' && c <= 'z');
  if (!letter) return false;
  try {
    parse_duration(s);
    return true;
  } catch (const Error&) {
    return false;
  }
}

}  // namespace

std::string ReferenceKeys::path_default(std::string_view key) const {
  auto it = path_defaults.find(key);
  return it == path_defaults.end() ? std::string() : it->second;
}

ReferenceKeys load_reference_keys(const fs::path& file) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(file.string());
  } catch (const YAML::BadFile&) {
    throw ConfigError(fmt::format("{}: cannot read the MediaMTX reference configuration", file.string()));
  } catch (const YAML::Exception& e) {
    throw ConfigError(fmt::format("{}:{}:{}: {}", file.string(), e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  if (!root.IsMap() || !root["pathDefaults"] || !root["pathDefaults"].IsMap())
    throw ConfigError(fmt::format("{}: not a MediaMTX reference configuration (no pathDefaults mapping)", file.string()));

  ReferenceKeys keys;
  keys.file = file;
  for (const auto& kv : root) {
    auto key = kv.first.as<std::string>();
    keys.global.insert(key);
    if (looks_like_duration(kv.second)) keys.durations.insert(key);
  }
  for (const auto& kv : root["pathDefaults"]) {
    auto key = kv.first.as<std::string>();
    keys.path.insert(key);
    if (looks_like_duration(kv.second)) keys.durations.insert(key);
    if (kv.second.IsScalar()) keys.path_defaults[key] = kv.second.Scalar();
  }
  for (const char* key : kLegacyPathKeys) keys.path.insert(key);
  return keys;
}

fs::path default_reference_file() {
  std::vector<fs::path> candidates;
  if (const char* env = std::getenv("HOOK_SERVER_MEDIAMTX_REFERENCE"); env && *env) candidates.emplace_back(env);
  if (auto share = installed_share_dir(); !share.empty()) candidates.push_back(share / kReferenceName);
  fs::path source = source_tree_dir() / "mediamtx-config" / "reference" / kReferenceName;
  candidates.push_back(source);
  std::error_code ec;
  for (const auto& c : candidates)
    if (fs::is_regular_file(c, ec)) return c;
  return source;
}

const ReferenceKeys& default_reference_keys() {
  static std::mutex mutex;
  static std::unique_ptr<ReferenceKeys> keys;
  std::lock_guard lock(mutex);
  if (!keys) keys = std::make_unique<ReferenceKeys>(load_reference_keys(default_reference_file()));
  return *keys;
}

}  // namespace hs
