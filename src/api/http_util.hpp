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

std::optional<std::string> param(const httplib::Request& req, const char* name);
// Throws BadInput: from: not an RFC 3339 time: "yesterday".
std::optional<TimePoint> time_param(const httplib::Request& req, const char* name);
int int_param(const httplib::Request& req, const char* name, int fallback, int lo, int hi);
std::optional<Micros> duration_param(const httplib::Request& req, const char* name);
// A positive integer id from a path segment; throws BadInput naming `what`.
std::int64_t id_from_path(const std::string& raw, const char* what);
// The JSON body as an object; throws BadInput.
nlohmann::json json_body(const httplib::Request& req);
// Throws BadInput: body: unknown field "x".
void reject_unknown_fields(const nlohmann::json& body, std::initializer_list<std::string_view> allowed);

}  // namespace hs
