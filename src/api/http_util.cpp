// Shared request/response helpers.
#include "api/http_util.hpp"

#include <fmt/format.h>

#include "util/error.hpp"
#include "util/log.hpp"
#include "util/utf8.hpp"

namespace hs {

void json_reply(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  // A byte that is not UTF-8 in a message (a quoted bad value) is replaced, not thrown on: the
  // caller's 4xx must not become a 500 while it is being written.
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "application/json");
}

void json_error(httplib::Response& res, int status, const std::string& message) {
  json_reply(res, status, {{"error", message}});
}

Handler guard(Handler fn) {
  return [fn = std::move(fn)](const httplib::Request& req, httplib::Response& res) {
    try {
      fn(req, res);
    } catch (const BadInput& e) {
      json_error(res, 400, e.what());
    } catch (const Unauthorized& e) {
      res.set_header("WWW-Authenticate", "Bearer");
      json_error(res, 401, e.what());
    } catch (const Forbidden& e) {
      json_error(res, 403, e.what());
    } catch (const NotFound& e) {
      json_error(res, 404, e.what());
    } catch (const Conflict& e) {
      json_error(res, 409, e.what());
    } catch (const Unavailable& e) {
      log::get("api")->warn("{} {}: {}", req.method, req.path, e.what());
      json_error(res, 503, e.what());
    } catch (const std::exception& e) {
      log::get("api")->error("{} {}: {}", req.method, req.path, e.what());
      json_error(res, 500, fmt::format("internal error: {}", e.what()));
    }
  };
}

bool is_loopback(const std::string& addr) {
  return addr.rfind("127.", 0) == 0 || addr == "::1" || addr.rfind("::ffff:127.", 0) == 0;
}

std::optional<std::string> param(const httplib::Request& req, const char* name) {
  if (!req.has_param(name)) return std::nullopt;
  return req.get_param_value(name);
}

namespace {

// The parameter read with `parse`, its BadInput prefixed with the parameter's name.
template <class Parse>
auto parsed_param(const httplib::Request& req, const char* name, Parse parse) -> std::optional<decltype(parse(""))> {
  auto v = param(req, name);
  if (!v) return std::nullopt;
  try {
    return parse(*v);
  } catch (const BadInput& e) {
    throw BadInput(fmt::format("{}: {}", name, e.what()));
  }
}

}  // namespace

std::optional<TimePoint> time_param(const httplib::Request& req, const char* name) {
  auto v = param(req, name);
  if (!v) return std::nullopt;
  return api_time(name, *v);
}

std::optional<std::chrono::year_month_day> date_param(const httplib::Request& req, const char* name) {
  return parsed_param(req, name, parse_date);
}

std::optional<Micros> duration_param(const httplib::Request& req, const char* name) {
  return parsed_param(req, name, parse_duration);
}

int int_param(const httplib::Request& req, const char* name, int fallback, int lo, int hi) {
  auto v = param(req, name);
  if (!v) return fallback;
  size_t used = 0;
  int x = 0;
  try {
    x = std::stoi(*v, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != v->size() || x < lo || x > hi)
    throw BadInput(fmt::format("{}: expected an integer from {} to {}, got {}", name, lo, hi, quote(*v)));
  return x;
}

std::int64_t id_from_path(const std::string& raw, const char* what) {
  std::int64_t id = 0;
  size_t used = 0;
  try {
    id = std::stoll(raw, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != raw.size() || id <= 0)
    throw BadInput(fmt::format("id: expected a {} id (a positive integer), got {}", what, quote(raw)));
  return id;
}

namespace {

// The first string (a key or a value) holding U+0000, as a field path like `vars.MTX_PATH` or
// `cameras[1]`. No field of the API takes one, and C APIs (file names, SQLite's C strings) would cut
// the value at it.
std::optional<std::string> nul_field(const nlohmann::json& j, const std::string& at) {
  auto name = [&](const std::string& key) { return at.empty() ? key : at + "." + key; };
  if (j.is_string()) return j.get_ref<const std::string&>().find('\0') == std::string::npos ? std::nullopt : std::optional(at);
  if (j.is_object()) {
    for (const auto& [key, value] : j.items()) {
      if (key.find('\0') != std::string::npos) return quote(name(key));  // quoted: a NUL would end the message
      if (auto f = nul_field(value, name(key))) return f;
    }
  } else if (j.is_array()) {
    for (std::size_t i = 0; i < j.size(); ++i)
      if (auto f = nul_field(j[i], fmt::format("{}[{}]", at, i))) return f;
  }
  return std::nullopt;
}

}  // namespace

TimePoint api_time(std::string_view field, std::string_view text) {
  TimePoint t;
  try {
    t = parse_rfc3339(text);
  } catch (const BadInput& e) {
    throw BadInput(fmt::format("{}: {}", field, e.what()));
  }
  if (t < TimePoint{}) throw BadInput(fmt::format("{}: before 1970-01-01T00:00:00Z: {}", field, quote(text)));
  return t;
}

nlohmann::json json_body(const httplib::Request& req) {
  if (auto at = invalid_utf8_at(req.body))
    throw BadInput(fmt::format("body: not UTF-8: byte 0x{:02x} at offset {}", static_cast<unsigned char>(req.body[*at]), *at));
  nlohmann::json body;
  try {
    body = nlohmann::json::parse(req.body);
  } catch (const nlohmann::json::exception& e) {  // parse_error, and out_of_range for a number like 1e400
    throw BadInput(fmt::format("body: not JSON: {}", e.what()));
  }
  if (!body.is_object()) throw BadInput("body: expected a JSON object");
  if (auto field = nul_field(body, "")) throw BadInput(fmt::format("{}: holds a NUL character (\\u0000)", *field));
  return body;
}

void reject_unknown_fields(const nlohmann::json& body, std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : body.items()) {
    bool ok = false;
    for (auto a : allowed) ok |= a == key;
    if (!ok) throw BadInput(fmt::format("body: unknown field {}", quote(key)));
  }
}

}  // namespace hs
