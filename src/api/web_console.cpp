// Serves the web console's static files at /ui/ through cpp-httplib's mount points (which refuse
// paths climbing out of the folder and never list a directory), with headers that keep a page
// holding an admin token from running anything but its own scripts.
#include "api/web_console.hpp"

#include <fmt/format.h>

#include <cstdlib>

#include "api/http_util.hpp"
#include "util/error.hpp"
#include "util/install_paths.hpp"
#include "util/log.hpp"

namespace hs {

namespace fs = std::filesystem;

namespace {

// The page talks to MediaMTX (WHEP, HLS, playback) on other origins, given by the API at run time;
// scripts, styles and frames stay its own. hls.js runs its transmuxer in a worker and plays through
// blob: URLs (Media Source), as do recordings fetched with a token.
constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
    "media-src 'self' blob: http: https:; connect-src 'self' http: https:; worker-src 'self' blob:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

std::string tried(const std::vector<fs::path>& candidates) {
  std::string out;
  for (const auto& c : candidates) out += (out.empty() ? "" : ", ") + quote(c.string());
  return out.empty() ? "nowhere" : out;
}

}  // namespace

std::vector<fs::path> web_dir_candidates() {
  std::vector<fs::path> out;
  if (const char* env = std::getenv("HOOK_SERVER_WEB_DIR"); env && *env) out.emplace_back(env);
  if (auto share = installed_share_dir(); !share.empty()) out.push_back(share / "web");
  out.push_back(source_tree_dir() / "examples" / "web");
  return out;
}

std::optional<fs::path> find_web_dir(const std::vector<fs::path>& candidates) {
  std::error_code ec;
  for (const auto& c : candidates)
    if (fs::is_regular_file(c / "app" / "index.html", ec)) return c;
  return std::nullopt;
}

void install_web_console(httplib::Server& server, const Config& config, const std::vector<fs::path>& candidates) {
  if (!config.server.ui) return;
  auto redirect = [](const char* to) {
    return [to](const httplib::Request&, httplib::Response& res) { res.set_redirect(to, 302); };
  };
  server.Get("/", redirect("/ui/"));
  server.Get("/ui", redirect("/ui/"));

  auto dir = find_web_dir(candidates);
  if (!dir) {
    auto message = fmt::format(
        "the web console was not found (tried {}): set HOOK_SERVER_WEB_DIR to its folder, "
        "or server.ui: false",
        tried(candidates));
    log::get("server")->warn("{}", message);
    server.Get(R"(/ui/.*)",
               [message](const httplib::Request&, httplib::Response& res) { json_error(res, 404, message); });
    return;
  }
  const httplib::Headers headers{{"Cache-Control", "no-cache"},
                                 {"X-Content-Type-Options", "nosniff"},
                                 {"Referrer-Policy", "no-referrer"},
                                 {"Content-Security-Policy", kContentSecurityPolicy}};
  server.set_file_extension_and_mimetype_mapping("html", "text/html; charset=utf-8");
  server.set_file_extension_and_mimetype_mapping("map", "application/json");
  server.set_mount_point("/ui/", (*dir / "app").string(), headers);
  auto hls = *dir / "node_modules" / "hls.js" / "dist";
  std::error_code ec;
  if (fs::is_directory(hls, ec))
    server.set_mount_point("/ui/vendor/hls.js/", hls.string(), headers);
  else
    log::get("server")->warn(
        "web console: hls.js is not installed in {} (run npm ci there): live views have no HLS fallback",
        quote(dir->string()));
  log::get("server")->info("web console at /ui/ from {}", quote(dir->string()));
}

}  // namespace hs
