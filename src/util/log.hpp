#pragma once
// One logging facade: spdlog loggers tagged with a component name ("hooks", "index", ...), all
// writing to stderr with one format. Callers redact credentials before logging (util/redact.hpp).
// Formats (server.log_format):
//   text  2026-12-02T06:00:00.123 info [hooks] message                     (local time)
//   json  {"time":"2026-12-02T06:00:00.123Z","level":"info","component":"hooks","message":"..."}
//         one object per line, UTC; bytes that are not UTF-8 become U+FFFD.
#include <spdlog/spdlog.h>

#include <memory>
#include <string>

namespace hs::log {

// The logger of a component; created on first use.
std::shared_ptr<spdlog::logger> get(const std::string& component);
// Sets the level of every logger: "trace", "debug", "info", "warn", "error", "off".
void set_level(const std::string& level);
// Sets the format of every line: "text" or "json". Throws std::invalid_argument otherwise.
void set_format(const std::string& format);

}  // namespace hs::log
