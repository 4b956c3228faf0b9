#pragma once
// The web console: the example frontend in examples/web/app, served as static files at /ui/ (with
// hls.js from its npm package at /ui/vendor/hls.js/), and / redirected to /ui/. It holds no secret:
// the page asks its user for a token and calls the JSON API like any other client.
//
// A console folder ("web dir") holds app/index.html and, once `npm ci` ran in it,
// node_modules/hls.js/dist/. The installed copy (cmake --install) has the same layout.
#include <httplib.h>

#include <filesystem>
#include <optional>
#include <vector>

#include "config/config.hpp"

namespace hs {

// Where the console is looked for, in order:
//   1. $HOOK_SERVER_WEB_DIR;
//   2. the installed copy: <dir of the running binary>/../share/hook-server/web;
//   3. the source tree: <source_tree_dir()>/examples/web (util/install_paths.hpp).
std::vector<std::filesystem::path> web_dir_candidates();
// The first candidate that holds app/index.html.
std::optional<std::filesystem::path> find_web_dir(const std::vector<std::filesystem::path>& candidates);

// With config.server.ui: mounts the first console found among `candidates` at /ui/ and redirects /
// and /ui there. When none holds one, the server runs on: a warning names the folders tried, and so
// does the 404 that /ui/ answers. Without config.server.ui nothing is added.
void install_web_console(httplib::Server& server, const Config& config,
                         const std::vector<std::filesystem::path>& candidates = web_dir_candidates());

}  // namespace hs
