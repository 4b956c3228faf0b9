// Fuzz target: the hook payload parser (hooks/hook_payload), fed what POST /hooks/<event> and the
// spool files hand it. Invariant: any JSON is accepted or refused with BadInput (a 400 naming the
// field); nothing else may escape, and an accepted payload survives make_hook_payload -> parse.
#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "hooks/hook_payload.hpp"
#include "util/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // The first byte picks the event named by the URL (none, or one of the eight), as the two
  // routes do: POST /hooks (event in the body) and POST /hooks/<event>.
  std::optional<hs::HookKind> url_kind;
  if (data[0] % 9 != 8) url_kind = static_cast<hs::HookKind>(data[0] % 9);
  auto body = nlohmann::json::parse(data + 1, data + size, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) return 0;
  const hs::TimePoint now{hs::Micros{1'736'935'200'000'000}};
  hs::HookEvent event;
  try {
    event = hs::parse_hook_payload(body, url_kind, now);
  } catch (const hs::BadInput&) {
    return 0;
  }
  // What the server would do next: a decoded event re-encodes to a payload that decodes alike.
  std::map<std::string, std::string> vars;
  for (const auto& [key, value] : body.at("vars").items()) vars[key] = value.get<std::string>();
  auto again = hs::parse_hook_payload(hs::make_hook_payload(event.kind, vars, event.time, event.cwd), std::nullopt, now);
  if (again.kind != event.kind || again.time != event.time || again.path != event.path ||
      again.segment_path != event.segment_path || again.segment_duration != event.segment_duration ||
      again.cwd != event.cwd)
    std::abort();
  return 0;
}
