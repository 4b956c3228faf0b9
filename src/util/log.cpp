// Component loggers sharing one stderr sink.
#include "util/log.hpp"

#include <spdlog/sinks/stdout_sinks.h>

#include <mutex>

namespace hs::log {

namespace {
std::mutex g_mutex;
spdlog::level::level_enum g_level = spdlog::level::info;

spdlog::sink_ptr sink() {
  static auto s = [] {
    auto k = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    k->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ [%n] %v");
    return k;
  }();
  return s;
}
}  // namespace

std::shared_ptr<spdlog::logger> get(const std::string& component) {
  std::lock_guard lock(g_mutex);
  if (auto l = spdlog::get(component)) return l;
  auto l = std::make_shared<spdlog::logger>(component, sink());
  l->set_level(g_level);
  spdlog::register_logger(l);
  return l;
}

void set_level(const std::string& level) {
  std::lock_guard lock(g_mutex);
  g_level = spdlog::level::from_str(level);
  spdlog::set_level(g_level);
}

}  // namespace hs::log
