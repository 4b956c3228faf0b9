// Spooled hook events, parsed and applied through the same ingest as live hooks.
#include "ingest/spool_ingest.hpp"

#include <fmt/format.h>

#include "hooks/hook_payload.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace hs {

std::size_t ingest_spool(Spool& spool, HookIngest& ingest, const Clock& clock) {
  std::size_t n = spool.drain([&](std::string_view line, std::string& reason) {
    try {
      auto event = parse_hook_payload(nlohmann::json::parse(line), std::nullopt, clock.now());
      ingest.apply(event);
      return Spool::LineResult::done;
    } catch (const BadInput& e) {
      reason = e.what();
      return Spool::LineResult::rejected;
    } catch (const nlohmann::json::exception& e) {
      reason = fmt::format("not JSON: {}", e.what());
      return Spool::LineResult::rejected;
    } catch (const std::exception& e) {
      log::get("spool")->error("cannot ingest spooled event now, will retry: {}", e.what());
      return Spool::LineResult::retry_later;
    }
  });
  if (n) log::get("spool")->info("ingested {} spooled events", n);
  return n;
}

}  // namespace hs
