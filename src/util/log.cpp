// Component loggers sharing one stderr sink.
#include "util/log.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <mutex>
#include <stdexcept>

#include "util/time.hpp"

namespace hs::log {

namespace {
std::mutex g_mutex;
spdlog::level::level_enum g_level = spdlog::level::info;

constexpr const char* kTextPattern = "%Y-%m-%dT%H:%M:%S.%e %^%l%$ [%n] %v";

// One JSON object per line for log collectors: time (UTC), level, component, message.
class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    auto us = std::chrono::duration_cast<Micros>(msg.time.time_since_epoch());
    nlohmann::json line{{"time", format_rfc3339_ms(TimePoint{us})},
                        {"level", std::string(spdlog::level::to_string_view(msg.level).data(),
                                              spdlog::level::to_string_view(msg.level).size())},
                        {"component", std::string(msg.logger_name.data(), msg.logger_name.size())},
                        {"message", std::string(msg.payload.data(), msg.payload.size())}};
    std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    text += '\n';
    dest.append(text.data(), text.data() + text.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JsonFormatter>(); }
};

spdlog::sink_ptr sink() {
  static auto s = [] {
    auto k = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    k->set_pattern(kTextPattern);
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

void set_format(const std::string& format) {
  std::lock_guard lock(g_mutex);
  if (format == "text") sink()->set_formatter(std::make_unique<spdlog::pattern_formatter>(kTextPattern));
  else if (format == "json") sink()->set_formatter(std::make_unique<JsonFormatter>());
  else throw std::invalid_argument("log format: expected text or json, got \"" + format + "\"");
}

}  // namespace hs::log
