#pragma once
// The outcome of one hook event and the part of its delivery that both hook fronts share (the lean
// `hook-server` that MediaMTX runs, src/hooks/hook_client.cpp in hook-server-full): what is printed
// when the server refuses an event, and the spool when it cannot take it. No HTTP here, so the lean
// front stays free of libraries (it is built fully static for images without a libc).
#include <filesystem>
#include <iosfwd>
#include <string>
#include <string_view>

namespace hs {

enum class HookDelivery { delivered, spooled, rejected, lost };

// MediaMTX ignores exit codes; they still tell a person running the command what happened:
// 0 delivered or spooled, 2 rejected as malformed, 1 lost.
int hook_exit_code(HookDelivery d);

// The event is malformed (a BadInput from make_hook_event): prints `reason` and returns rejected.
HookDelivery hook_malformed(std::string_view event, const std::string& reason, std::ostream& err);

// The server answered 4xx (other than 408/429): prints its {"error"} message (or the raw body) and
// returns rejected.
HookDelivery hook_refused(std::string_view event, int status, const std::string& body, std::ostream& err);

// The server could not take the event (`reason`: not reachable, timeout, 5xx): appends `body` to the
// spool in `spool_dir` and returns spooled, or returns lost when no spool is configured or it cannot
// be written. Prints one line on `err` either way, naming `url` and the reason.
HookDelivery spool_or_lose(std::string_view event, const std::string& body, const std::string& url,
                           const std::filesystem::path& spool_dir, const std::string& reason, std::ostream& err);

}  // namespace hs
