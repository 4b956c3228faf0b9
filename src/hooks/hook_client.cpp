// The hook client: payload from the environment, one HTTP POST, spool on failure.
#include "hooks/hook_client.hpp"

#include <fmt/format.h>
#include <httplib.h>
#include <unistd.h>

#include <map>
#include <optional>
#include <ostream>

#include "domain/hook_event.hpp"
#include "hooks/hook_payload.hpp"
#include "util/error.hpp"

namespace hs {

namespace {

std::string current_dir() {
  std::error_code ec;
  auto p = std::filesystem::current_path(ec);
  return ec ? std::string() : p.string();
}

}  // namespace

HookDelivery run_hook_client(const std::string& event, const HookClientOptions& o, char** env, std::ostream& err) {
  auto kind = parse_hook_kind(event);
  if (!kind) {
    err << "hook-server hook: unknown event " << quote(event)
        << " (expected available, unavailable, ready, not-ready, segment-create, segment-complete, online, offline, read, unread)\n";
    return HookDelivery::rejected;
  }
  std::map<std::string, std::string> vars;
  for (char** e = env; e && *e; ++e) {
    std::string_view entry(*e);
    auto eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    auto name = entry.substr(0, eq);
    if (is_forwarded_variable(name)) vars[std::string(name)] = std::string(entry.substr(eq + 1));
  }
  Clock clock;
  auto payload = make_hook_payload(*kind, vars, clock.now(), current_dir());
  // Validate locally first: a malformed event is reported here, where an operator sees it.
  try {
    make_hook_event(*kind, vars, clock.now(), "");
  } catch (const BadInput& e) {
    return hook_malformed(event, e.what(), err);
  }
  std::string body = payload.dump();
  std::string reason;
  try {
    httplib::Client cli(o.url);
    auto secs = [](Micros d) { return static_cast<time_t>(d.count() / 1000000); };
    auto usecs = [](Micros d) { return static_cast<time_t>(d.count() % 1000000); };
    cli.set_connection_timeout(secs(o.connect_timeout), usecs(o.connect_timeout));
    cli.set_read_timeout(secs(o.timeout), usecs(o.timeout));
    cli.set_write_timeout(secs(o.timeout), usecs(o.timeout));
    httplib::Headers headers;
    if (!o.secret.empty()) headers.emplace("X-Hook-Secret", o.secret);
    auto res = cli.Post(fmt::format("/hooks/{}", hook_kind_name(*kind)), headers, body, "application/json");
    if (res && res->status >= 200 && res->status < 300) return HookDelivery::delivered;
    if (res && res->status >= 400 && res->status < 500 && res->status != 408 && res->status != 429)
      return hook_refused(event, res->status, res->body, err);
    reason = res ? fmt::format("server answered {}", res->status) : fmt::format("{}", httplib::to_string(res.error()));
  } catch (const std::exception& e) {
    reason = e.what();
  }
  return spool_or_lose(event, body, o.url, o.spool_dir, reason, err);
}

}  // namespace hs
