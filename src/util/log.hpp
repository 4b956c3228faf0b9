#pragma once
// One logging facade: spdlog loggers tagged with a component name ("hooks", "index", ...), all
// writing to stderr with one format. Callers redact credentials before logging (util/redact.hpp).
#include <spdlog/spdlog.h>

#include <memory>
#include <string>

namespace hs::log {

// The logger of a component; created on first use.
std::shared_ptr<spdlog::logger> get(const std::string& component);
// Sets the level of every logger: "trace", "debug", "info", "warn", "error", "off".
void set_level(const std::string& level);

}  // namespace hs::log
