// Event webhook bodies, type names and subscriptions.
#include <catch2/catch.hpp>

#include "domain/webhook_event.hpp"

using namespace hs;

TEST_CASE("event types round-trip their names", "[webhook_event]") {
  const char* names[] = {"camera.offline",      "camera.online",      "recording.stalled", "recording.resumed",
                         "recordings.expiring", "recordings.deleted", "disk.alert",        "disk.ok"};
  REQUIRE(all_event_types().size() == std::size(names));
  for (std::size_t i = 0; i < std::size(names); ++i) {
    CHECK(event_type_name(all_event_types()[i]) == names[i]);
    CHECK(parse_event_type(names[i]) == all_event_types()[i]);
  }
  CHECK_FALSE(parse_event_type("camera.exploded"));
}

TEST_CASE("event body", "[webhook_event]") {
  WebhookEvent e{"42", EventType::camera_offline, parse_rfc3339("2026-03-29T01:00:00Z"), "1", {{"changes", 3}}};
  CHECK(event_body(e) ==
        R"({"camera":"1","data":{"changes":3},"id":"42","time":"2026-03-29T01:00:00.000Z","type":"camera.offline"})");
  e.camera.reset();
  e.type = EventType::disk_ok;
  e.data = nlohmann::json::object();
  CHECK(event_body(e) == R"({"camera":null,"data":{},"id":"42","time":"2026-03-29T01:00:00.000Z","type":"disk.ok"})");
}

TEST_CASE("subscriptions", "[webhook_event]") {
  CHECK(wants({"*"}, EventType::disk_alert));
  CHECK(wants({"camera.offline", "disk.alert"}, EventType::disk_alert));
  CHECK_FALSE(wants({"camera.offline"}, EventType::disk_alert));
  CHECK_FALSE(wants({}, EventType::disk_alert));
  CHECK(signed_text(1774746000, R"({"a":1})") == R"(1774746000.{"a":1})");
}
