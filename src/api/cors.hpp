#pragma once
// CORS for the API, at the HTTP level (before and after routing, whatever the route): a browser page
// served from an origin listed in server.cors_origins (exact "scheme://host[:port]" matches) may
// call the API; every other origin gets no Access-Control-Allow-Origin, so the browser keeps the
// answer from the page. Preflights (OPTIONS with Access-Control-Request-Method) are answered here:
// 204 for a listed origin, 403 {"error"} otherwise. Tokens travel in the Authorization header, never
// in cookies, so Access-Control-Allow-Credentials is never sent and nothing is reflected for an
// origin not listed. No origins (the default): every cross-site read is refused.
#include <httplib.h>

#include <string>
#include <vector>

namespace hs {

void install_cors(httplib::Server& server, std::vector<std::string> origins);

}  // namespace hs
