#pragma once
// The error policy (see ARCHITECTURE.md): configuration and start-up errors are ConfigError and end
// in main with one line and a non-zero exit; per-request problems are BadInput (400), NotFound (404),
// Conflict (409), Unauthorized (401) or Forbidden (403) and become {"error": "..."} in the HTTP layer. Messages name
// the bad value in quotes.
#include <stdexcept>
#include <string>

namespace hs {

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct ConfigError : Error {
  using Error::Error;
};
struct BadInput : Error {
  using Error::Error;
};
struct NotFound : Error {
  using Error::Error;
};
struct Conflict : Error {
  using Error::Error;
};
struct Unauthorized : Error {  // 401: missing or wrong token
  using Error::Error;
};
struct Forbidden : Error {  // 403: a valid token that may not do this (a viewer on an admin route)
  using Error::Error;
};

// Quotes a value for an error message: "abc" with quotes, backslashes and control bytes escaped and
// anything past 200 bytes cut, so a hostile value cannot forge log lines.
std::string quote(std::string_view value);

}  // namespace hs
