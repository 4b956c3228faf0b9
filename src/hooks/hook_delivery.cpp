// What both hook fronts print and do once the server has answered, or has not.
#include "hooks/hook_delivery.hpp"

#include <nlohmann/json.hpp>

#include <ostream>

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
  try {
    Spool(spool_dir).append(body);
  } catch (const std::exception& e) {
    err << "hook-server hook " << event << ": cannot reach " << url << " (" << reason << ") and cannot spool: " << e.what()
        << ": event lost\n";
    return HookDelivery::lost;
  }
  err << "hook-server hook " << event << ": cannot reach " << url << " (" << reason << "); event spooled in "
      << spool_dir.string() << "\n";
  return HookDelivery::spooled;
}

}  // namespace hs
