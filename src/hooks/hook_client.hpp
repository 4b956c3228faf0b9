#pragma once
// `hook-server hook <event>`: the process MediaMTX spawns for every hook. It reads the MTX_*
// variables, POSTs them to the server over loopback with a short timeout and exits at once. When
// the server cannot take the event (down, timeout, 5xx) it appends the event to the durable spool,
// which the server drains later. MediaMTX ignores exit codes and drops hook output in its log file,
// so every problem is printed on stderr here.
#include <filesystem>
#include <iosfwd>
#include <string>

#include "hooks/hook_delivery.hpp"
#include "util/time.hpp"

namespace hs {

struct HookClientOptions {
  std::string url;                    // http://127.0.0.1:9980
  std::string secret;                 // sent as X-Hook-Secret when set
  std::filesystem::path spool_dir;    // empty: no spool (the event is lost when the server is down)
  Micros connect_timeout = std::chrono::milliseconds{500};
  Micros timeout = std::chrono::seconds{2};
};

// Builds the payload from `env` (the process environment, "NAME=value" entries) and delivers it.
// Prints a one-line reason on `err` unless delivered.
HookDelivery run_hook_client(const std::string& event, const HookClientOptions& options, char** env,
                             std::ostream& err);

}  // namespace hs
