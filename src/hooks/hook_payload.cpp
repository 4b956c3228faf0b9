// Encoding and strict decoding of hook payloads.
#include "hooks/hook_payload.hpp"

#include <fmt/format.h>

#include "domain/segment_time.hpp"
#include "util/error.hpp"

namespace hs {

nlohmann::json make_hook_payload(HookKind kind, const std::map<std::string, std::string>& vars, TimePoint time,
                                 const std::string& cwd) {
  nlohmann::json v = nlohmann::json::object();
  for (const auto& [k, value] : vars) v[k] = value;
  return {{"event", std::string(hook_kind_name(kind))},
          {"time_us", epoch_us(time)},
          {"cwd", cwd},
          {"vars", std::move(v)}};
}

HookEvent parse_hook_payload(const nlohmann::json& body, std::optional<HookKind> url_kind, TimePoint now) {
  if (!body.is_object()) throw BadInput("body: expected a JSON object");
  for (const auto& [key, value] : body.items()) {
    if (key != "event" && key != "time_us" && key != "cwd" && key != "vars")
      throw BadInput(fmt::format("body: unknown field {}", quote(key)));
  }
  std::optional<HookKind> kind = url_kind;
  if (auto it = body.find("event"); it != body.end()) {
    if (!it->is_string()) throw BadInput("event: expected a string");
    auto k = parse_hook_kind(it->get<std::string>());
    if (!k) throw BadInput(fmt::format("event: unknown hook event {}", quote(it->get<std::string>())));
    if (url_kind && *k != *url_kind)
      throw BadInput(fmt::format("event: {} does not match the URL's {}", quote(it->get<std::string>()),
                                 quote(hook_kind_name(*url_kind))));
    kind = k;
  }
  if (!kind) throw BadInput("event: missing");
  TimePoint time = now;
  if (auto it = body.find("time_us"); it != body.end()) {
    if (!it->is_number_integer()) throw BadInput(fmt::format("time_us: expected an integer, got {}", it->dump()));
    time = TimePoint{Micros{it->get<int64_t>()}};
    // Status events carry this time, and a later one wins (hook_ingest): a time_us years ahead
    // would freeze the camera's state. Spooled events may be days old, never from the future.
    if (time < TimePoint{} || time > now + kFutureSlack)
      throw BadInput(fmt::format("time_us: {} is before 1970 or after now + 1 day ({})", it->dump(),
                                 epoch_us(now + kFutureSlack)));
  }
  std::string cwd;
  if (auto it = body.find("cwd"); it != body.end()) {
    if (!it->is_string()) throw BadInput("cwd: expected a string");
    cwd = it->get<std::string>();
  }
  std::map<std::string, std::string> vars;
  auto it = body.find("vars");
  if (it == body.end() || !it->is_object()) throw BadInput("vars: expected an object of MTX_* variables");
  for (const auto& [key, value] : it->items()) {
    if (!value.is_string()) throw BadInput(fmt::format("vars.{}: expected a string, got {}", key, value.dump()));
    if (!is_forwarded_variable(key)) throw BadInput(fmt::format("vars: unknown variable {}", quote(key)));
    vars[key] = value.get<std::string>();
  }
  return make_hook_event(*kind, vars, time, std::move(cwd));
}

}  // namespace hs
