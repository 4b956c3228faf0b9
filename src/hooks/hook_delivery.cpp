// What both hook fronts print and do once the server has answered, or has not.
#include "hooks/hook_delivery.hpp"

#include <nlohmann/json.hpp>

#include <ostream>
#include <stdexcept>

#include "hooks/spool.hpp"

namespace hs {

int hook_exit_code(HookDelivery d) {
  switch (d) {
    case HookDelivery::delivered:
    case HookDelivery::spooled: return 0;
    case HookDelivery::rejected: return 2;
    case HookDelivery::lost: return 1;
  }
  return 1;
}

HookDelivery hook_malformed(std::string_view event, const std::string& reason, std::ostream& err) {
  err << "hook-server hook " << event << ": " << reason << "\n";
  return HookDelivery::rejected;
}

HookDelivery hook_refused(std::string_view event, int status, const std::string& body, std::ostream& err) {
  std::string message = body;
  try {
    message = nlohmann::json::parse(body).at("error").get<std::string>();
  } catch (const std::exception&) {
  }
  err << "hook-server hook " << event << ": server refused the event (" << status << "): " << message << "\n";
  return HookDelivery::rejected;
}

HookDelivery spool_or_lose(std::string_view event, const std::string& body, const std::string& url,
                           const std::filesystem::path& spool_dir, const std::string& reason, std::ostream& err) {
  if (spool_dir.empty()) {
    err << "hook-server hook " << event << ": cannot reach " << url << " (" << reason
        << ") and no spool is configured: event lost\n";
    return HookDelivery::lost;
  }
  std::string spool_error;
  try {
    Spool(spool_dir).append(body);
    err << "hook-server hook " << event << ": cannot reach " << url << " (" << reason << "); event spooled in "
        << spool_dir.string() << "\n";
    return HookDelivery::spooled;
  } catch (const std::exception& e) {
    spool_error = e.what();
  }
  // The spool's disk may be the one that is full (the server answers 503 for that very reason):
  // keep the event in memory until the server drains it (spool.hpp, fallback_spool_dir).
  const auto fallback = fallback_spool_dir(spool_dir);
  try {
    if (!private_spool_dir(fallback, true))
      throw std::runtime_error(fallback.string() + " is not a folder of this user's alone");
    Spool spool(fallback);
    if (spool.pending_bytes() >= kFallbackSpoolMaxBytes)
      throw std::runtime_error(fallback.string() + " holds its maximum of 64 MiB");
    spool.append(body);
  } catch (const std::exception& e) {
    err << "hook-server hook " << event << ": cannot reach " << url << " (" << reason << ") and cannot spool: "
        << spool_error << "; nor in memory: " << e.what() << ": event lost\n";
    return HookDelivery::lost;
  }
  err << "hook-server hook " << event << ": cannot reach " << url << " (" << reason << ") and cannot spool in "
      << spool_dir.string() << " (" << spool_error << "); event spooled in memory, " << fallback.string() << "\n";
  return HookDelivery::spooled;
}

}  // namespace hs
