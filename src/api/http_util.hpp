#pragma once
// Helpers shared by the route files: the error guard and typed query parameters.
#include <httplib.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "config/config.hpp"
#include "util/time.hpp"

namespace hs {

using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;

// Wraps a handler so that every exception becomes {"error": "..."}: BadInput 400, Unauthorized
// 401 (with WWW-Authenticate: Bearer), Forbidden 403, NotFound 404, Conflict 409, anything else 500 (logged).
Handler guard(Handler fn);

void json_reply(httplib::Response& res, int status, const nlohmann::json& body);
void json_error(httplib::Response& res, int status, const std::string& message);

// 127.0.0.0/8, ::1 or an IPv4-mapped loopback address.
bool is_loopback(const std::string& addr);

std::optional<std::string> param(const httplib::Request& req, const char* name);
// A time the API takes (a query parameter or a body field): RFC 3339, not before 1970 (Unix time
// 0; nothing is recorded before it). Throws BadInput: from: not an RFC 3339 time: "yesterday";
// from: before 1970-01-01T00:00:00Z: "0000-01-01T00:00:00Z".
TimePoint api_time(std::string_view field, std::string_view text);
std::optional<TimePoint> time_param(const httplib::Request& req, const char* name);
int int_param(const httplib::Request& req, const char* name, int fallback, int lo, int hi);
std::optional<Micros> duration_param(const httplib::Request& req, const char* name);
// A calendar date like 2026-03-29. Throws BadInput: from: not a date like 2026-03-29: "29/03".
std::optional<std::chrono::year_month_day> date_param(const httplib::Request& req, const char* name);
// A positive integer id from a path segment; throws BadInput naming `what`.
std::int64_t id_from_path(const std::string& raw, const char* what);
// The JSON body as an object; throws BadInput for a body that is not UTF-8, not JSON, not an
// object, or holds a NUL character in any key or string (naming the field).
nlohmann::json json_body(const httplib::Request& req);
// Throws BadInput: body: unknown field "x".
void reject_unknown_fields(const nlohmann::json& body, std::initializer_list<std::string_view> allowed);

}  // namespace hs
